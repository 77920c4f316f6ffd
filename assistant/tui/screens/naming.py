"""Small modal pickers for naming speakers: a name (an attendee or typed), another speaker, a line.

They only collect a choice; the screen that opened them changes the session.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.suggester import SuggestFromList
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from assistant.domain.transcript import Segment
from assistant.speakers.model import is_label
from assistant.speakers.names import clean_name
from assistant.tui.format import segment_line


class NameDialog(ModalScreen[str | None]):
    """Pick an attendee or type a name. Returns the name, "" to remove the name, None when cancelled."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, who: str, attendees: Sequence[str], current: str | None = None) -> None:
        super().__init__()
        self.who = who
        self.attendees = list(dict.fromkeys(a for a in attendees if a))
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(id="name-dialog", classes="dialog"):
            yield Label(Text(f"Who is {self.who}?", style="bold"), markup=False)
            if self.attendees:
                yield OptionList(*[Option(Text(a), id=f"att-{n}") for n, a in enumerate(self.attendees)],
                                 id="name-attendees", markup=False)  # fmt: skip
            yield Input(
                self.current or "",
                placeholder="or type a name (empty: no name)",
                id="name-input",
                compact=True,
                suggester=SuggestFromList(self.attendees, case_sensitive=False) if self.attendees else None,
            )
            yield Static(Text(""), id="name-error", markup=False)
            yield Label(Text("Enter pick/save · Tab list/field · Esc cancel", style="dim"))

    def on_mount(self) -> None:
        if self.attendees and not self.current:
            self.query_one("#name-attendees", OptionList).focus()
        else:
            self.query_one("#name-input", Input).focus()

    @on(OptionList.OptionSelected, "#name-attendees")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(self.attendees[event.option_index])

    @on(Input.Submitted, "#name-input")
    def _typed(self, event: Input.Submitted) -> None:
        event.stop()
        name = clean_name(event.value)
        if is_label(name.upper()):
            # "S2" as a name would read as a speaker label everywhere: merging is its own action.
            self.query_one("#name-error", Static).update(Text("That is a speaker label; use merge (m).", "red"))
            return
        self.dismiss(name)

    def action_cancel(self) -> None:
        self.dismiss(None)


class PickSpeakerDialog(ModalScreen[str | None]):
    """Pick one speaker (the merge target). Returns its label."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, question: str, choices: Sequence[tuple[str, str]]) -> None:
        super().__init__()
        self.question = question
        self.choices = list(choices)

    def compose(self) -> ComposeResult:
        with Vertical(id="pick-speaker-dialog", classes="dialog"):
            yield Label(Text(self.question, style="bold"), markup=False)
            yield OptionList(*[Option(Text(shown), id=f"pick-{label}") for label, shown in self.choices],
                             id="pick-speaker", markup=False)  # fmt: skip
            yield Label(Text("Enter pick · Esc cancel", style="dim"))

    def on_mount(self) -> None:
        self.query_one("#pick-speaker", OptionList).focus()

    @on(OptionList.OptionSelected, "#pick-speaker")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(self.choices[event.option_index][0])

    def action_cancel(self) -> None:
        self.dismiss(None)


class PickLineDialog(ModalScreen[int | None]):
    """Pick a transcript line (latest first highlighted): whose voice to name, which line to correct.
    Returns its segment id."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(
        self,
        segments: Sequence[Segment],
        shown: Sequence[str | None] | None = None,
        title: str = "Whose voice is it? Pick one of their lines (a long one is best)",
    ) -> None:
        super().__init__()
        self.title_text = title
        self.segments = list(segments)
        self.shown = list(shown) if shown is not None else [s.speaker for s in self.segments]

    def compose(self) -> ComposeResult:
        with Vertical(id="pick-line-dialog", classes="dialog"):
            yield Label(Text(self.title_text, style="bold"))
            yield OptionList(
                *[Option(segment_line(s.model_copy(update={"speaker": who})), id=f"line-{s.id}")
                  for s, who in zip(self.segments, self.shown, strict=True)],
                id="pick-line", markup=False,
            )  # fmt: skip
            yield Label(Text("Enter pick · Esc cancel", style="dim"))

    def on_mount(self) -> None:
        lines = self.query_one("#pick-line", OptionList)
        lines.focus()
        if self.segments:
            lines.highlighted = len(self.segments) - 1

    @on(OptionList.OptionSelected, "#pick-line")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(self.segments[event.option_index].id)

    def action_cancel(self) -> None:
        self.dismiss(None)
