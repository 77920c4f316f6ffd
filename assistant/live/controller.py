"""The owner-thread side of live mode: applies worker events to the session and schedules extraction.

Shared by the headless recorder and the TUI, so both behave the same. Everything here runs on one
thread; workers never touch the session.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from assistant.checks.template import long_meeting_note
from assistant.domain.postmortem import Item
from assistant.extraction.extractor import known_items
from assistant.extraction.windows import estimate_tokens
from assistant.live.candidates import CandidateMarks
from assistant.live.events import (
    AsrStatus,
    AudioStatus,
    LiveEvent,
    ProposalsExtracted,
    SegmentsCommitted,
    StreamEnded,
    TentativeChanged,
    WorkerFailed,
)
from assistant.live.jsonlines import fingerprint, item_record, segment_record
from assistant.live.scheduler import ExtractionScheduler
from assistant.live.silence import SilenceWatch
from assistant.live.workers import ExtractionJob, JobQueue
from assistant.session import Session
from assistant.session.drafts import merge_meeting

Output = Callable[[dict[str, Any]], None]


@dataclass
class LiveState:
    """What a UI shows besides the transcript and proposals."""

    tentative: str = ""
    lag_s: float = 0.0
    behind: bool = False
    audio_end_s: float = 0.0
    level_dbfs: float = -100.0
    levels: tuple[float, float] | None = None
    """A call: (microphone, call) levels; None for one input."""
    silence: SilenceWatch = field(default_factory=SilenceWatch)
    dropped_s: float = 0.0
    recorded_s: float = 0.0
    stream_ended: bool = False
    errors: list[str] = field(default_factory=list)
    template_notice: str = ""
    """The template's note once the meeting runs past 90 minutes; empty before."""
    llm_note: str = ""
    """Why extraction is behind ("LLM unreachable, retry 3 in 8 s"); empty while it works."""
    llm_retry_at: float | None = None
    """Monotonic time of the next retry, for a countdown."""
    latencies: list[float] = field(default_factory=list)
    lags: list[float] = field(default_factory=list)


