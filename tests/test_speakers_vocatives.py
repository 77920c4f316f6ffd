"""Voices named from how people address each other (no model: segments with anonymous labels)."""

from __future__ import annotations

import pytest

from assistant.domain.transcript import Segment
from assistant.extraction.rules.dialogue import addressee, vocative
from assistant.speakers.vocatives import infer_speaker_names


def lines(*turns: tuple[str, str]) -> list[Segment]:
    return [Segment(id=i, start=i * 3.0, end=i * 3.0 + 2.5, text=t, speaker=s) for i, (s, t) in enumerate(turns)]


def test_voices_named_by_the_people_who_address_them() -> None:
    segments = lines(
        ("S1", "Morning all. Priya, can you walk us through the timeline?"),
        ("S2", "Sure. At 9:12 the queue started to grow."),
        ("S1", "Thanks, Priya. Jonas, what did support see?"),
        ("S3", "About two hundred tickets."),
        ("S1", "Jonas, were they all about checkout?"),
        ("S3", "Mostly, yes."),
        ("S2", "I'll add a queue depth alert."),
    )
    assert infer_speaker_names(segments, ["Ana", "Priya", "Jonas"]) == {"S2": "Priya", "S3": "Jonas"}


def test_one_cue_is_not_enough_and_conflicting_cues_name_nobody() -> None:
    once = lines(("S1", "Priya, go ahead."), ("S2", "Okay."))
    assert infer_speaker_names(once, ["Priya", "Jonas"]) == {}
    merged = lines(
        ("S1", "Priya, go ahead."), ("S2", "Sure."),
        ("S1", "Jonas, and you?"), ("S2", "Yes."),
        ("S1", "Priya, anything else?"), ("S2", "No."),
        ("S1", "Jonas, last thing?"), ("S2", "No."),
    )  # fmt: skip
    assert infer_speaker_names(merged, ["Priya", "Jonas"]) == {}  # two people in one voice: no name


def test_self_introduction_and_named_voices_left_alone() -> None:
    segments = lines(("S1", "Hi, I'm Jonas from support."), ("Ana", "Welcome."), ("S1", "This is Jonas again."))
    assert infer_speaker_names(segments, ["Ana", "Jonas"]) == {"S1": "Jonas"}
    assert infer_speaker_names(segments, []) == {}


@pytest.mark.parametrize(
    ("sentence", "called", "addressed"),
    [
        ("Priya, can you walk us through it?", "Priya", "Priya"),
        ("Okay Priya: the timeline?", "Priya", "Priya"),
        ("Well, Priya?", "Priya", "Priya"),
        ("Priya can you own the alert?", None, "Priya"),  # ASR dropped the comma: fine with a request
        ("Can you own the alert, Priya?", None, "Priya"),
        ("Thanks, Priya.", None, "Priya"),  # thanks the voice before: never a vote for the next one
        ("Priya said it was the cache.", None, "Priya"),
        ("We paged Jonas and Priya.", None, None),
    ],
)
def test_one_vocative_matcher_strict_for_voices_loose_for_owners(
    sentence: str, called: str | None, addressed: str | None
) -> None:
    """Naming a voice takes only the name set off at the start; the action rules, which also need a
    request in the sentence, take the comma-less and the closing forms too."""
    assert vocative(sentence, ["Jonas", "Priya Shah"]) == (called and "Priya Shah")
    assert addressee(sentence, ["Jonas", "Priya Shah"]) == (addressed and "Priya Shah")
