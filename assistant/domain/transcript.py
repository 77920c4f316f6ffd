"""Transcript data: words and segments with times in seconds from the start of the recording."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

Side = Literal["mic", "call"]
"""Which input of a call recording a line came from: the facilitator's microphone or the call."""


class Word(BaseModel):
    start: float
    end: float
    text: str
    probability: float = 1.0


class Segment(BaseModel):
    """One transcript line. `id` is stable for the life of a session (evidence points at it)."""

    id: int
    start: float
    end: float
    text: str
    words: list[Word] = Field(default_factory=list)
    speaker: str | None = None
    side: Side | None = Field(default=None, exclude_if=lambda v: v is None)
    """Call recordings only (`record --call`); None elsewhere, and left out of the saved JSON then, so
    sessions and exports of one-input recordings read and write exactly as before."""


class Transcript(BaseModel):
    segments: list[Segment] = Field(default_factory=list)
    duration: float = 0.0
    language: str = "en"

    @property
    def text(self) -> str:
        return " ".join(s.text.strip() for s in self.segments if s.text.strip())

    def by_id(self) -> dict[int, Segment]:
        return {s.id: s for s in self.segments}
