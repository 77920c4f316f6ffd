"""The live screen's base: its status line, and the speakers (name a voice by picking one of its lines,
the speakers screen), kept apart from the meeting's lifecycle in `live.py`."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Static

from assistant.domain.transcript import Segment
from assistant.errors import AssistantError
from assistant.export.clock import meeting_clock
from assistant.live.meeting import Meeting
from assistant.session import Session
from assistant.speakers.names import SpeakerNames
from assistant.tui.format import one_line
from assistant.tui.messages import SessionChanged
from assistant.tui.widgets.transcript import LiveTranscript


class LiveScreenBase(Screen[None]):
    # Merged with the live screen's own bindings (Textual collects them along the class hierarchy).
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("c", "correct_line", "Fix line", tooltip="Pick a line and type what was really said"),
    ]
    session: Session
    meeting: Meeting | None

    # --- status ----------------------------------------------------------------------------------

    def _status(self, message: str) -> None:
        line = self.query_one("#status-line", Static)
        line.remove_class("-error")
        line.update(Text(one_line(message, 300)))

    def _error(self, message: str) -> None:
        line = self.query_one("#status-line", Static)
        line.add_class("-error")
        line.update(Text(one_line(message, 300)))
        self.notify(one_line(message, 300), severity="error", timeout=10, markup=False)

    def _notify_others(self) -> None:
        """A review pushed over this screen shows the same session: tell it to refresh (it may itself be
        under a dialog, so every screen above this one is told; the others ignore the message)."""
        for screen in self.app.screen_stack:
            if screen is not self:
                screen.post_message(SessionChanged())

    # --- speakers --------------------------------------------------------------------------------

    def action_name_voice(self) -> None:
        """Pick a line, then a name: that voice is this person from now on (and for earlier lines)."""
        from assistant.tui.screens.naming import NameDialog, PickLineDialog

        off = self._speakers_off()
        if off:
            self._status(off)
            return
        segments = self.session.transcript.segments[-200:]
        if not segments:
            self._status("No lines yet: name a voice once it has said something.")
            return
        names = self.session.speakers
        shown = [display_name(names, s) for s in segments]

        def picked(segment_id: int | None) -> None:
            if segment_id is None:
                return
            self.app.push_screen(NameDialog("this voice", list(self.session.details.attendees)),
                                 lambda name: self._name_voice(segment_id, name))  # fmt: skip

        self.app.push_screen(PickLineDialog(segments, shown), picked)

    def _name_voice(self, segment_id: int, name: str | None) -> None:
        if not name or self.meeting is None:
            return
        try:
            label = self.meeting.name_line(segment_id, name)
        except AssistantError as exc:
            self._error(f"Not named: {exc.message}")
            return
        self._show_speakers()
        self._status(f"{label} is {name}: their next lines get the name")

    # --- corrections -----------------------------------------------------------------------------

    def action_correct_line(self) -> None:
        """Pick a recent line, type what was said: saved (the recognised text kept), the proposals citing
        it re-checked; the final pass reads the corrected text."""
        from assistant.tui.screens.correct import CorrectLineDialog, corrected_notice
        from assistant.tui.screens.naming import PickLineDialog

        segments = shown_with_names(self.session.transcript.segments[-200:], self.session.speakers)
        if not segments:
            self._status("No lines yet: correct a line once it is committed.")
            return

        def typed(segment: Segment, text: str | None) -> None:
            if text is None:
                return
            try:
                rechecked = self.session.correct_line(segment.id, text)
            except AssistantError as exc:
                self._error(f"Not corrected: {exc.message}")
                return
            self.query_one(LiveTranscript).replace_text(segment.id, " ".join(text.split()))
            self._notify_others()
            self._status(corrected_notice(meeting_clock(segment.start), len(rechecked), reread_key=False))

        def picked(segment_id: int | None) -> None:
            segment = next((s for s in segments if s.id == segment_id), None)
            if segment is not None:
                self.app.push_screen(CorrectLineDialog(segment, self.session.original_text(segment.id)),
                                     lambda text: typed(segment, text))  # fmt: skip

        self.app.push_screen(PickLineDialog(segments, title="Which line is wrong? Pick it, then type it right"),
                             picked)  # fmt: skip

    def _speakers_off(self) -> str | None:
        if self.meeting is None:
            return "Speaker attribution starts with the recording."
        return self.meeting.speakers_off

    def action_speakers(self) -> None:
        from assistant.tui.screens.speakers import SpeakersScreen

        off = self.meeting.speakers_off if self.meeting is not None else None
        hint = "No speakers yet: press n on the live screen, pick a line and say whose voice it is."
        self.app.push_screen(SpeakersScreen(self.session, off_reason=off, empty_hint=hint))

    def on_screen_resume(self) -> None:
        if self.is_mounted:
            self._show_speakers()  # names may have changed on the speakers screen

    def _show_speakers(self) -> None:
        names = self.session.speakers
        self.query_one(LiveTranscript).relabel({s.id: display_name(names, s) for s in self.session.transcript.segments})
        self._notify_others()


def display_name(names: SpeakerNames, segment: Segment) -> str | None:
    label = names.label_of(segment)
    return names.display(label) if label else None


def shown_with_names(segments: list[Segment], names: SpeakerNames) -> list[Segment]:
    return [s.model_copy(update={"speaker": display_name(names, s)}) for s in segments]
