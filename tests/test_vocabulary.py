"""The vocabulary pass: near-miss spellings of known names and terms snapped, ordinary words left alone."""

from __future__ import annotations

import pytest

from assistant.domain.transcript import Segment, Transcript, Word
from assistant.transcription.vocabulary import snap_transcript

VOCABULARY = ["Priya", "Suresh", "Tomas", "Ana", "pool settings", "pgbouncer"]


def _transcript(text: str) -> Transcript:
    words = [Word(start=i, end=i + 0.5, text=f" {t}", probability=0.9) for i, t in enumerate(text.split())]
    return Transcript(segments=[Segment(id=0, start=0, end=len(words), text=text, words=words)], duration=9)


@pytest.mark.parametrize(
    ("heard", "snapped"),
    [
        ("Pre-a, can you take it?", "Priya, can you take it?"),
        ("Thomas will fix the pool savings by Friday.", "Tomas will fix the pool settings by Friday."),
        ("restart pg bouncer now", "restart pgbouncer now"),
        ("ana said so", "Ana said so"),
        ("Thanks, Suresch.", "Thanks, Suresh."),
    ],
)
def test_near_misses_take_the_known_spelling(heard: str, snapped: str) -> None:
    assert snap_transcript(_transcript(heard), VOCABULARY).segments[0].text == snapped


@pytest.mark.parametrize(
    "said",
    [
        "Sure, I will.",  # "Sure I" is not "Suresh": punctuation between, and too far apart
        "Sure I will.",
        "the prior version is fine",  # ordinary words never become a one-word name
        "the pool is full",  # a part of a term is not the term
        "Priya and Tomas agreed.",  # already right: unchanged
        "Press the button.",
    ],
)
def test_ordinary_words_stay(said: str) -> None:
    assert snap_transcript(_transcript(said), VOCABULARY).segments[0].text == said


def test_the_snapped_words_keep_their_times() -> None:
    out = snap_transcript(_transcript("ask pg bouncer now"), VOCABULARY).segments[0]
    assert [(w.text, w.start, w.end) for w in out.words] == [
        (" ask", 0, 0.5), (" pgbouncer", 1, 2.5), (" now", 3, 3.5),
    ]  # fmt: skip


def test_no_vocabulary_is_no_change() -> None:
    transcript = _transcript("Pre-a will do it")
    assert snap_transcript(transcript, []) is transcript
