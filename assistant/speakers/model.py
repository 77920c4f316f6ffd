"""Speaker turns: who spoke when, as anonymous labels `S1`, `S2`, … in order of first appearance."""

from __future__ import annotations

import re
from dataclasses import dataclass

LABEL_PATTERN = re.compile(r"^S([1-9][0-9]*)$")


@dataclass(frozen=True)
class Turn:
    """One stretch of speech by one (anonymous) speaker, in seconds from the start of the recording."""

    speaker: str
    start: float
    end: float

    @property
    def duration(self) -> float:
        return max(0.0, self.end - self.start)


def label(n: int) -> str:
    """The n-th anonymous speaker label (1-based): `S1`, `S2`, …"""
    return f"S{n}"


def is_label(text: str) -> bool:
    """True for our anonymous labels (`S1`, `S12`); names and other diarizers' labels are not."""
    return bool(LABEL_PATTERN.match(text))


def label_number(text: str) -> int:
    match = LABEL_PATTERN.match(text)
    if match is None:
        raise ValueError(f"not a speaker label: {text!r}")
    return int(match.group(1))


def next_label(existing: set[str]) -> str:
    """A label not used yet (for splitting a wrongly merged speaker in two)."""
    numbers = [label_number(x) for x in existing if is_label(x)]
    return label(max(numbers, default=0) + 1)
