"""Transcript lines -> sentences with their speaker, time and turn: the unit every rule works on.

A Whisper line often holds several sentences ("Okay, decisions. We decided to freeze deploys."), and
an item cites one of them; a turn is a run of sentences by one speaker, which is what replies are.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from assistant.domain.transcript import Segment

_SPLIT = re.compile(r"(?<=[.!?])[\"')\]]?\s+(?=[\"'(\[]?[A-Z0-9])")
_WS = re.compile(r"\s+")


@dataclass(frozen=True)
class Sentence:
    index: int
    """Position in the meeting (0-based)."""
    segment_id: int
    text: str
    speaker: str | None
    start: float
    end: float
    turn: int
    """Consecutive sentences of one speaker share a turn number (lines without speakers: one per line)."""

    @property
    def lower(self) -> str:
        return self.text.lower()

    @property
    def is_question(self) -> bool:
        return self.text.rstrip().endswith("?")


def split_text(text: str) -> list[str]:
    parts = [p.strip() for p in _SPLIT.split(_WS.sub(" ", text).strip())]
    return [p for p in parts if p]


def sentences_of(segments: Sequence[Segment]) -> list[Sentence]:
    out: list[Sentence] = []
    turn = -1
    previous: Segment | None = None
    for seg in segments:
        pieces = split_text(seg.text)
        if not pieces:
            continue
        same_turn = (
            previous is not None
            and seg.speaker is not None
            and seg.speaker == previous.speaker
            and seg.start - previous.end < 2.0
        )
        if not same_turn:
            turn += 1
        total = sum(len(p) for p in pieces) or 1
        offset = 0
        span = max(seg.end - seg.start, 0.0)
        for piece in pieces:
            start = seg.start + span * offset / total
            offset += len(piece)
            end = seg.start + span * offset / total
            out.append(Sentence(len(out), seg.id, piece, seg.speaker, round(start, 2), round(end, 2), turn))
        previous = seg
    return out


def next_turns(sentences: Sequence[Sentence], i: int, turns: int = 2) -> list[Sentence]:
    """The sentences of the `turns` turns after sentence i's turn."""
    base = sentences[i].turn
    return [s for s in sentences[i + 1 :] if base < s.turn <= base + turns]


def rest_of_turn(sentences: Sequence[Sentence], i: int) -> list[Sentence]:
    base = sentences[i].turn
    out = []
    for s in sentences[i + 1 :]:
        if s.turn != base:
            break
        out.append(s)
    return out
