"""Importing a recording: transcribe, store the transcript, draft the postmortem, then review.

The session already exists (the app created it on the UI thread). The worker gets only the path and a
copy of the details; it posts the transcript as soon as it has it, so the UI saves it before extraction
starts (a failing LLM never costs the transcription), and returns the draft.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Footer, Header, Label, ProgressBar, Static
from textual.worker import Worker, WorkerState, get_current_worker

from assistant.domain.postmortem import MeetingDetails, Postmortem
from assistant.errors import AssistantError
from assistant.export.clock import meeting_clock
from assistant.session import Session
from assistant.session.imports import store_draft, store_transcript
from assistant.tui.format import one_line
from assistant.tui.messages import ImportProgress, ImportTranscribed
from assistant.tui.navigation import GoHome, ShowReview
from assistant.tui.services import Services


class _Cancelled(Exception):
    pass


class ImportScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel"),
        Binding("r", "review", "Review what is saved", show=False),
    ]
    HELP = (
        "The recording is transcribed, the transcript saved, then the postmortem is drafted window by "
        "window. Esc cancels (a saved transcript stays in the session)."
    )

    def __init__(self, session: Session, services: Services, recording: Path) -> None:
        super().__init__()
        self.session = session
        self.services = services
        self.recording = recording
        self.failed = False

    def compose(self) -> ComposeResult:
        yield Header(icon="◆")
        with Vertical(id="import-box"):
            yield Label(Text(f"Importing {self.recording.name}", style="bold"))
            yield Label("Transcribing")
            yield ProgressBar(id="asr-progress", show_eta=False)
            yield Static(Text(""), id="asr-detail", markup=False)
            yield Label("Drafting the postmortem")
            yield ProgressBar(id="llm-progress", show_eta=False)
            yield Static(Text(""), id="llm-detail", markup=False)
        yield Static(Text("Loading the speech model…"), id="status-line", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = self.session.name
        details = self.session.details.model_copy(deep=True)
        self.run_worker(lambda: self._work(details), name="import", thread=True, exit_on_error=False)

    def _work(self, details: MeetingDetails) -> Postmortem:
        """Worker thread: only the services and messages; never the session or a widget."""
        worker = get_current_worker()

        def check() -> None:
            if worker.is_cancelled:
                raise _Cancelled

        def asr_progress(position: float, total: float) -> None:
            check()
            self.post_message(ImportProgress("transcribe", position, total))

        def llm_progress(done: int, total: int) -> None:
            check()
            self.post_message(ImportProgress("extract", done, total))

        importer = self.services.importer
        transcript = importer.transcribe(self.recording, details, asr_progress)
        check()
        self.post_message(ImportTranscribed(transcript))
        drafted = details.with_recording(self.recording.name, transcript.duration)
        return importer.draft(transcript, drafted, llm_progress)

    @on(ImportProgress)
    def _progress(self, message: ImportProgress) -> None:
        if message.phase == "transcribe":
            self.query_one("#asr-progress", ProgressBar).update(total=max(message.total, 1e-9), progress=message.done)
            detail = f"{meeting_clock(message.done)} of {meeting_clock(message.total)}"
            self.query_one("#asr-detail", Static).update(Text(detail))
            self._status("Transcribing…")
        else:
            self.query_one("#llm-progress", ProgressBar).update(total=max(message.total, 1), progress=message.done)
            self.query_one("#llm-detail", Static).update(Text(f"window {message.done} of {message.total}"))
            self._status("Drafting the postmortem…")

    @on(ImportTranscribed)
    def _transcribed(self, message: ImportTranscribed) -> None:
        transcript = message.transcript
        bar = self.query_one("#asr-progress", ProgressBar)
        bar.update(total=max(transcript.duration, 1e-9), progress=transcript.duration)
        try:
            store_transcript(self.session, self.recording.name, transcript)
        except AssistantError as exc:
            self._fail(f"Cannot save the transcript: {exc.message}")
            self.workers.cancel_group(self, "default")
            return
        self._status(f"Transcript saved ({len(transcript.segments)} lines). Starting the language model…")

    @on(Worker.StateChanged)
    def _on_worker(self, event: Worker.StateChanged) -> None:
        if event.worker.name != "import":
            return
        if event.state is WorkerState.SUCCESS and isinstance(event.worker.result, Postmortem):
            try:
                store_draft(self.session, event.worker.result)
            except AssistantError as exc:
                self._fail(exc.message)
                return
            self.post_message(ShowReview())
        elif event.state is WorkerState.ERROR:
            error = event.worker.error
            if isinstance(error, _Cancelled):
                return
            reason = error.message if isinstance(error, AssistantError) else f"{type(error).__name__}: {error}"
            self._fail(f"Import failed: {reason}")

    def _fail(self, message: str) -> None:
        self.failed = True
        saved = bool(self.session.transcript.segments)
        hint = " The transcript is saved: r reviews it, Esc goes back." if saved else " Esc goes back."
        line = self.query_one("#status-line", Static)
        line.add_class("-error")
        line.update(Text(one_line(message, 300) + hint))
        self.notify(one_line(message, 300), severity="error", timeout=10, markup=False)

    def action_review(self) -> None:
        if self.failed and self.session.transcript.segments:
            self.post_message(ShowReview())

    def action_cancel(self) -> None:
        self.workers.cancel_group(self, "default")
        self.post_message(GoHome())

    def _status(self, message: str) -> None:
        line = self.query_one("#status-line", Static)
        line.remove_class("-error")
        line.update(Text(message))
