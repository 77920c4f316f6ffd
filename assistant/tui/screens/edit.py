"""The edit form for one proposal (modal). It only collects values: the review screen applies them
through `Session.edit_item`, which validates, re-runs the checks and saves."""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid, Vertical
from textual.screen import ModalScreen
from textual.suggester import SuggestFromList
from textual.widgets import Input, Label, Select, Static

from assistant.domain.postmortem import ActionItem, ImpactFact, Item, TextItem, TimelineEvent, WhyStep

# (field, label) per item type, in form order. Only text fields: status, evidence and flags are not
# the reviewer's to type (the Session refuses them anyway).
_FIELDS: list[tuple[type[Item], list[tuple[str, str]]]] = [
    (ActionItem, [("action", "Action"), ("owner", "Owner"), ("due", "Due")]),
    (TimelineEvent, [("time", "Time"), ("event", "Event")]),
    (WhyStep, [("question", "Why?"), ("answer", "Because")]),
    (ImpactFact, [("value", "Impact")]),
    (TextItem, [("text", "Text")]),
]
_OPTIONAL = frozenset({"owner", "due", "time"})
"""Fields that may be cleared (saved as "not said")."""


def editable(item: Item) -> list[tuple[str, str]]:
    return next((fields for cls, fields in _FIELDS if isinstance(item, cls)), [])


class EditScreen(ModalScreen[dict[str, Any] | None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save"),
        Binding("escape", "cancel", "Cancel"),
    ]
    HELP = (
        "Edit the proposal's words. Owner: type a name (attendees are suggested; → completes) or pick one "
        "from the list. Due: as said (“Friday”, “March 21st”) or a date (2025-03-21); it is resolved "
        "against the meeting date. Enter or Ctrl+S saves, Esc cancels."
    )

    def __init__(self, item: Item, attendees: list[str]) -> None:
        super().__init__()
        self.item = item
        self.attendees = attendees
        self.fields = editable(item)

    def compose(self) -> ComposeResult:
        with Vertical(id="edit-dialog", classes="dialog"):
            yield Label(Text(f"Edit {_kind(self.item)}", style="bold"), markup=False)
            with Grid(id="edit-grid", classes="form-grid"):
                for name, label in self.fields:
                    yield Label(label)
                    yield Input(
                        _value(self.item, name),
                        id=f"field-{name}",
                        compact=True,
                        suggester=SuggestFromList(self.attendees, case_sensitive=False)
                        if name == "owner" and self.attendees
                        else None,
                    )
                    if name == "owner" and self.attendees:
                        yield Label("")
                        yield Select(
                            [(Text(a), a) for a in self.attendees],
                            prompt="pick an attendee",
                            id="owner-pick",
                            compact=True,
                        )
            yield Static(Text(""), id="edit-error", markup=False)
            yield Label(Text("Enter/Ctrl+S save · Esc cancel", style="dim"))

    def on_mount(self) -> None:
        if self.fields:
            self.query_one(f"#field-{self.fields[0][0]}", Input).focus()

    @on(Select.Changed, "#owner-pick")
    def _picked(self, event: Select.Changed) -> None:
        if isinstance(event.value, str):
            self.query_one("#field-owner", Input).value = event.value

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_save()

    def action_save(self) -> None:
        changes: dict[str, Any] = {}
        for name, label in self.fields:
            raw = " ".join(self.query_one(f"#field-{name}", Input).value.split())
            if not raw and name not in _OPTIONAL:
                self.query_one("#edit-error", Static).update(Text(f"{label} cannot be empty.", style="red"))
                self.query_one(f"#field-{name}", Input).focus()
                return
            value = raw or None
            if value != getattr(self.item, name):
                changes[name] = value
        self.dismiss(changes or None)

    def action_cancel(self) -> None:
        self.dismiss(None)


def _value(item: Item, name: str) -> str:
    value = getattr(item, name, None)
    return "" if value is None else str(value)


def _kind(item: Item) -> str:
    return {
        ActionItem: "action item",
        TimelineEvent: "timeline event",
        WhyStep: "why",
        ImpactFact: "impact",
    }.get(type(item), "proposal")
