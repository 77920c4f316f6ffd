"""Correct a transcript line (modal): type what was really said. It only collects the text; the screen
that opened it calls `Session.correct_line`, which keeps the recognised text, saves and re-checks."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from assistant.domain.transcript import Segment
from assistant.export.clock import meeting_clock


class CorrectLineDialog(ModalScreen[str | None]):
    """Returns the corrected text, or None when cancelled."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, segment: Segment, original: str | None = None) -> None:
        super().__init__()
        self.segment = segment
        self.original = original
        """What the recogniser wrote, when the line was corrected before."""

    def compose(self) -> ComposeResult:
        who = f" ({self.segment.speaker})" if self.segment.speaker else ""
        with Vertical(id="correct-dialog", classes="dialog"):
            yield Label(Text(f"Correct the line at {meeting_clock(self.segment.start)}{who}", style="bold"))
            if self.original is not None:
                yield Label(Text(f"heard: {self.original}", style="dim"), markup=False)
            yield Input(self.segment.text.strip(), id="correct-input", compact=True)
            yield Static(Text(""), id="correct-error", markup=False)
            yield Label(Text("Enter save · Esc cancel · the recognised text is kept; u undoes", style="dim"))

    def on_mount(self) -> None:
        self.query_one("#correct-input", Input).focus()

    @on(Input.Submitted, "#correct-input")
    def _typed(self, event: Input.Submitted) -> None:
        event.stop()
        if not event.value.strip():
            self.query_one("#correct-error", Static).update(
                Text("A line cannot be empty: reject the items it supports instead.", "red")
            )
            return
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)


def corrected_notice(when: str, rechecked: int, *, reread_key: bool = True) -> str:
    """`reread_key`: mention R (the review screen's re-reading; the live screen has none)."""
    if not rechecked:
        hint = " (R reads it again for new ones)" if reread_key else ""
        return f"Corrected the line at {when}; no proposal cites it{hint}"
    cited = f"{rechecked} proposal{'s' if rechecked != 1 else ''} citing it re-checked"
    hint = " (R re-reads them from the corrected text)" if reread_key else ""
    return f"Corrected the line at {when}; {cited}{hint}"
