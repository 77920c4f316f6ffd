"""Quotes copied with the prompt's line decoration ("L12 [03:04] Omar: ") keep only the words as said."""

from __future__ import annotations

import pytest

from assistant.domain.transcript import Segment
from assistant.extraction.convert import wire_to_postmortem
from assistant.extraction.schema import WireAction, WireLiveExtraction

SEGMENTS = [
    Segment(id=11, start=0.0, end=3.0, text="I'll write the config checklist before Thursday.", speaker="James"),
    Segment(id=12, start=3.0, end=6.0, text="Thanks: that settles it.", speaker="Lisa"),
]


def _quote_of(quote: str, line: int) -> tuple[str, list[int], bool]:
    action = WireAction(action="Write the checklist", owner=None, due=None, quote=quote, line=line)
    wire = WireLiveExtraction(decisions=[], action_items=[action], open_questions=[])
    pm = wire_to_postmortem(wire.as_full(), SEGMENTS)
    evidence = pm.action_items[0].evidence
    return evidence.quote, evidence.segment_ids, evidence.verified


@pytest.mark.parametrize(
    "quote",
    [
        "James: I'll write the config checklist",
        "S2: I'll write the config checklist",
        "L11 [00:00] James: I'll write the config checklist",
        "L11 I'll write the config checklist",
        "I'll write the config checklist",
    ],
)
def test_line_decoration_is_dropped_from_quotes(quote: str) -> None:
    assert _quote_of(quote, 11) == ("I'll write the config checklist", [11], True)


def test_a_colon_in_speech_is_not_a_speaker_label() -> None:
    assert _quote_of("Thanks: that settles it", 12) == ("Thanks: that settles it", [12], True)


def test_a_made_up_quote_stays_unverified() -> None:
    quote, _, verified = _quote_of("James: we will rewrite the whole pipeline in Rust", 11)
    assert not verified and quote.startswith("James:")
