"""Help (modal): what the screen underneath does and its keys, read from its live bindings so the
list can never drift from what the keys really do."""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Label, Static

from assistant.tui.format import FLAG_HELP, FLAG_LABELS

GLOBAL_KEYS = [
    ("?", "this help"),
    ("ctrl+p", "command palette: every action by name"),
    ("ctrl+q", "quit (a live meeting stops and can be resumed later)"),
    ("tab", "next field / panel"),
]


def key_rows(screen: Screen[object]) -> list[tuple[str, str]]:
    rows: list[tuple[str, str]] = []
    seen: set[str] = set()
    for active in screen.active_bindings.values():
        binding = active.binding
        if not binding.description or binding.action in seen:
            continue
        seen.add(binding.action)
        rows.append((screen.app.get_key_display(binding), binding.description))
    return rows


class HelpScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,question_mark,q", "close", "Close"),
    ]

    def __init__(self, title: str, about: str, keys: list[tuple[str, str]], *, flags: bool = False) -> None:
        super().__init__()
        self.title_text = title
        self.about = about
        self.keys = keys
        self.flags = flags

    def compose(self) -> ComposeResult:
        with Vertical(id="help-dialog", classes="dialog"):
            yield Label(Text(f"Help: {self.title_text}", style="bold"))
            with VerticalScroll(id="help-body"):
                yield Static(Text(self.about), markup=False)
                yield Static(_table(self.keys + GLOBAL_KEYS), markup=False)
                if self.flags:
                    flags = [(f"⚑ {FLAG_LABELS[f]}", FLAG_HELP[f]) for f in FLAG_LABELS]
                    yield Static(Text("Flags (computed by code, not by the model)", style="bold"), markup=False)
                    yield Static(_table(flags), markup=False)
            yield Label(Text("Esc close", style="dim"))

    def action_close(self) -> None:
        self.dismiss(None)


def _table(rows: list[tuple[str, str]]) -> Table:
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold cyan", no_wrap=True)
    table.add_column()
    for key, text in rows:
        table.add_row(Text(key), Text(text))
    return table
