"""The live meeting: transcript as it is committed, proposals as they are extracted, what is still missing.

The meeting itself is the core's `Meeting` (`assistant.live.meeting`), the one `record --headless`
runs: this screen renders its events and state and sends it the facilitator's commands (stop, name a
voice). Threads: `LiveService.prepare` (model loading) and the final pass's jobs run in Textual thread
workers; the engine's own threads post `LiveEventMessage`s. Everything that touches the Session or a
widget runs here, on the UI thread.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import ClassVar, Literal, cast

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Footer, Header, Static
from textual.worker import Worker, WorkerState, get_current_worker

from assistant.errors import AssistantError
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
from assistant.live.meeting import FinalJob, FinalPass, Meeting, finish_session
from assistant.session import Session
from assistant.tui.format import ATTENTION_FLAGS, FLAG_LABELS, item_headline, one_line
from assistant.tui.messages import FinalPassProgress, LiveEventMessage
from assistant.tui.navigation import ShowReview
from assistant.tui.screens.live_base import LiveScreenBase, shown_with_names
from assistant.tui.services import Prepared, Services
from assistant.tui.widgets.coverage import CoveragePanel
from assistant.tui.widgets.proposals import ProposalList
from assistant.tui.widgets.status import LiveStatus
from assistant.tui.widgets.transcript import LiveTranscript

Phase = Literal["loading", "recording", "finishing", "final", "done", "failed"]

FRESH_S = 20.0
"""How long a new proposal keeps its NEW badge."""
CLOSE_TIMEOUT_S = 10.0


class _Cancelled(Exception):
    """Raised from a progress callback to stop a worker that was cancelled."""


class LiveScreen(LiveScreenBase):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("s", "stop", "Stop meeting", tooltip="Stop recording, run the final pass, then review"),
        Binding("r", "review", "Review so far"),
        Binding("n", "name_voice", "Name voice", tooltip="Pick a line and say whose voice it is"),
        Binding("S", "speakers", "Speakers", key_display="S", tooltip="Name, merge or split the speakers"),
    ]
    HELP = (
        "Recording a meeting. The transcript appears as it is committed (the dimmed line is still "
        "changing; ◇ marks a line that may be an item, ◆ once a proposal cites it); proposals appear at pauses "
        "and are saved the moment they arrive. New action items "
        "without one named owner or a concrete due date are announced. Press s to stop: the rest of the "
        "audio is transcribed, a final pass reads the whole meeting, then the review opens. Press n, pick a "
        "line and give a name: later lines in that voice get the name (unnamed voices stay anonymous); S "
        "lists the speakers to rename, merge or split them; c fixes a misheard line (the final pass reads it)."
    )

    def __init__(self, session: Session, services: Services, *, resumed: bool = False) -> None:
        super().__init__()
        self.session = session
        self.services = services
        self.resumed = resumed
        self.phase: Phase = "loading"
        self.meeting: Meeting | None = None
        self._final: FinalPass | None = None
        self._started_clock: float | None = None
        self._known: set[str] = {i.id for i in session.postmortem.all_items()}
        self._fresh: dict[str, float] = {}
        self._extracting = False
        self._engine_closed = False

    # --- layout ----------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header(icon="●")
        yield LiveStatus(id="live-status")
        with Horizontal(id="live-main"):
            yield LiveTranscript(id="live-transcript")
            with Vertical(id="live-side"):
                yield ProposalList(id="live-proposals", empty_text="Proposals appear here at pauses.")
                yield CoveragePanel(id="coverage")
        yield Static(Text("Loading the speech and language models…"), id="status-line", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = self.session.name
        transcript = self.query_one(LiveTranscript)
        transcript.add_segments(self.session.transcript.segments)  # a resumed session shows what it has
        self._refresh_proposals()
        self._update_elapsed()
        self.query_one(LiveStatus).set_phase("◌ starting", "dim")
        self.set_interval(0.1, self._tick)
        self.set_interval(1.0, self._every_second)
        self.run_worker(self._prepare, name="live-prepare", thread=True, exit_on_error=False)

    # --- starting --------------------------------------------------------------------------------

    def _prepare(self) -> Prepared:
        worker = get_current_worker()
        return self.services.live.prepare(lambda: worker.is_cancelled)

    def _begin(self, prepared: Prepared) -> None:
        if self._engine_closed:
            prepared.close()
            return
        try:
            meeting = self.services.live.begin(self.session, prepared, self._emit, self.services.clock)
        except AssistantError as exc:
            prepared.close()
            self._fail(f"Cannot start recording: {exc.message}")
            return
        try:
            meeting.start()
        except AssistantError as exc:
            meeting.close()
            self._fail(f"Cannot start recording: {exc.message}")
            return
        self.meeting = meeting
        self._started_clock = self.services.clock()
        self.phase = "recording"
        self.query_one(LiveStatus).set_phase("● REC", "bold red")
        llm = "" if meeting.extracting else " (transcription only: no LLM)"
        self._status(f"Recording{llm}. Press s to stop and review.")

    def _emit(self, event: LiveEvent) -> None:
        """Engine threads call this: only post a message (thread-safe), never touch the UI."""
        # RuntimeError: the app's event loop is already closed, the meeting is being torn down.
        with contextlib.suppress(RuntimeError):
            self.post_message(LiveEventMessage(event))

    # --- events from the engine ------------------------------------------------------------------

    @on(LiveEventMessage)
    def _on_live_event(self, message: LiveEventMessage) -> None:
        meeting = self.meeting
        if meeting is None:
            return
        event = message.event
        try:
            meeting.apply(event)
        except (AssistantError, ValueError) as exc:
            # Disk full while saving, or segment ids out of order: keep the meeting going (the audio is
            # still recorded), make the problem loud.
            self._error(f"Not saved: {exc.message if isinstance(exc, AssistantError) else exc}")
            return
        try:
            if meeting.attribute(event):
                self._show_speakers()
        except AssistantError as exc:
            self._error(f"Speaker names not saved: {exc.message}")
        state = meeting.state
        if meeting.marks is not None:  # before new lines are written: they are written with their marks
            self.query_one(LiveTranscript).set_marks(meeting.marks.take_changes())
        match event:
            case SegmentsCommitted(segments=segments):
                names = self.session.speakers
                self.query_one(LiveTranscript).add_segments(shown_with_names(segments, names))
                self._notify_others()
            case TentativeChanged(text=text):
                self.query_one(LiveTranscript).set_tentative(text)
            case AsrStatus() | AudioStatus():
                self.query_one(LiveStatus).set_state(state)
            case ProposalsExtracted(status=status) if not status.ok:
                # The scheduler keeps those lines and retries with the next window; say so, quietly.
                self._status(state.llm_note or f"Extraction failed, will retry: {status.error or 'no answer'}")
            case ProposalsExtracted():
                self._on_proposals()
            case WorkerFailed(worker=worker, message=text, fatal=fatal):
                self._error(f"{worker}: {text}" + (" (stopped)" if fatal else ""))
            case StreamEnded():
                self.query_one(LiveTranscript).set_tentative("")
                if self.phase == "finishing" and meeting.ready_to_finish:
                    self._start_final_pass()

    def _on_proposals(self) -> None:
        pm = self.session.postmortem
        now = self.services.clock()
        new = [i for i in pm.all_items() if i.id not in self._known]
        self._known.update(i.id for i in new)
        for item in new:
            self._fresh[item.id] = now
        self._refresh_proposals()
        for item in new:
            attention = [f for f in item.flags if f in ATTENTION_FLAGS]
            if attention:
                # A toast, not a focus change: the facilitator may be typing or scrolling.
                flags = ", ".join(FLAG_LABELS[f] for f in attention)
                self.notify(one_line(item_headline(item)), title=f"Action item: {flags}", severity="warning",
                            timeout=10, markup=False)  # fmt: skip
        self._notify_others()

    def _refresh_proposals(self) -> None:
        pm = self.session.postmortem
        self.query_one(ProposalList).show(pm, fresh=set(self._fresh))
        self.query_one(CoveragePanel).show(pm)

    # --- timers ----------------------------------------------------------------------------------

    def _tick(self) -> None:
        if self.meeting is None:
            return
        if self.phase == "recording":
            self.meeting.tick()
        busy = self.meeting.extraction_in_flight
        if busy != self._extracting:
            self._extracting = busy
            self.query_one(LiveStatus).set_extracting(busy)
        elif self.phase == "finishing" and self.meeting.ready_to_finish:
            self._start_final_pass()

    def _every_second(self) -> None:
        self._update_elapsed()
        now = self.services.clock()
        expired = [i for i, t in self._fresh.items() if now - t >= FRESH_S]
        if expired:
            for item_id in expired:
                del self._fresh[item_id]
            self._refresh_proposals()

    def _update_elapsed(self) -> None:
        offset = self.meeting.time_offset if self.meeting is not None else 0.0
        running = 0.0 if self._started_clock is None else self.services.clock() - self._started_clock
        self.query_one(LiveStatus).set_elapsed(offset + running, self.session.details.planned_duration_min)

    # --- stopping --------------------------------------------------------------------------------

    def action_stop(self) -> None:
        match self.phase:
            case "recording":
                assert self.meeting is not None
                self.meeting.stop_capture()
                self.phase = "finishing"
                self.query_one(LiveStatus).set_phase("■ finishing", "bold yellow")
                self._status("Transcribing the rest of the audio… (s again: skip the final pass)")
            case "finishing":
                self._finish()  # skip waiting and the final pass
            case "final":
                self._status("Skipping the final pass…")
                self.workers.cancel_group(self, "final-pass")
            case "failed" | "loading":
                self.workers.cancel_group(self, "default")
                self._finish()
            case "done":
                pass

    def action_review(self) -> None:
        from assistant.tui.screens.review import ReviewScreen

        self.app.push_screen(ReviewScreen(self.session, self.services, back="pop"))

    # --- the final pass (the core's: re-diarize, then extract from the whole meeting) -------------

    def _start_final_pass(self) -> None:
        assert self.meeting is not None
        if not self.session.transcript.segments:
            self._finish()
            return
        self.phase = "final"
        self.query_one(LiveStatus).set_phase("■ final pass", "bold yellow")
        self._final = self.meeting.final_pass()
        self._next_final(self._final.start)

    def _next_final(self, step: Callable[[], FinalJob | None]) -> None:
        """Run the final pass's owner-thread step here, then its next job on a worker thread."""
        seen = len(self.meeting.problems) if self.meeting is not None else 0
        try:
            job = step()
        except AssistantError as exc:
            self._error(f"Final pass not saved: {exc.message}")
            job = None
        if self.meeting is not None:
            for problem in self.meeting.problems[seen:]:
                self._error(problem[:1].upper() + problem[1:])
        self._show_speakers()  # the re-diarized meeting's names
        if job is None:
            self._finish()
            return
        what = "re-diarizing the whole recording" if job.what == "speakers" else "reading the whole meeting"
        self._status(f"Final pass: {what}… (s: skip)")

        def work() -> object:
            worker = get_current_worker()

            def progress(done: int, total: int) -> None:
                if worker.is_cancelled:
                    raise _Cancelled
                self.post_message(FinalPassProgress(done, total))

            return job.run(progress)

        self.run_worker(work, name="final-pass", group="final-pass", thread=True, exit_on_error=False)

    @on(FinalPassProgress)
    def _on_final_progress(self, message: FinalPassProgress) -> None:
        if self.phase == "final":
            self._status(f"Final pass: window {min(message.done + 1, message.total)} of {message.total}… (s: skip)")

    def _finish(self) -> None:
        """Details, exports, state "finalised" (the core's `finalise`), release the engine, open the review."""
        if self.phase == "done":
            return
        self.phase = "done"
        self.query_one(LiveStatus).set_phase("■ stopped", "bold")
        if self._final is not None:
            self._final.close()  # skipped or failed: what is left of it is not run
            self._final = None
        try:
            if self.meeting is not None:
                self.meeting.finalise()
            else:
                finish_session(self.session)  # it never started (the models failed to load)
        except AssistantError as exc:
            self._error(exc.message)
        self._close_run_in_background()
        self.post_message(ShowReview())

    def _close_run_in_background(self) -> None:
        meeting = self.meeting
        if meeting is None or self._engine_closed:
            return
        self._engine_closed = True
        # Joining threads and stopping the LLM server can take seconds: not on the UI thread.
        self.run_worker(lambda: meeting.close(CLOSE_TIMEOUT_S), name="live-close", thread=True, exit_on_error=False)

    def abort(self) -> None:
        """The app is quitting mid-meeting: stop now, keep what is saved; the session can be resumed."""
        if self._engine_closed:
            return
        self._engine_closed = True
        self.workers.cancel_group(self, "default")
        if self.meeting is not None:
            self.meeting.stop_capture()
            self.meeting.close(2.0)  # the recording is already on disk; untranscribed audio is not worth a wait
            if self.phase in ("recording", "finishing"):
                # On failure the lock is still released on close, which also reads as interrupted.
                with contextlib.suppress(AssistantError):
                    self.session.mark_state("interrupted")

    def on_unmount(self) -> None:
        if not self._engine_closed and self.meeting is not None and self.phase != "done":
            self.abort()

    @property
    def running(self) -> bool:
        return self.phase in ("loading", "recording", "finishing", "final")

    # --- worker outcomes -------------------------------------------------------------------------

    @on(Worker.StateChanged)
    def _on_worker(self, event: Worker.StateChanged) -> None:
        worker, state = event.worker, event.state
        if worker.name == "live-prepare":
            if state is WorkerState.SUCCESS:
                self._begin(cast(Prepared, worker.result))
            elif state is WorkerState.ERROR:
                self._fail(f"Cannot start: {_reason(worker.error)}")
        elif worker.name == "final-pass" and self.phase == "final" and self._final is not None:
            final = self._final
            if state is WorkerState.SUCCESS:
                self._next_final(lambda: final.send(worker.result))
            elif state is WorkerState.ERROR:
                if not isinstance(worker.error, _Cancelled):
                    self._error(f"Final pass failed ({_reason(worker.error)}); the live proposals are kept.")
                self._finish()
            elif state is WorkerState.CANCELLED:
                self._finish()
        elif worker.name == "live-close" and state is WorkerState.ERROR:
            self._error(f"Stopping the engine: {_reason(worker.error)}")

    def _fail(self, message: str) -> None:
        self.phase = "failed"
        self.query_one(LiveStatus).set_phase("✗ not recording", "bold red")
        self._error(message + " Press s to review what is saved.")


def _reason(error: BaseException | None) -> str:
    if isinstance(error, AssistantError):
        return error.message
    if error is None:
        return "unknown error"
    return one_line(f"{type(error).__name__}: {error}", 200)
