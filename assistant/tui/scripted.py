"""Scripted services: a replayed meeting instead of a microphone and models.

Deterministic and instant, for the UI tests, the snapshot tests and `docs/make_screenshots.py`. They
honour the same thread contracts as the real services (events come from a thread through `emit`).
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from assistant.domain.postmortem import (
    ActionItem,
    Evidence,
    MeetingDetails,
    Postmortem,
    RootCause,
    TextItem,
    TimelineEvent,
    WhyStep,
    WindowStatus,
)
from assistant.domain.transcript import Segment, Transcript
from assistant.errors import AudioDeviceError, LLMError, ModelError
from assistant.extraction.merge import merge_into
from assistant.live.events import (
    AsrStatus,
    AudioStatus,
    LiveEvent,
    ProposalsExtracted,
    SegmentsCommitted,
    StreamEnded,
    TentativeChanged,
)
from assistant.live.meeting import Meeting
from assistant.live.voices import VoiceWorker
from assistant.live.workers import JobQueue
from assistant.session import Session, SessionState
from assistant.tui.services import Cancelled, CountProgress, Emit, Prepared, Services, TimeProgress

# --- a small meeting -----------------------------------------------------------------------------

MEETING_DATE = dt.date(2025, 3, 12)
FIXED_NOW = dt.datetime(2025, 3, 12, 10, 30, tzinfo=dt.timezone(dt.timedelta(hours=1)))

LINES: list[tuple[str, str]] = [
    ("Lisa", "This is the postmortem for the expired certificate on the public API."),
    ("Tom", "At 11:47 the certificate on the API gateway expired and every mobile client failed."),
    ("Peter", "About 31,000 users could not log in and we got 214 support tickets."),
    ("Lisa", "Why did the certificate expire?"),
    ("Tom", "Because the renewal job had been failing silently for 3 weeks."),
    ("", "[BLANK_AUDIO]"),
    ("Lisa", "We decided to move all public certificates to automatic renewal."),
    ("Lisa", "Tom will add an expiry alert for every public certificate before Friday."),
    ("Peter", "I'll update the runbook for manual renewal before Wednesday."),
    ("Tom", "Someone needs to check the other renewal jobs for the same problem soon."),
    ("Lisa", "Who should own certificates in the long run, the platform team or each service team?"),
]


def demo_details(**overrides: object) -> MeetingDetails:
    base: dict[str, object] = {
        "title": "Expired TLS certificate on the public API",
        "date": MEETING_DATE,
        "facilitator": "Lisa",
        "attendees": ["Lisa", "Tom", "Peter"],
        "incident_id": "INC-2041",
        "severity": "SEV-2",
        "planned_duration_min": 30,
    }
    return MeetingDetails.model_validate(base | overrides)


def demo_segments(lines: Sequence[tuple[str, str]] = LINES, first_id: int = 0) -> list[Segment]:
    return [
        Segment(id=first_id + n, start=6.0 * n, end=6.0 * n + 5.0, text=text, speaker=speaker or None)
        for n, (speaker, text) in enumerate(lines)
    ]


def _ev(segment_id: int, quote: str) -> Evidence:
    return Evidence(segment_ids=[segment_id], quote=quote)


def demo_draft() -> Postmortem:
    """What an extractor could propose for LINES: some items clean, some flagged."""
    return Postmortem(
        timeline=[
            TimelineEvent(
                id="tl-expired",
                time="11:47",
                event="Certificate on the API gateway expired",
                evidence=_ev(1, "the certificate on the API gateway expired"),
            ),
        ],
        root_cause=RootCause(
            whys=[
                WhyStep(
                    id="why-1",
                    question="Why did the certificate expire?",
                    answer="The renewal job had been failing silently for 3 weeks",
                    evidence=_ev(4, "the renewal job had been failing silently for 3 weeks"),
                ),
            ]
        ),
        action_items=[
            ActionItem(
                id="act-alert",
                action="Add an expiry alert for every public certificate",
                owner="Tom",
                due="Friday",
                evidence=_ev(7, "Tom will add an expiry alert for every public certificate"),
            ),
            ActionItem(
                id="act-runbook",
                action="Update the runbook for manual renewal",
                owner="I",
                due="Wednesday",
                evidence=_ev(8, "I'll update the runbook for manual renewal"),
            ),
            ActionItem(
                id="act-jobs",
                action="Check the other renewal jobs for the same problem",
                owner="someone",
                due="soon",
                evidence=_ev(9, "Someone needs to check the other renewal jobs"),
            ),
        ],
        decisions=[
            TextItem(
                id="dec-auto",
                text="Move all public certificates to automatic renewal",
                evidence=_ev(6, "move all public certificates to automatic renewal"),
            ),
        ],
        open_questions=[
            TextItem(
                id="q-owner",
                text="Who should own certificates in the long run?",
                evidence=_ev(10, "Who should own certificates in the long run"),
            ),
        ],
        windows=[WindowStatus(index=0, start=0.0, end=65.0, ok=True)],
    )


def seed_session(root: Path, name: str = "inc-2041-review", *, details: MeetingDetails | None = None,
                 lines: Sequence[tuple[str, str]] = LINES, draft: Postmortem | None = None,
                 state: SessionState = "finalised") -> Path:  # fmt: skip
    """A finished meeting on disk (transcript + checked proposals), closed again. Returns its folder."""
    with Session.create(root, details or demo_details(), name, now=FIXED_NOW) as session:
        session.add_segments(demo_segments(lines))
        session.merge_proposals(draft if draft is not None else demo_draft())
        session.mark_state(state)
        return session.path


# --- live ----------------------------------------------------------------------------------------

SCRIPTED_SPEAKERS_OFF = "speaker attribution is off: a scripted meeting has no voices"


@dataclass(frozen=True)
class Step:
    delay_s: float
    event: LiveEvent


def demo_steps(lines: Sequence[tuple[str, str]] = LINES, *, delay_s: float = 0.0) -> list[Step]:
    """The meeting as the engine would report it: lines, a tentative tail, status, then proposals."""
    segments = demo_segments(lines)
    steps: list[Step] = [Step(delay_s, AudioStatus(level_dbfs=-18.0, dropped_s=0.0, recorded_s=0.0))]
    for seg in segments:
        steps.append(Step(delay_s, TentativeChanged(seg.text[: len(seg.text) // 2])))
        steps.append(Step(0.0, SegmentsCommitted([seg], received_at=0.0)))
    draft = demo_draft()
    status = draft.windows[0]
    steps += [
        Step(0.0, TentativeChanged("and then we can close the")),
        Step(0.0, AsrStatus(lag_s=1.2, audio_end_s=segments[-1].end, step_s=1.0, behind=False, compute_s=0.4)),
        Step(0.0, AudioStatus(level_dbfs=-14.0, dropped_s=0.0, recorded_s=segments[-1].end)),
        Step(delay_s, ProposalsExtracted(draft, status, [s.id for s in segments], 0.0, 0.0)),
    ]
    return steps


class _Prepared:
    def close(self) -> None:
        pass


class ScriptedRun:
    """The meeting's threads (`LiveThreads`), replayed: steps are emitted from a thread, like the
    engine's; `stop_capture` ends the stream. No audio is recorded, no live window is submitted."""

    llm: JobQueue | None = None
    voices: VoiceWorker | None = None
    time_offset = 0.0
    stream_started_at = 0.0
    recording_error: str | None = None

    def __init__(self, steps: Sequence[Step], emit: Emit, *, end_when_done: bool,
                 gate: threading.Event | None = None) -> None:  # fmt: skip
        self._steps = list(steps)
        self._gate = gate
        self._emit = emit
        self._end_when_done = end_when_done
        self._stop = threading.Event()
        self.closed = False
        self.final_calls = 0
        self._thread = threading.Thread(target=self._play, name="scripted-live", daemon=True)

    @property
    def recorded_s(self) -> float:
        return max((s.event.recorded_s for s in self._steps if isinstance(s.event, AudioStatus)), default=0.0)

    def start(self) -> None:
        self._thread.start()

    def _play(self) -> None:
        while self._gate is not None and not self._gate.wait(0.05):
            if self._stop.is_set():
                break
        for step in self._steps:
            if self._stop.wait(step.delay_s):
                break
            self._emit(step.event)
        if not self._end_when_done:
            self._stop.wait()
        self._emit(StreamEnded())

    def stop_capture(self) -> None:
        self._stop.set()

    def shutdown(self, timeout: float = 10.0) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout)
        self.closed = True


