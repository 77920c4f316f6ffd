"""Split a transcript into extraction windows so no prompt overflows a small model's context and the
total LLM input stays linear in meeting length (each segment is sent at most twice: once in its own
window and possibly once as overlap)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from assistant.domain.transcript import Segment


def estimate_tokens(text: str) -> int:
    # ~1.3 tokens per English word for Qwen/GPT tokenisers; cheap and conservative enough.
    return int(len(text.split()) * 1.3) + 4


@dataclass(frozen=True)
class Window:
    index: int
    segments: tuple[Segment, ...]
    overlap: int
    """How many leading segments repeat the end of the previous window (context for split items)."""

    @property
    def start(self) -> float:
        return self.segments[0].start

    @property
    def end(self) -> float:
        return self.segments[-1].end


def make_windows(segments: Sequence[Segment], max_tokens: int, overlap_tokens: int | None = None) -> list[Window]:
    # An eighth of the window as overlap: enough for a sentence split at the border, cheap in tokens.
    overlap_tokens = max_tokens // 8 if overlap_tokens is None else overlap_tokens
    windows: list[Window] = []
    current: list[Segment] = []
    size = 0
    for seg in segments:
        cost = estimate_tokens(seg.text)
        if current and size + cost > max_tokens:
            windows.append(Window(len(windows), tuple(current), _overlap_of(windows, current)))
            # Carry the tail of this window into the next one so an item said across the border is seen whole.
            tail: list[Segment] = []
            tail_size = 0
            for prev in reversed(current):
                t = estimate_tokens(prev.text)
                if tail_size + t > overlap_tokens or len(tail) + 1 >= len(current):
                    break
                tail.insert(0, prev)
                tail_size += t
            current, size = tail, tail_size
        current.append(seg)
        size += cost
    if current:
        windows.append(Window(len(windows), tuple(current), _overlap_of(windows, current)))
    return windows


def _overlap_of(windows: list[Window], current: list[Segment]) -> int:
    if not windows:
        return 0
    prev_ids = {s.id for s in windows[-1].segments}
    return sum(1 for s in current if s.id in prev_ids)
