"""One live meeting, from the running engine to the exports: what the app and `record --headless` share.

The owner thread (the headless loop, or the app's UI thread) owns the session and makes every call
here; only the jobs a final pass hands out run elsewhere (they read snapshots, never the session):

    source = open_input(...); models = load_models(settings)       # assistant.live.models
    meeting = Meeting.live(settings, session, source, models, emit, output)
    meeting.start()
    meeting.handle(event)   # each event the engine threads `emit`ted, and `tick()` every ~100 ms
    meeting.stop_capture()  # the facilitator stops; keep handling events until `ready_to_finish`
    meeting.final_pass().run_here()   # or job by job on a worker thread: start() / send(result)
    meeting.finalise()      # details (recording, duration), exports, state "finalised"
    meeting.close()

`output` receives the JSON-lines records of README's `record --headless`; the app passes none and
reads the session and `state` instead.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Generator, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any, Literal, Protocol

from assistant.audio.source import AudioSource
from assistant.config import Settings
from assistant.domain.postmortem import MeetingDetails, Postmortem
from assistant.domain.transcript import Segment
from assistant.errors import AssistantError
from assistant.export import write_outputs
from assistant.live.candidates import CandidateMarks
from assistant.live.controller import LiveController, LiveState, Output
from assistant.live.engine import LiveEngine
from assistant.live.events import LiveEvent
from assistant.live.models import MeetingModels
from assistant.live.scheduler import ExtractionScheduler
from assistant.live.voices import Diarizer, LiveVoices, VoiceWorker, final_speakers
from assistant.live.workers import Emit, JobQueue
from assistant.session import Session, drafts
from assistant.session.vocabulary import meeting_hotwords, snap_terms
from assistant.speakers.names import SpeakerNames, transcript_labels
from assistant.speakers.voiceprints import MIN_SIMILARITY

Progress = Callable[[int, int], None]
"""(done, total) steps of a final-pass job; may raise to cancel it."""


class LiveThreads(Protocol):
    """The meeting's running threads: capture → recording → ASR → extraction, voices (`LiveEngine`;
    the app's UI tests replay a script instead)."""

    @property
    def llm(self) -> JobQueue | None:
        """Where live windows go (None: no live extraction)."""

    @property
    def voices(self) -> VoiceWorker | None: ...

    @property
    def time_offset(self) -> float:
        """Seconds already recorded before this run (a resumed session)."""

    @property
    def stream_started_at(self) -> float:
        """Monotonic time of stream time 0 (set by `start`)."""

    @property
    def recorded_s(self) -> float:
        """Seconds in the recording, the resumed part included."""

    @property
    def recording_error(self) -> str | None: ...

    def start(self) -> None: ...

    def stop_capture(self) -> None:
        """Stop listening; queued audio is still transcribed, then a StreamEnded event follows."""

    def shutdown(self, timeout: float = 10.0) -> None:
        """Join the threads (about `timeout` s each at most) and close the recording."""


class Releasable(Protocol):
    def release_idle(self) -> None:
        """No request is expected for a while: a local LLM server may free its memory."""


class FinalExtractor(Protocol):
    """The final pass's reading of the whole meeting (`Extractor`)."""

    @property
    def client(self) -> Releasable: ...

    def extract(
        self, segments: Sequence[Segment], details: MeetingDetails, draft: Postmortem | None = None,
        progress: Progress | None = None,
    ) -> Postmortem: ...  # fmt: skip


class Closeable(Protocol):
    def close(self) -> None: ...


def _ignore(record: dict[str, Any]) -> None:
    pass


