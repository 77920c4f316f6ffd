"""When to run the extractor on newly committed text (pure; the owner thread drives it).

A window is due when enough new speech has accumulated AND either the room paused (no new line
for `pause_s`) or `max_wait_s` passed since the oldest pending line: items appear within seconds
of a natural pause, and never wait longer than `max_wait_s` in a monologue. One call in flight:
lines committed meanwhile stay pending and go out together in the next window.

A failed window's lines go back to pending and are retried after a backoff: doubling from
`backoff_base_s` up to `backoff_cap_s`, or the server's Retry-After (capped the same way). An
unavailable server (down, rate limited, 5xx) is retried for as long as it takes, so the missed lines
are extracted once it is back; a server that keeps answering the same lines with something unusable
is given `max_bad_answers` tries, then those lines are left to the final pass (which re-reads the
whole meeting) so one bad window cannot block live extraction for the rest of the meeting.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from assistant.domain.transcript import Segment
from assistant.extraction.windows import estimate_tokens


@dataclass(frozen=True)
class Retry:
    """What the scheduler does after a failed window."""

    action: Literal["retry", "skip"]
    attempt: int
    """Consecutive failed calls so far (1 = the first failure)."""
    delay_s: float
    """Seconds until the next window may start (0 when skipping: the next lines go at once)."""
    skipped_lines: int = 0


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
    max_tokens: int = 900
    """Estimated tokens of context + new lines (+ the caller's reserve, e.g. the known items): the same
    budget as a file window (`llm.window_tokens`), so a live prompt fits the model's context too. After
    an outage or behind a slow model the backlog is full windows; 40 lines plus 25 known items measured
    ~3,300 prompt tokens, which with 1,200 output tokens overflows a 4,096 context."""
    backoff_base_s: float = 2.0
    backoff_cap_s: float = 60.0
    """Also caps Retry-After: a server asking for an hour is retried every minute instead."""
    max_bad_answers: int = 3
    failures: int = 0
    """Consecutive failed calls; 0 after a success."""
    retry_at: float | None = None
    skipped_lines: int = 0
    pending: list[Segment] = field(default_factory=list)
    history: list[Segment] = field(default_factory=list)
    in_flight: bool = False
    _first_pending_at: float | None = None
    _last_line_at: float = 0.0
    _taken: list[Segment] = field(default_factory=list)
    _bad_answers: int = 0

    @classmethod
    def for_rules(cls, max_tokens: int = 900) -> ExtractionScheduler:
        """For an extractor that reads a window with code in milliseconds (the hybrid engine): no reason to
        wait for 30 words or 20 s — a committed line is read at the next short pause, with more context
        lines so that a reply ("Sure, by Friday") still sees the request it answers."""
        return cls(min_words=4, pause_s=0.6, max_wait_s=3.0, context_lines=12, max_tokens=max_tokens)

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
        if self.retry_at is not None:
            # Backing off after a failure: the retry goes out as soon as the backoff is over.
            return now >= self.retry_at
        waited = now - self._first_pending_at
        if waited >= self.max_wait_s or len(self.pending) >= self.max_lines:
            # A full window is waiting (a backlog after an outage): no reason to wait for a pause.
            return True
        return self.pending_words() >= self.min_words and now - self._last_line_at >= self.pause_s

    def take(self, reserve_tokens: int = 0) -> list[Segment]:
        """The next window (context + pending, within `max_tokens` minus `reserve_tokens`, at least one
        new line); marks a call in flight."""
        context = self.history[len(self.history) - self.context_lines :] if self.context_lines > 0 else []
        budget = self.max_tokens - reserve_tokens - sum(estimate_tokens(s.text) for s in context)
        count = 0
        for seg in self.pending[: self.max_lines]:
            budget -= estimate_tokens(seg.text)
            if count and budget < 0:
                break
            count += 1
        self._taken = self.pending[:count]
        window = [*context, *self._taken]
        self.history.extend(self._taken)
        self.pending = self.pending[count:]
        self._first_pending_at = None
        self.in_flight = True
        return window

    def done(self, ok: bool, now: float) -> None:
        """The call finished. A failed window's new lines go back to pending, to be retried with
        whatever arrived meanwhile (never lost: the final pass re-reads everything anyway)."""
        if ok:
            self.in_flight = False
            self.failures, self._bad_answers, self.retry_at = 0, 0, None
            if self.pending:
                self._first_pending_at = self._first_pending_at or now
            self._taken = []
        else:
            self.failed(now, unavailable=True)

    def failed(self, now: float, *, unavailable: bool, retry_after_s: float | None = None) -> Retry:
        """The call failed. `unavailable`: the server could not answer (retried until it can);
        otherwise it answered with something unusable (retried `max_bad_answers` times)."""
        self.in_flight = False
        self.failures += 1
        self._bad_answers = 0 if unavailable else self._bad_answers + 1
        if not unavailable and self._bad_answers >= self.max_bad_answers:
            skipped = len(self._taken)
            self.skipped_lines += skipped
            self._bad_answers, self.retry_at = 0, None
            if self.pending:
                self._first_pending_at = self._first_pending_at or now
            self._taken = []
            return Retry("skip", self.failures, 0.0, skipped)
        if self._taken:
            del self.history[-len(self._taken) :]
            self.pending = [*self._taken, *self.pending]
        self._first_pending_at = now
        self._taken = []
        delay = self.backoff_delay(retry_after_s)
        self.retry_at = now + delay
        return Retry("retry", self.failures, delay)

    def backoff_delay(self, retry_after_s: float | None = None) -> float:
        if retry_after_s is not None:
            return min(max(retry_after_s, 0.0), self.backoff_cap_s)
        return min(self.backoff_base_s * 2.0 ** max(self.failures - 1, 0), self.backoff_cap_s)

    def requeue(self, now: float) -> None:
        """The window could not even be submitted (worker busy): put it back, no failure counted."""
        self.in_flight = False
        if self._taken:
            del self.history[-len(self._taken) :]
            self.pending = [*self._taken, *self.pending]
        self._first_pending_at = self._first_pending_at or now
        self._taken = []
