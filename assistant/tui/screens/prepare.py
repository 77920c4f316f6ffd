"""Bring a draft postmortem into a session before the meeting (modal), as `assistant prepare` does.

The draft is read whole before any session is touched (`prepare_session`): a file that is not a draft
is one line in the dialog, naming the line it could not read, and nothing is saved. Reading a draft is a
small file and a Markdown parse, so it runs on the UI thread like the other saves of the app.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from assistant.draft.prepare import prepare_session
from assistant.errors import AssistantError
from assistant.tui.format import one_line


def name_for(draft: Path) -> str:
    """A session name from the draft's file name ("inc-2041.postmortem.md" -> "inc-2041")."""
    stem = draft.name.split(".")[0]
    return re.sub(r"[^A-Za-z0-9_-]+", "-", stem).strip("-") or "prepared"


class PrepareDialog(ModalScreen[str | None]):
    """Returns the session's name once the draft is saved into it; None when cancelled."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]
    HELP = (
        "Bring the draft the responders wrote (the template's Markdown, as the Markdown export writes it, "
        "or the JSON export) into a session before the meeting: the meeting then confirms, corrects or adds "
        "to it. Type the file's path, Enter moves to the session name (new or prepared before), Enter saves."
    )

    def __init__(self, sessions_root: Path) -> None:
        super().__init__()
        self.sessions_root = sessions_root

    def compose(self) -> ComposeResult:
        with Vertical(id="prepare-dialog", classes="dialog"):
            yield Label(Text("Prepare a session from a draft postmortem", style="bold"))
            yield Input(placeholder="draft file (.md or .json)", id="prepare-file", compact=True)
            yield Input(placeholder="session name", id="prepare-name", compact=True)
            yield Static(Text(""), id="prepare-error", markup=False)
            yield Label(Text("Enter next/save · Esc cancel", style="dim"))

    def on_mount(self) -> None:
        self.query_one("#prepare-file", Input).focus()

    @on(Input.Submitted, "#prepare-file")
    def _file_given(self, event: Input.Submitted) -> None:
        event.stop()
        path = Path(event.value.strip()).expanduser()
        if not event.value.strip():
            self._error("Type the path of the draft file.")
            return
        name = self.query_one("#prepare-name", Input)
        if not name.value.strip():
            name.value = name_for(path)
        name.focus()

    @on(Input.Submitted, "#prepare-name")
    def _save(self, event: Input.Submitted) -> None:
        event.stop()
        raw = self.query_one("#prepare-file", Input).value.strip()
        name = event.value.strip()
        if not raw or not name:
            self._error("Both the draft file and the session name are needed.")
            return
        try:
            summary = prepare_session(self.sessions_root, name, Path(raw).expanduser())
        except AssistantError as exc:
            self._error(exc.message)
            return
        self.notify(summary, markup=False)
        self.dismiss(name)

    def _error(self, message: str) -> None:
        self.query_one("#prepare-error", Static).update(Text(one_line(message, 300), style="red"))

    def action_cancel(self) -> None:
        self.dismiss(None)