class Meeting:
    def __init__(
        self,
        session: Session,
        threads: LiveThreads,
        *,
        extractor: FinalExtractor | None,
        diarizer: Diarizer | None = None,
        speakers_off: str | None = None,
        window_tokens: int = 900,
        min_similarity: float = MIN_SIMILARITY,
        output: Output | None = None,
        clock: Callable[[], float] = time.monotonic,
        resources: Closeable | None = None,
    ) -> None:
        """`window_tokens` bounds a live window as `llm.window_tokens` bounds a file window;
        `resources` (the models) are closed with the meeting."""
        self.session = session
        self.threads = threads
        self.extractor = extractor
        self.diarizer = diarizer
        self.min_similarity = min_similarity
        self.output = output or _ignore
        reads_by_rules = getattr(extractor, "engine", None) == "hybrid"
        self.scheduler = (
            ExtractionScheduler.for_rules(window_tokens)
            if reads_by_rules
            else ExtractionScheduler(max_tokens=window_tokens)
        )
        # Lines are marked as candidates only when something will confirm or drop the marks.
        self.marks = CandidateMarks(self.output, lambda: session.details, context_lines=self.scheduler.context_lines,
                                    recheck=reads_by_rules) if extractor is not None else None  # fmt: skip
        self.controller = LiveController(session, self.scheduler, threads.llm, self.output, stream_started_at=0.0,
                                         time_offset=threads.time_offset, clock=clock,
                                         candidates=self.marks)  # fmt: skip
        self.voices = LiveVoices(session, threads.voices, speakers_off, self.output)
        self.problems: list[str] = []
        """What went wrong in the final pass, in words (the stream has a `warning` line for each)."""
        self._resources = resources
        self._started = False

    @classmethod
    def live(
        cls,
        settings: Settings,
        session: Session,
        source: AudioSource,
        models: MeetingModels,
        emit: Emit,
        output: Output | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> Meeting:
        """The engine around `session` (not started). `emit` is called from the engine's threads."""
        # The meeting's people and terms prompted; what earlier sessions taught only spells words.
        hotwords, taught = meeting_hotwords(session.details, settings), snap_terms(settings, session=session.name)
        engine = LiveEngine(session, source, models.transcriber, models.extractor, emit, voices=models.diarizer,
                            min_similarity=settings.speakers.min_similarity, hotwords=hotwords,
                            snap_terms=taught)  # fmt: skip
        return cls(session, engine, extractor=models.extractor, diarizer=models.diarizer,
                   speakers_off=models.speakers_off, window_tokens=settings.llm.window_tokens,
                   min_similarity=settings.speakers.min_similarity, output=output, clock=clock,
                   resources=models)  # fmt: skip

    # --- while it records ------------------------------------------------------------------------

    def start(self) -> None:
        """Mark the session recording, then start capturing (a resumed session continues its recording)."""
        if self.session.state != "recording":
            self.session.mark_state("recording")
        self.threads.start()
        self._started = True
        self.controller.stream_started_at = self.threads.stream_started_at

    @property
    def state(self) -> LiveState:
        return self.controller.state

    @property
    def extracting(self) -> bool:
        """Whether proposals will come (False: transcription only)."""
        return self.extractor is not None

    @property
    def extraction_in_flight(self) -> bool:
        return self.scheduler.in_flight

    @property
    def speakers_off(self) -> str | None:
        """Why live speaker attribution is off, or None when it is on."""
        return self.voices.off_reason

    @property
    def time_offset(self) -> float:
        return self.threads.time_offset

    def apply(self, event: LiveEvent) -> None:
        """Apply an engine event to the session (saved before anything is printed). Raises
        AssistantError when it cannot be saved, ValueError for segments out of order."""
        self.controller.handle(event)

    def attribute(self, event: LiveEvent) -> bool:
        """Feed live speaker attribution; True when the session's speakers changed. Raises
        AssistantError when the names cannot be saved."""
        return self.voices.handle(event)

    def handle(self, event: LiveEvent) -> bool:
        self.apply(event)
        return self.attribute(event)

    def tick(self) -> None:
        """Submit a due live window to an idle extraction worker."""
        self.controller.tick()

    def name_line(self, segment_id: int, name: str) -> str:
        """The voice of line `segment_id` is `name` (saved at once); returns its label."""
        return self.voices.name_line(segment_id, name)

    # --- stopping --------------------------------------------------------------------------------

    def stop_capture(self) -> None:
        self.threads.stop_capture()

    @property
    def ready_to_finish(self) -> bool:
        """Everything said is transcribed and no live window is in flight: the final pass may start."""
        return self.controller.state.stream_ended and not self.scheduler.in_flight

    def stop_threads(self, timeout: float = 10.0) -> None:
        if self._started:
            self.threads.shutdown(timeout)

    def halt(self) -> str:
        """Stop at once (the session can no longer be written); returns what was kept, in words."""
        self.threads.stop_capture()
        # Wait for the ASR thread: exiting while it is inside CTranslate2 aborts the process.
        self.threads.shutdown()
        failed = self.threads.recording_error
        if failed is not None:
            return f"recording stopped: {failed}"
        return f"recording stopped; {self.threads.recorded_s:.1f} s saved in {self.session.audio_path}"

    def final_pass(self) -> FinalPass:
        return FinalPass(self)

    def record_details(self) -> None:
        """Store the recording's name and length in the meeting details (the exports show them)."""
        if not self.session.audio_path.exists():
            return  # nothing was recorded (a scripted meeting)
        details = self.session.details.with_recording(self.session.audio_path.name, self.threads.recorded_s)
        if details != self.session.details:
            self.session.update_details(details)

    def finalise(self) -> dict[str, Path]:
        """The end of every meeting, whether its final pass ran, was skipped or failed: details, then
        `finish_session`. Returns the export paths."""
        self.record_details()
        return finish_session(self.session, self.output)

    def close(self, timeout: float = 10.0) -> None:
        """Stop the threads and release the models (any thread)."""
        try:
            if self._started:
                self.threads.shutdown(timeout)
        finally:
            if self._resources is not None:
                self._resources.close()

    def stats(self) -> dict[str, Any]:
        """The `stats` record: transcription lag, proposal latency, dropped audio, errors."""
        state = self.controller.state

        def pct(values: list[float], q: float) -> float | None:
            if not values:
                return None
            ordered = sorted(values)
            return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 2)

        return {
            "type": "stats",
            "lag_p50_s": pct(state.lags, 0.5), "lag_p95_s": pct(state.lags, 0.95),
            "proposal_latency_p50_s": pct(state.latencies, 0.5), "proposal_latency_p95_s": pct(state.latencies, 0.95),
            "dropped_audio_s": round(state.dropped_s, 2), "recorded_s": round(state.recorded_s, 2),
            "errors": len(state.errors),
        }  # fmt: skip