@dataclass
class _ScriptedFinal:
    """The final pass's extraction, scripted: `final`'s proposals merged into the draft."""

    final: Postmortem | None
    run: ScriptedRun

    @property
    def client(self) -> _ScriptedFinal:
        return self  # nothing to release

    def release_idle(self) -> None:
        pass

    def extract(self, segments: Sequence[Segment], details: MeetingDetails, draft: Postmortem | None = None,
                progress: CountProgress | None = None) -> Postmortem:  # fmt: skip
        self.run.final_calls += 1
        if progress is not None:
            progress(0, 1)
            progress(1, 1)
        pm = draft if draft is not None else Postmortem(details=details)
        return merge_into(pm, self.final.model_copy(deep=True)) if self.final is not None else pm


@dataclass
class ScriptedLive:
    """LiveService over scripted steps: the core's `Meeting` around a replayed engine. `input_error` /
    `prepare_error` simulate a missing microphone and a model that fails to load."""

    steps: list[Step] = field(default_factory=demo_steps)
    final: Postmortem | None = None
    end_when_done: bool = False
    """False: like a microphone, the stream only ends when the user stops the meeting."""
    input_error: str | None = None
    prepare_error: str | None = None
    gate: threading.Event | None = None
    """When given, the meeting only starts once it is set (so a test can set its clock first)."""
    runs: list[ScriptedRun] = field(default_factory=list)

    calls: list[bool | None] = field(default_factory=list)
    """The `call` choice of every `check_input`."""

    def check_input(self, call: bool | None = None) -> None:
        self.calls.append(call)
        if self.input_error:
            raise AudioDeviceError(self.input_error)

    def prepare(self, cancelled: Cancelled) -> Prepared:
        if self.prepare_error:
            raise ModelError(self.prepare_error)
        return _Prepared()

    def begin(self, session: Session, prepared: Prepared, emit: Emit, clock: Callable[[], float]) -> Meeting:
        # Like the real engine, a resumed session's new lines get ids after the ones it has.
        steps = _renumbered(self.steps, session.next_segment_id)
        run = ScriptedRun(steps, emit, end_when_done=self.end_when_done, gate=self.gate)
        self.runs.append(run)
        return Meeting(session, run, extractor=_ScriptedFinal(self.final, run), speakers_off=SCRIPTED_SPEAKERS_OFF,
                       clock=clock, resources=prepared)  # fmt: skip