class LiveController:
    def __init__(
        self,
        session: Session,
        scheduler: ExtractionScheduler,
        llm: JobQueue | None,
        output: Output,
        *,
        stream_started_at: float,
        time_offset: float = 0.0,
        clock: Callable[[], float] = time.monotonic,
        candidates: CandidateMarks | None = None,
    ) -> None:
        """`candidates`: mark each committed line at once and settle the marks after each window."""
        self.session = session
        self.scheduler = scheduler
        self.llm = llm
        self.output = output
        self.clock = clock
        self.stream_started_at = stream_started_at
        """Monotonic time of stream time 0; with `time_offset`, maps audio time to wall time."""
        self.time_offset = time_offset
        self.state = LiveState()
        self.candidates = candidates
        self._seen: dict[str, str] = {i.id: fingerprint(i) for i in session.postmortem.all_items()}

    # --- events ----------------------------------------------------------------------------------

    def handle(self, event: LiveEvent) -> None:
        match event:
            case SegmentsCommitted(segments=segments):
                self.session.add_segments(segments)  # persisted before anything else sees them
                self.scheduler.add(segments, self.clock())
                for seg in segments:
                    self.output(segment_record(seg))
                if self.candidates is not None:
                    now = self.clock()
                    self.candidates.committed(segments, event.received_at, now, self.meeting_time(now))
            case TentativeChanged(text=text):
                self.state.tentative = text
            case AsrStatus():
                self.state.lag_s, self.state.behind = event.lag_s, event.behind
                self.state.audio_end_s = event.audio_end_s
                self.state.lags.append(event.lag_s)
                self.output({"type": "lag", "lag_s": round(event.lag_s, 2), "audio_end_s": round(event.audio_end_s, 2),
                             "behind": event.behind, "step_s": round(event.step_s, 2)})  # fmt: skip
            case AudioStatus():
                if event.dropped_s > self.state.dropped_s:
                    self.output({"type": "warning", "message": f"{event.dropped_s:.1f} s of audio dropped"})
                self.state.level_dbfs, self.state.dropped_s = event.level_dbfs, event.dropped_s
                self.state.recorded_s = event.recorded_s
                self._long_meeting_notice()
                if event.levels is not None:
                    self.state.levels = event.levels
                    for message in self.state.silence.update(event.levels, self.clock()):
                        self.output({"type": "warning", "message": message})
            case ProposalsExtracted():
                self._on_proposals(event)
            case WorkerFailed(worker=worker, message=message, fatal=fatal):
                self.state.errors.append(f"{worker}: {message}")
                self.output({"type": "error", "worker": worker, "message": message, "fatal": fatal})
            case StreamEnded():
                self.state.stream_ended = True

    def _on_proposals(self, event: ProposalsExtracted) -> None:
        now = self.clock()
        if not event.status.ok:
            self._on_failure(event, now)
            return
        failures = self.scheduler.failures
        self.scheduler.done(True, now)
        if failures:
            self.state.llm_note, self.state.llm_retry_at = "", None
            self.output({"type": "llm_status", "state": "recovered", "failed_attempts": failures,
                         "pending_lines": len(self.scheduler.pending)})  # fmt: skip
        merge_meeting(self.session, event.draft)  # a prepared draft's items are confirmed or corrected live too
        pm = self.session.postmortem
        for item in pm.all_items():
            fp = fingerprint(item)
            if self._seen.get(item.id) == fp:
                continue
            self._seen[item.id] = fp
            self.output(item_record(pm, item, self._latency(item, now)))
        if self.candidates is not None:
            self.candidates.read(pm, self._reread_from(), now, self.meeting_time(now))

    def _reread_from(self) -> int:
        """The first line a later window may still read: the next window's context, else its new lines."""
        scheduler = self.scheduler
        context = scheduler.history[-scheduler.context_lines :] if scheduler.context_lines > 0 else []
        later = [*context, *scheduler.pending]
        return later[0].id if later else self.session.next_segment_id

    def meeting_time(self, now: float) -> float:
        """Owner-clock time `now` on the meeting's clock (that of the segments' start and end)."""
        return now - self.stream_started_at + self.time_offset

    def _on_failure(self, event: ProposalsExtracted, now: float) -> None:
        """Back off and say so: one `llm_status` line per failed call, the same note in the state."""
        error = event.status.error or "no answer"
        retry = self.scheduler.failed(now, unavailable=event.unavailable, retry_after_s=event.retry_after_s)
        record: dict[str, Any] = {"type": "llm_status", "state": "retrying" if retry.action == "retry" else "skipped",
                                  "attempt": retry.attempt, "error": error, "unavailable": event.unavailable,
                                  "pending_lines": len(self.scheduler.pending)}  # fmt: skip
        if retry.action == "retry":
            record["retry_in_s"] = round(retry.delay_s, 2)
            if event.retry_after_s is not None:
                record["retry_after_s"] = event.retry_after_s
            self.state.llm_retry_at = now + retry.delay_s
            self.state.llm_note = f"extraction failed ({error}); retry {retry.attempt} in {retry.delay_s:.0f} s"
        else:
            # Those lines are not lost: the final pass reads the whole meeting again.
            record["skipped_lines"] = retry.skipped_lines
            self.state.llm_retry_at = None
            self.state.llm_note = f"extraction skipped {retry.skipped_lines} lines ({error}); final pass will retry"
        self.state.errors.append(f"llm: {error}")
        self.output(record)

    def _latency(self, item: Item, now: float) -> float | None:
        """Seconds from the end of the evidence utterance (in wall time) to now."""
        if item.evidence.end is None:
            return None
        said_at = self.stream_started_at + (item.evidence.end - self.time_offset)
        latency = now - said_at
        self.state.latencies.append(latency)
        return latency

    # --- scheduling ------------------------------------------------------------------------------

    def _long_meeting_notice(self) -> None:
        """The template keeps a meeting to 90 minutes: say so once, when it runs past (a note, no block)."""
        if self.state.template_notice:
            return
        if note := long_meeting_note(self.state.recorded_s):
            self.state.template_notice = note.text
            self.output({"type": "notice", "kind": note.kind.value, "message": note.text})

    def tick(self) -> None:
        """Call often (e.g. every 100 ms): submits a due window to an idle LLM worker."""
        now = self.clock()
        if self.llm is None or not self.scheduler.due(now):
            return
        known = known_items(self.session.postmortem)
        segments = self.scheduler.take(reserve_tokens=estimate_tokens(known) if known else 0)
        job = ExtractionJob(segments, self.session.details, known, now)
        if not self.llm.submit(job):
            self.scheduler.requeue(now)
