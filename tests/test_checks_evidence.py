"""Evidence verification: the quote is found in the transcript by code, exact first, then fuzzy."""

from __future__ import annotations

import random
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.checks.evidence import TranscriptIndex, locate_quote
from assistant.checks.text import tokens
from assistant.domain.postmortem import Evidence
from assistant.domain.transcript import Segment, Word


def _timed(seg_id: int, start: float, text: str) -> Segment:
    """A segment with word timestamps, 0.5 s per word."""
    words = [Word(start=start + 0.5 * i, end=start + 0.5 * i + 0.4, text=f" {w}") for i, w in enumerate(text.split())]
    return Segment(id=seg_id, start=start, end=words[-1].end, text=text, words=words)


SEGMENTS = [
    Segment(id=10, start=0.0, end=4.0, text="So the webhook queue started backing up at 09:15 on Tuesday."),
    _timed(11, 4.0, "And payments stayed stuck for about 40 minutes."),
    Segment(id=12, start=8.0, end=12.0, text="Karen will add the retry cap to the template by Thursday."),
    Segment(id=13, start=12.0, end=14.0, text="I'll also write the runbook entry."),
    Segment(id=14, start=14.0, end=18.0, text="The dashboard helped, we saw the backlog within two minutes."),
    Segment(id=15, start=18.0, end=20.0, text="The dashboard helped."),
    Segment(id=16, start=20.0, end=22.0, text=""),
]


@pytest.mark.parametrize(
    ("quote", "hints", "segment_ids", "start", "end"),
    [
        # Exact, punctuation and case ignored; times from the segment.
        ("Karen will add the retry cap", (), [12], 8.0, 12.0),
        ("karen WILL add, the retry-cap!", (), [12], 8.0, 12.0),
        # Word timestamps give precise times.
        ("payments stayed stuck", (), [11], 4.5, 5.9),
        ("for about 40 minutes", (), [11], 6.0, 7.9),
        # Across a segment boundary.
        ("on Tuesday. And payments stayed stuck", (), [10, 11], 0.0, 5.9),
        ("the template by Thursday I'll also write", (), [12, 13], 8.0, 14.0),
        ("I\u2019ll also write the runbook entry", (), [13], 12.0, 14.0),
        # The same words twice: the earliest, unless a hint points at the other.
        ("The dashboard helped", (), [14], 14.0, 18.0),
        ("The dashboard helped", (15,), [15], 18.0, 20.0),
        ("The dashboard helped", (16,), [15], 18.0, 20.0),  # nearest to the hint
        # Fuzzy: a slight paraphrase of what the ASR wrote.
        ("Karen will add a retry cap to the template by Thursday", (), [12], 8.0, 12.0),
        ("karen adds the retry cap to the worker template by thursday", (), [12], 8.0, 12.0),
        ("I will also write the runbook entry", (), [13], 12.0, 14.0),
        ("we saw the backlog within 2 minutes", (), [14], 14.0, 18.0),
        ("queue started backing up at 9:15 on Tuesday and payments stayed stuck", (), [10, 11], 0.0, 5.9),
    ],
)
def test_found_quotes_are_verified(
    quote: str, hints: tuple[int, ...], segment_ids: list[int], start: float, end: float
) -> None:
    evidence = locate_quote(quote, SEGMENTS, hints)
    assert (evidence.segment_ids, evidence.quote, evidence.verified) == (segment_ids, quote, True)
    assert evidence.start == pytest.approx(start)
    assert evidence.end == pytest.approx(end)


@pytest.mark.parametrize(
    ("quote", "hints", "segment_ids", "start", "end"),
    [
        ("nothing like this was said at all", (), [], None, None),
        ("nothing like this was said at all", (12,), [12], 8.0, 12.0),
        ("nothing like this was said at all", (13, 12, 99), [13, 12], 8.0, 14.0),  # unknown ids dropped
        ("", (12,), [12], 8.0, 12.0),
        ("...", (), [], None, None),
        # Too different to be a paraphrase (ratio < 0.8).
        ("Karen will remove the retry cap from every worker next month", (), [], None, None),
    ],
)
def test_missing_quotes_are_unverified_at_the_hints(
    quote: str, hints: tuple[int, ...], segment_ids: list[int], start: float | None, end: float | None
) -> None:
    evidence = locate_quote(quote, SEGMENTS, hints)
    assert evidence == Evidence(segment_ids=segment_ids, start=start, end=end, quote=quote, verified=False)


def test_unknown_hints_do_not_prevent_a_match() -> None:
    assert locate_quote("the webhook queue", SEGMENTS, [99]).segment_ids == [10]


def test_stale_word_timestamps_fall_back_to_segment_times() -> None:
    # The text was edited after transcription: the words no longer spell it.
    seg = _timed(1, 10.0, "the pool limit was ten")
    seg = seg.model_copy(update={"text": "the pool limit was 10"})
    evidence = locate_quote("pool limit was 10", [seg])
    assert (evidence.verified, evidence.start, evidence.end) == (True, 10.0, seg.end)


def test_empty_transcript() -> None:
    assert locate_quote("anything", []) == Evidence(quote="anything", verified=False)


def test_an_index_is_reusable() -> None:
    index = TranscriptIndex(SEGMENTS)
    assert index.locate("the runbook entry").segment_ids == [13]
    assert index.locate("the retry cap").segment_ids == [12]


_VOCAB = ["the", "pool", "alert", "deploy", "rollback", "config", "we", "saw", "it", "fix"]


@given(
    st.lists(st.lists(st.sampled_from(_VOCAB), min_size=1, max_size=12), min_size=1, max_size=15),
    st.data(),
)
@settings(max_examples=150, deadline=None)
def test_any_exact_sub_span_is_found(segment_words: list[list[str]], data: st.DataObject) -> None:
    segments = [
        Segment(id=i, start=float(i), end=i + 0.9, text=" ".join(words)) for i, words in enumerate(segment_words)
    ]
    flat = [w for words in segment_words for w in words]
    start = data.draw(st.integers(0, len(flat) - 1))
    end = data.draw(st.integers(start + 1, len(flat)))
    quote = " ".join(flat[start:end])

    evidence = locate_quote(quote, segments)

    assert evidence.verified
    # The returned segments, joined, contain the quote; exact matches pick the earliest place.
    covered = [w for s in segments if s.id in evidence.segment_ids for w in tokens(s.text)]
    assert any(covered[i : i + end - start] == flat[start:end] for i in range(len(covered)))
    assert evidence.segment_ids == sorted(evidence.segment_ids)
    assert evidence.start is not None and evidence.end is not None and evidence.start <= evidence.end


def test_two_hour_transcript_is_fast() -> None:
    # ~20k words, ~1,500 distinct: a realistic two-hour meeting; 60 quotes, half of them paraphrased.
    rng = random.Random(7)
    vocab = [f"w{i}" for i in range(1500)] + ["the", "a", "to", "and", "we", "it"] * 50
    segments = [
        Segment(id=i, start=i * 5.0, end=i * 5.0 + 4.5, text=" ".join(rng.choices(vocab, k=14))) for i in range(1430)
    ]
    flat = [w for s in segments for w in s.text.split()]
    index = TranscriptIndex(segments)
    began = time.perf_counter()
    for n in range(60):
        at = rng.randrange(len(flat) - 20)
        words = flat[at : at + 20]
        if n % 2:
            words[5] = "paraphrased"
            del words[12]
        assert index.locate(" ".join(words)).verified
    assert time.perf_counter() - began < 3.0
