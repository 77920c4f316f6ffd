"""Export the reviewed postmortem (modal): Markdown, JSON, the action items as CSV, or the accepted action
items for a tracker (Jira, Linear, GitHub, Obsidian).

Uses the same renderer as `assistant export` (`export_session`), and writes the file the same way:
atomically and owner-only, since incident notes are often confidential.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Checkbox, Input, Label, RadioButton, RadioSet, Static

from assistant.export import atomic_write_text
from assistant.export.trackers import unmapped_notice
from assistant.session import Session
from assistant.session.commands import ExportFormat, export_session
from assistant.session.files import PRIVATE_FILE
from assistant.tui.format import one_line

FORMATS: list[tuple[ExportFormat, str, str]] = [
    ("md", "Markdown postmortem", ".postmortem.md"),
    ("json", "JSON (everything, incl. rejected)", ".postmortem.json"),
    ("csv", "CSV of action items", ".action_items.csv"),
    # The tracker formats hold accepted action items (and proposed ones with the checkbox).
    ("jira", "Jira CSV import", ".jira.csv"),
    ("linear", "Linear CSV import", ".linear.csv"),
    ("github", "GitHub issues: gh script", ".gh-issues.sh"),
    ("github-json", "GitHub issues: API JSON lines", ".github-issues.jsonl"),
    ("obsidian", "Obsidian note (tasks)", ".obsidian.md"),
]


def default_path(folder: Path, session: str, fmt: ExportFormat) -> Path:
    suffix = next(s for f, _, s in FORMATS if f == fmt)
    return folder / f"{session}{suffix}"


class ExportScreen(ModalScreen[Path | None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "export", "Export"),
        Binding("escape", "cancel", "Cancel"),
    ]
    HELP = (
        "Choose a format (↑/↓ in the list), check the path, Enter exports. The file is replaced if it exists. "
        "Tracker formats (Jira … Obsidian) hold the accepted action items; Tab to the box and Space adds the "
        "proposed ones."
    )

    def __init__(self, session: Session, folder: Path, *, people: Mapping[str, str] | None = None) -> None:
        super().__init__()
        self.session = session
        self.folder = folder
        self.people = dict(people or {})
        self.fmt: ExportFormat = "md"

    def compose(self) -> ComposeResult:
        with Vertical(id="export-dialog", classes="dialog"):
            yield Label(Text("Export", style="bold"))
            with RadioSet(id="export-format", compact=True):
                for n, (_fmt, label, _suffix) in enumerate(FORMATS):
                    yield RadioButton(label, value=n == 0)
            with Horizontal(classes="form-row"):
                yield Label("Path ")
                yield Input(str(default_path(self.folder, self.session.name, "md")), id="export-path", compact=True)
            yield Checkbox("Trackers: proposed action items too", id="export-proposed", compact=True)
            yield Static(Text(""), id="export-error", markup=False)
            yield Label(Text("Enter/Ctrl+S export · Esc cancel", style="dim"))

    def on_mount(self) -> None:
        self.query_one(RadioSet).focus()

    @on(RadioSet.Changed)
    def _format_changed(self, event: RadioSet.Changed) -> None:
        path_input = self.query_one("#export-path", Input)
        old_default = str(default_path(self.folder, self.session.name, self.fmt))
        self.fmt = FORMATS[event.index][0]
        # Follow the format only while the path is still the suggested one; never overwrite a typed path.
        if path_input.value == old_default:
            path_input.value = str(default_path(self.folder, self.session.name, self.fmt))

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_export()

    def action_export(self) -> None:
        raw = self.query_one("#export-path", Input).value.strip()
        if not raw:
            self._error("Give a file path.")
            return
        path = Path(raw).expanduser()
        if not path.is_absolute():
            path = self.folder / path
        try:
            proposed = self.query_one("#export-proposed", Checkbox).value
            result = export_session(self.session, self.fmt, include_proposed=proposed, people=self.people)
            atomic_write_text(path, result.text, mode=PRIVATE_FILE)
        except OSError as exc:
            self._error(f"Cannot write {path}: {exc.strerror or exc}")
            return
        self.notify(f"Exported: {path}", markup=False)
        if notice := unmapped_notice(result.unmapped):
            # Owner names come from the transcript: never read as markup.
            self.notify(notice, severity="warning", markup=False, timeout=10)
        self.dismiss(path)

    def action_cancel(self) -> None:
        self.dismiss(None)

    def _error(self, message: str) -> None:
        self.query_one("#export-error", Static).update(Text(one_line(message, 200), style="red"))