def _renumbered(steps: Sequence[Step], first_id: int) -> list[Step]:
    out: list[Step] = []
    next_id = first_id
    for step in steps:
        if isinstance(step.event, SegmentsCommitted):
            segments = []
            for seg in step.event.segments:
                segments.append(seg.model_copy(update={"id": max(seg.id, next_id)}))
                next_id = segments[-1].id + 1
            step = Step(step.delay_s, SegmentsCommitted(segments, step.event.received_at))
        out.append(step)
    return out


# --- import --------------------------------------------------------------------------------------


@dataclass
class ScriptedImporter:
    transcript: Transcript = field(
        default_factory=lambda: Transcript(segments=demo_segments(), duration=66.0, language="en")
    )
    draft_result: Postmortem = field(default_factory=demo_draft)
    draft_error: str | None = None
    gate: threading.Event | None = None
    """When set, extraction waits for it (polling `progress`, which raises once cancelled)."""

    def transcribe(self, recording: Path, details: MeetingDetails, progress: TimeProgress) -> Transcript:
        total = self.transcript.duration
        for n in range(5):
            progress(total * n / 4, total)
        return self.transcript

    def draft(self, transcript: Transcript, details: MeetingDetails, progress: CountProgress) -> Postmortem:
        progress(0, 2)
        if self.gate is not None:
            while not self.gate.wait(0.05):
                progress(0, 2)
        if self.draft_error:
            raise LLMError(self.draft_error)
        progress(1, 2)
        progress(2, 2)
        pm = self.draft_result.model_copy(deep=True)
        pm.details = details
        return pm


# --- playback and clocks -------------------------------------------------------------------------


@dataclass
class RecordingPlayer:
    """Remembers what it was asked to play; `reason` makes it refuse like a machine without speakers."""

    reason: str | None = None
    played: list[tuple[Path, float, float]] = field(default_factory=list)

    def play(self, wav: Path, start: float, end: float) -> str | None:
        self.played.append((wav, start, end))
        return self.reason

    def stop(self) -> None:
        pass


@dataclass
class ManualClock:
    """A monotonic clock that moves only when told: elapsed times in screenshots never change."""

    t: float = 1000.0

    def __call__(self) -> float:
        return self.t

    def advance(self, seconds: float) -> None:
        self.t += seconds


def scripted_services(root: Path, *, live: ScriptedLive | None = None, importer: ScriptedImporter | None = None,
                      player: RecordingPlayer | None = None, clock: Callable[[], float] | None = None,
                      export_dir: Path | None = None) -> Services:  # fmt: skip
    return Services(
        sessions_root=root,
        live=live or ScriptedLive(),
        importer=importer or ScriptedImporter(),
        player=player or RecordingPlayer(),
        clock=clock or ManualClock(),
        now=lambda: FIXED_NOW,
        export_dir=export_dir or root,
    )