def finish_session(session: Session, output: Output = _ignore) -> dict[str, Path]:
    """Exports (of the checked, saved postmortem) into the session folder, state "finalised", the
    `finalised` record. Also for a meeting that never started (its models failed to load)."""
    outputs = write_outputs(session.postmortem, session.path / "exports", "meeting", private=True)
    session.mark_state("finalised")
    output({"type": "finalised", "session": session.name, "exports": {k: str(v) for k, v in outputs.items()}})
    return outputs


@dataclass(frozen=True)
class FinalJob:
    """The slow half of a final-pass step: runs on any thread and touches no session."""

    what: Literal["speakers", "extraction"]
    run: Callable[[Progress], object]


def _no_progress(done: int, total: int) -> None:
    pass


class FinalPass:
    """Re-diarize the whole recording (names carried over by voice), then extract from the whole
    meeting with the live proposals as the draft. The session is read and written only between the
    jobs, on the owner thread: `start()` returns the first job, `send(its result)` the next, None when
    done; `run_here()` runs the jobs on the calling thread. `close()` abandons what is left."""

    def __init__(self, meeting: Meeting) -> None:
        self._meeting = meeting
        self._steps = self._run()

    def start(self) -> FinalJob | None:
        return self.send(None)

    def send(self, result: object) -> FinalJob | None:
        try:
            return self._steps.send(result)
        except StopIteration:
            return None

    def close(self) -> None:
        self._steps.close()

    def run_here(self, progress: Progress = _no_progress) -> None:
        job = self.start()
        while job is not None:
            job = self.send(job.run(progress))

    def _warn(self, message: str) -> None:
        self._meeting.problems.append(message)
        self._meeting.output({"type": "warning", "message": message})

    def _run(self) -> Generator[FinalJob, object, None]:
        meeting, session = self._meeting, self._meeting.session
        meeting.record_details()
        if not session.transcript.segments:
            return
        if meeting.diarizer is not None:
            if meeting.extractor is not None:
                # Nothing is in flight now; re-diarizing a long meeting takes minutes and its peak memory
                # would add to the idle LLM server's. The final extraction starts the server again.
                # Released before the line is written: a caller may check the server once it reads it.
                meeting.extractor.client.release_idle()
            meeting.output({"type": "speakers_final_pass"})
            diarize = partial(final_speakers, meeting.diarizer, session.audio_path, session.transcript.segments,
                              session.speakers, meeting.voices.voiceprints(), meeting.min_similarity)  # fmt: skip
            found = yield FinalJob("speakers", lambda _progress: _attempt(diarize))
            if isinstance(found, AssistantError):
                self._warn(f"final speaker pass failed, live attribution kept: {found.message}")
            else:
                if isinstance(found, SpeakerNames):
                    session.set_speakers(found)
                names = session.speakers
                meeting.output({"type": "speakers", "speakers": {label: names.name_of(label) for label in
                                transcript_labels(session.transcript, names)}})  # fmt: skip
        extractor = meeting.extractor
        if extractor is None:
            return
        # Names in the lines it reads ("Omar: I'll do it" gives the owner); the live proposals as the
        # draft, so what the whole meeting no longer supports is dropped (reviewed items stay).
        segments = session.named_transcript.segments
        details = session.details.model_copy(deep=True)
        draft = drafts.meeting_without_drafts(session.postmortem)  # a prepared draft is compared, not reworked
        before = len(draft.windows)
        meeting.output({"type": "final_pass", "segments": len(segments)})
        final = yield FinalJob("extraction", lambda progress: extractor.extract(segments, details, draft, progress))
        assert isinstance(final, Postmortem)
        drafts.merge_meeting(session, final, final=True)
        if meeting.marks is not None:
            now = meeting.controller.clock()
            meeting.marks.final(session.postmortem, now, meeting.controller.meeting_time(now))
        added = final.windows[before:] if len(final.windows) >= before else final.windows
        failed = [w for w in added if not w.ok]
        if failed:
            # Marked in the draft too; said here so a caller of the stream knows without reading it.
            self._warn(f"{len(failed)} of {len(added)} transcript windows could not be analysed: {failed[0].error}")


def _attempt(job: Callable[[], SpeakerNames | None]) -> SpeakerNames | AssistantError | None:
    try:
        return job()
    except AssistantError as exc:
        return exc
