"""Speakers: who each anonymous voice is. Name one (an attendee or a typed name), merge two that are
one person, split a wrong one by moving marked lines to a new speaker.

Every change goes through `Session.set_speakers`, which has saved `speakers.json` (and re-checked the
owners of "I'll …" items) when it returns. Voiceprints are never involved here: names and line moves
only, so the same screen serves imported and live meetings.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Footer, Header, OptionList, Static
from textual.widgets.option_list import Option

from assistant.domain.transcript import Segment
from assistant.errors import AssistantError
from assistant.export.clock import meeting_clock
from assistant.session import Session
from assistant.speakers.names import SpeakerNames, SpeakerSummary, speaker_summaries
from assistant.tui.format import one_line, segment_line
from assistant.tui.messages import SessionChanged
from assistant.tui.screens.naming import NameDialog, PickSpeakerDialog

SAMPLE_CHARS = 60
NO_SPEAKERS = "no speakers in this session (it was transcribed without speaker attribution)"


def attribution_off_reason(session: Session, live_reason: str | None = None) -> str | None:
    """Why this session has no speakers to name, or None when it has some.

    A live meeting passes the reason its run gave (no model, disabled); otherwise the reason is
    looked up here: the speaker model is missing, or this meeting was transcribed without it.
    """
    if any(session.speakers.label_of(s) for s in session.transcript.segments):
        return None
    if live_reason:
        return live_reason
    from assistant.speakers.diarize import unavailable_reason

    return unavailable_reason() or f"speaker attribution is off: {NO_SPEAKERS}"


def speaker_prompt(summary: SpeakerSummary) -> Text:
    text = Text()
    text.append(f"{summary.label:<4}", style="bold")
    text.append(summary.name or "(no name)", style="bold cyan" if summary.name else "dim")
    text.append(f"  {meeting_clock(summary.talk_time)} · {summary.segments} line{'s' if summary.segments != 1 else ''}",
                style="dim")  # fmt: skip
    sample = one_line(summary.sample.text, SAMPLE_CHARS)
    text.append(f"\n    “{sample}”", style="italic")
    return text


class SpeakersScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "name", "Name", tooltip="Give the selected speaker a name (an attendee or typed)"),
        Binding("m", "merge", "Merge", tooltip="The selected speaker is the same person as another one"),
        Binding("space", "mark", "Mark", tooltip="Mark a line of this speaker to split it off"),
        Binding("s", "split", "Split", tooltip="Move the marked lines (or the selected one) to a new speaker"),
        Binding("escape", "back", "Back"),
    ]
    HELP = (
        "Who said what. The top list has each speaker with their talk time and a sample line; the bottom "
        "list has the selected speaker's lines. n names the speaker (pick an attendee or type a name; empty "
        "removes it), m merges it into another speaker (diarization split one person in two). To split a "
        "speaker that is really two people, Tab to their lines, mark the other person's lines with space "
        "and press s: they move to a new speaker you can then name. Names are used in the transcript, the "
        "evidence and as owners of first-person action items. Every change is saved immediately."
    )

    def __init__(self, session: Session, *, attendees: list[str] | None = None, off_reason: str | None = None,
                 empty_hint: str | None = None) -> None:  # fmt: skip
        super().__init__()
        self.session = session
        self.attendees = attendees if attendees is not None else list(session.details.attendees)
        self.live_off_reason = off_reason
        self.empty_hint = empty_hint
        self._summaries: list[SpeakerSummary] = []
        self._marked: set[int] = set()
        self._lines: list[Segment] = []

    def compose(self) -> ComposeResult:
        yield Header(icon="☺")
        yield Static(id="speakers-off", markup=False)
        yield OptionList(id="speaker-list", markup=False)
        yield Static(id="speaker-lines-title", markup=False)
        yield OptionList(id="speaker-lines", markup=False)
        yield Static(id="status-line", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = f"Speakers: {self.session.name}"
        self._refresh()
        self.query_one("#speaker-list", OptionList).focus()

    # --- rendering -------------------------------------------------------------------------------

    def _refresh(self, keep: str | None = None) -> None:
        names = self.session.speakers
        self._summaries = speaker_summaries(self.session.transcript, names)
        banner = self.query_one("#speakers-off", Static)
        banner.set_class(not self._summaries, "-visible")
        banner.update(Text(self._empty_text() if not self._summaries else ""))
        listing = self.query_one("#speaker-list", OptionList)
        current = keep or self._current_label()
        listing.set_options(Option(speaker_prompt(s), id=f"spk-{s.label}") for s in self._summaries)
        labels = [s.label for s in self._summaries]
        if labels:
            listing.highlighted = labels.index(current) if current in labels else 0
        self._show_lines()

    def _empty_text(self) -> str:
        """Why there is nobody to name: attribution is off (and why), or a live meeting has no named voice yet."""
        if self.live_off_reason:
            return self.live_off_reason
        if self.empty_hint:
            return self.empty_hint
        return attribution_off_reason(self.session) or ""

    def _show_lines(self) -> None:
        label = self._current_label()
        names = self.session.speakers
        self._lines = [s for s in self.session.transcript.segments if label and names.label_of(s) == label]
        self._marked &= {s.id for s in self._lines}
        title = self.query_one("#speaker-lines-title", Static)
        if label is None:
            title.update(Text(""))
        else:
            marked = f", {len(self._marked)} marked to split off" if self._marked else ""
            title.update(Text(f"Lines of {names.display(label)}{marked} (space marks, s splits)", style="bold"))
        lines = self.query_one("#speaker-lines", OptionList)
        highlighted = lines.highlighted
        lines.set_options(Option(self._line_prompt(s), id=f"line-{s.id}") for s in self._lines)
        if self._lines:
            lines.highlighted = min(highlighted or 0, len(self._lines) - 1)

    def _line_prompt(self, segment: Segment) -> Text:
        text = Text()
        text.append("● " if segment.id in self._marked else "  ", style="bold yellow")
        text.append_text(segment_line(segment.model_copy(update={"speaker": None})))
        return text

    def _current_label(self) -> str | None:
        listing = self.query_one("#speaker-list", OptionList)
        index = listing.highlighted
        if index is None or index >= len(self._summaries):
            return None
        return self._summaries[index].label

    @on(OptionList.OptionHighlighted, "#speaker-list")
    def _on_speaker(self) -> None:
        self._marked.clear()
        self._show_lines()

    @on(OptionList.OptionSelected, "#speaker-list")
    def _on_pick(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_name()

    @on(OptionList.OptionSelected, "#speaker-lines")
    def _on_line(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_mark()

    @on(SessionChanged)
    def _on_session_changed(self) -> None:
        """New lines or live matches while a meeting runs underneath."""
        self._refresh()

    # --- changes ---------------------------------------------------------------------------------

    def _save(self, names: SpeakerNames, message: str, keep: str | None = None) -> bool:
        try:
            self.session.set_speakers(names)
        except AssistantError as exc:
            self._status(exc.message, error=True)
            self.notify(exc.message, severity="error", markup=False)
            return False
        self._marked.clear()
        self._refresh(keep=keep)
        self._status(message)
        return True

    def action_name(self) -> None:
        label = self._current_label()
        if label is None:
            return
        current = self.session.speakers.name_of(label)

        def done(name: str | None) -> None:
            if name is None:
                return
            names = self.session.speakers
            names.rename(label, name)
            self._save(names, f"{label} is {name}" if name else f"{label} has no name now", keep=label)

        self.app.push_screen(NameDialog(label, self.attendees, current), done)

    def action_merge(self) -> None:
        label = self._current_label()
        if label is None:
            return
        names = self.session.speakers
        others = [(s.label, _choice(s)) for s in self._summaries if s.label != label]
        if not others:
            self._status("There is no other speaker to merge with.")
            return

        def done(target: str | None) -> None:
            if target is None:
                return
            changed = self.session.speakers
            changed.merge(label, target)
            self._save(changed, f"Merged {names.display(label)} into {changed.display(target)}", keep=target)

        self.app.push_screen(PickSpeakerDialog(f"{names.display(label)} is the same person as…", others), done)

    def action_mark(self) -> None:
        lines = self.query_one("#speaker-lines", OptionList)
        if lines.highlighted is None or not self._lines:
            if self._lines:
                lines.focus()
            return
        segment = self._lines[lines.highlighted]
        self._marked ^= {segment.id}
        self._show_lines()
        if lines.highlighted is not None and lines.highlighted < len(self._lines) - 1:
            lines.highlighted += 1

    def action_split(self) -> None:
        label = self._current_label()
        if label is None:
            return
        lines = self.query_one("#speaker-lines", OptionList)
        moving = set(self._marked)
        if not moving and lines.has_focus and lines.highlighted is not None and self._lines:
            moving = {self._lines[lines.highlighted].id}
        if not moving:
            self._status("Mark the lines to split off first: Tab to the lines, space marks one.")
            return
        if len(moving) >= len(self._lines):
            self._status("Those are all of this speaker's lines: name or merge the speaker instead.")
            return
        names = self.session.speakers
        new = names.new_speaker(self.session.transcript)
        names.reassign(sorted(moving), new)
        count = len(moving)
        self._save(names, f"Moved {count} line{'s' if count != 1 else ''} to a new speaker {new}: press n to name",
                   keep=new)  # fmt: skip

    def action_back(self) -> None:
        self.app.pop_screen()

    def _status(self, message: str, *, error: bool = False) -> None:
        line = self.query_one("#status-line", Static)
        line.set_class(error, "-error")
        line.update(Text(one_line(message, 300)))


def _choice(summary: SpeakerSummary) -> str:
    who = f"{summary.label} {summary.name}" if summary.name else summary.label
    return f"{who}: “{one_line(summary.sample.text, 50)}”"
