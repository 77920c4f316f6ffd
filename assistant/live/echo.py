"""Echo lines: the same words heard on both sides of a call within a short lag; keep the call's copy.

The side tagger (`assistant.live.sides`) already gives a line whose mic signal is only the call's
echo to the call. What is left is a line transcribed twice, once per side, when the echo comes late
(> 0.5 s of buffers) or distorted enough that the mix holds two copies: the words are the same, so
they are compared as text (rapidfuzz), together with how far apart they start.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz

from assistant.domain.transcript import Segment

MIN_SIMILARITY = 85.0
"""rapidfuzz ratio (0..100) of the normalised texts above which two lines are the same words."""
MAX_LAG_S = 2.0
"""An echo starts at most this much after the call line it copies."""
_WORD = re.compile(r"[\w']+")


def _norm(text: str) -> str:
    return " ".join(_WORD.findall(text.casefold()))


def is_echo_of(line: Segment, call_line: Segment) -> bool:
    """Whether mic `line` repeats `call_line` (same words, starting within MAX_LAG_S of it)."""
    if line.side != "mic" or call_line.side != "call":
        return False
    if abs(line.start - call_line.start) > MAX_LAG_S:
        return False
    a, b = _norm(line.text), _norm(call_line.text)
    return bool(a) and fuzz.ratio(a, b) >= MIN_SIMILARITY


@dataclass
class EchoFilter:
    """Drops mic lines that repeat a recent call line (owner of the ASR stream's output only)."""

    dropped: int = 0

    def __post_init__(self) -> None:
        self._recent: deque[Segment] = deque(maxlen=20)

    def keep(self, segments: Sequence[Segment]) -> list[Segment]:
        kept: list[Segment] = []
        for seg in segments:
            if any(is_echo_of(seg, other) for other in self._recent):
                self.dropped += 1
                continue
            self._recent.append(seg)
            kept.append(seg)
        return kept


def drop_echoes(segments: Sequence[Segment]) -> list[Segment]:
    """Offline: every mic line that repeats a call line of the other side (either order in time)."""
    calls = [s for s in segments if s.side == "call"]
    return [s for s in segments if not any(is_echo_of(s, c) for c in calls)]
