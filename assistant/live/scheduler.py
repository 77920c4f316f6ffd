"""When to run the extractor on newly committed text (pure; the owner thread drives it).

A window is due when enough new speech has accumulated AND either the room paused (no new line
for `pause_s`) or `max_wait_s` passed since the oldest pending line: items appear within seconds
of a natural pause, and never wait longer than `max_wait_s` in a monologue. One call in flight:
lines committed meanwhile stay pending and go out together in the next window.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from assistant.domain.transcript import Segment


@dataclass
class ExtractionScheduler:
    # ~30 words is 12-15 s of speech: a 1.5B model given one or two short lines invents items to fill
    # the schema (measured on the fixtures); a few sentences with context keep it grounded.
    min_words: int = 30
    pause_s: float = 1.5
    max_wait_s: float = 20.0
    context_lines: int = 6
    """Already-extracted lines sent again before the new ones, so a sentence split across two
    windows is still seen whole."""
    max_lines: int = 40
    pending: list[Segment] = field(default_factory=list)
    history: list[Segment] = field(default_factory=list)
    in_flight: bool = False
    _first_pending_at: float | None = None
    _last_line_at: float = 0.0
    _taken: list[Segment] = field(default_factory=list)

    def add(self, segments: list[Segment], now: float) -> None:
        if not segments:
            return
        if not self.pending:
            self._first_pending_at = now
        self.pending.extend(segments)
        self._last_line_at = now

    def pending_words(self) -> int:
        return sum(len(s.text.split()) for s in self.pending)

    def due(self, now: float) -> bool:
        if self.in_flight or not self.pending or self._first_pending_at is None:
            return False
        waited = now - self._first_pending_at
        if waited >= self.max_wait_s:
            return True
        return self.pending_words() >= self.min_words and now - self._last_line_at >= self.pause_s

    def take(self) -> list[Segment]:
        """The next window (context + pending); marks a call in flight."""
        self._taken = self.pending[: self.max_lines]
        window = [*self.history[-self.context_lines :], *self._taken]
        self.history.extend(self._taken)
        self.pending = self.pending[self.max_lines :]
        self._first_pending_at = None
        self.in_flight = True
        return window

    def done(self, ok: bool, now: float) -> None:
        """The call finished. A failed window's new lines go back to pending, to be retried with
        whatever arrived meanwhile (never lost: the final pass re-reads everything anyway)."""
        self.in_flight = False
        if not ok and self._taken:
            del self.history[-len(self._taken) :]
            self.pending = [*self._taken, *self.pending]
            self._first_pending_at = now
        elif self.pending:
            self._first_pending_at = self._first_pending_at or now
        self._taken = []
