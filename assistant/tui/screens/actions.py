"""Action items of every session (what `assistant actions` lists): filter them, mark their work done or
open again, open the session they come from.

Reading every session is slow on a large archive, so it runs in a thread worker that posts the rows back
(`ActionsLoaded`); only the UI thread touches the table. All items (proposed ones too) are loaded once and
the filters are applied here with the CLI's own `ActionFilter`, so toggling a filter reads nothing again.
Marking done goes through `assistant.session.actions.set_action_status`, the function behind
`assistant actions done`: saved in the item's session when it returns.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from assistant.domain.postmortem import ActionStatus, ReviewStatus
from assistant.errors import AssistantError
from assistant.session.actions import ActionFilter, ActionRow, list_actions, set_action_status
from assistant.session.listing import Unreadable
from assistant.tui.format import one_line
from assistant.tui.navigation import OpenSession
from assistant.tui.services import Services
from assistant.views import clock

COLUMNS = ("Session", "Incident", "Owner", "Due", "Status", "Quote")
EVERYTHING = ActionFilter(include_proposed=True)
"""What the worker loads; the screen's own filter narrows it down."""
STATUS_STYLES = {"OVERDUE": "bold red", "done": "green", "open": ""}


class ActionsLoaded(Message, bubble=False):
    """From the loading worker: every accepted or proposed action item, and the unreadable sessions.
    Not bubbling: it is for the screen that started the worker only."""

    def __init__(self, rows: list[ActionRow], unreadable: list[Unreadable]) -> None:
        super().__init__()
        self.rows = rows
        self.unreadable = unreadable


class ActionsScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("d", "done", "Done", tooltip="Mark the selected item's work done (saved in its session)"),
        Binding("o", "reopen", "Reopen", tooltip="Mark the selected item open again"),
        Binding("t", "toggle_open", "Open only"),
        Binding("v", "toggle_overdue", "Overdue"),
        Binding("p", "toggle_proposed", "Proposed", tooltip="Also show items not reviewed yet"),
        Binding("w", "next_owner", "Owner", tooltip="Only one owner's items: each press shows the next owner"),
        Binding("enter", "open_review", "Review", show=False),
        Binding("ctrl+r", "reload", "Reload", show=False),
        Binding("escape", "back", "Back"),
    ]
    HELP = (
        "Action items of every session, soonest due first: session, incident, owner, due date, status and "
        "the words that were said. d marks the selected item's work done, o opens it again (saved in its "
        "session, like `assistant actions done`). t shows open items only, v overdue ones only, p adds items "
        "not reviewed yet, w steps through the owners (then everyone again). Enter opens the item's session "
        "for review."
    )

    def __init__(self, services: Services) -> None:
        super().__init__()
        self.services = services
        self.where = ActionFilter()
        self.rows: list[ActionRow] = []
        self.unreadable: list[Unreadable] = []
        self.loaded = False
        self.today = services.now().date()

    def compose(self) -> ComposeResult:
        yield Header(icon="◆")
        yield Static(id="actions-filter", markup=False)
        yield DataTable(id="actions", cursor_type="row", zebra_stripes=True)
        yield Static(id="action-detail", markup=False)
        yield Static(id="actions-empty", markup=False)
        yield Static(id="status-line", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns(*COLUMNS)
        table.focus()
        self._show_filter()
        self.action_reload()

    # --- loading (worker) ----------------------------------------------------------------------------

    def action_reload(self) -> None:
        self._status("Reading the sessions…")
        self._load(self.services.sessions_root, self.today)

    @work(thread=True, exclusive=True, group="actions-load", exit_on_error=False)
    def _load(self, root: Path, today: dt.date) -> None:
        # Worker thread: reads the session files only; the rows go to the UI thread as a message.
        try:
            rows, unreadable = list_actions(root, EVERYTHING, today)
        except AssistantError as exc:
            rows, unreadable = [], [Unreadable(str(root), exc.message)]
        self.post_message(ActionsLoaded(rows, unreadable))

    @on(ActionsLoaded)
    def _loaded(self, message: ActionsLoaded) -> None:
        self.rows, self.unreadable, self.loaded = message.rows, message.unreadable, True
        self._render_rows()
        if self.unreadable:
            names = ", ".join(one_line(u.session, 40) for u in self.unreadable)
            self._status(f"Skipped unreadable session(s): {names}", error=True)
        else:
            self._status(f"{len(self.rows)} action item(s) in the sessions")

    # --- rendering ------------------------------------------------------------------------------------

    @property
    def shown(self) -> list[ActionRow]:
        return [r for r in self.rows if self.where.keeps(r, self.today)]

    def _render_rows(self, keep: str | None = None) -> None:
        table = self.query_one(DataTable)
        keep = keep if keep is not None else self.selected_id
        shown = self.shown
        table.clear()
        for row in shown:
            table.add_row(*self._cells(row), key=row.id)
        ids = [r.id for r in shown]
        if keep in ids:
            table.move_cursor(row=ids.index(keep))
        self.sub_title = f"{len(shown)} action item{'s' if len(shown) != 1 else ''}"
        empty = self.query_one("#actions-empty", Static)
        empty.display = self.loaded and not shown
        empty.update(Text("No action items match these filters." if self.rows else "No action items yet."))
        self._show_detail()

    def _cells(self, row: ActionRow) -> tuple[Text, ...]:
        item = row.item
        status: str = "OVERDUE" if row.is_overdue(self.today) else item.item_status
        if item.status is not ReviewStatus.ACCEPTED:
            status += f" ({item.status.value})"
        due = item.due_date.isoformat() if item.due_date else (item.due or "-")
        when = clock(item.evidence.start)
        quote = f"{when} " if when else ""
        # Text, never markup: names and quotes come from the transcript.
        return (
            Text(one_line(row.session, 28)),
            Text(one_line(row.incident_id or "-", 12)),
            Text(one_line(item.owner or "-", 16)),
            Text(one_line(due, 12)),
            Text(status, style=STATUS_STYLES.get(status.split(" ")[0], "dim")),
            Text(quote + "\u201c" + one_line(item.evidence.quote, 70) + "\u201d"),
        )

    def _show_filter(self) -> None:
        where = self.where
        parts = ["open only" if where.open_only else "open and done"]
        if where.overdue_only:
            parts.append("overdue")
        parts.append("with proposed" if where.include_proposed else "accepted")
        parts.append(f"owner {where.owner}" if where.owner else "every owner")
        self.query_one("#actions-filter", Static).update(Text("Showing: " + ", ".join(parts), style="bold"))

    def _refilter(self, where: ActionFilter) -> None:
        self.where = where
        self._show_filter()
        self._render_rows()

    # --- filters -------------------------------------------------------------------------------------

    def action_toggle_open(self) -> None:
        self._refilter(replace(self.where, open_only=not self.where.open_only))

    def action_toggle_overdue(self) -> None:
        self._refilter(replace(self.where, overdue_only=not self.where.overdue_only))

    def action_toggle_proposed(self) -> None:
        self._refilter(replace(self.where, include_proposed=not self.where.include_proposed))

    def action_next_owner(self) -> None:
        owners = owner_choices(self.rows)
        current = self.where.owner
        after = owners.index(current) + 1 if current in owners else 0
        self._refilter(replace(self.where, owner=owners[after] if after < len(owners) else None))

    # --- marking done / open -------------------------------------------------------------------------

    @property
    def selected_id(self) -> str | None:
        table = self.query_one(DataTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return key if isinstance(key, str) else None

    def action_done(self) -> None:
        self._set_status("done")

    def action_reopen(self) -> None:
        self._set_status("open")

    def _set_status(self, status: ActionStatus) -> None:
        action_id = self.selected_id
        if action_id is None:
            return
        try:
            saved, changed = set_action_status(self.services.sessions_root, action_id, status)
        except AssistantError as exc:
            self._status(exc.message, error=True)
            self.notify(exc.message, severity="error", markup=False)
            return
        self.rows = [saved if r.id == action_id else r for r in self.rows]
        self._render_rows(keep=action_id)
        word = "done" if status == "done" else "open"
        what = one_line(saved.item.action, 60)
        self._status(f"{'Marked' if changed else 'Already'} {word}: {what}")

    @on(DataTable.RowHighlighted, "#actions")
    def _highlighted(self) -> None:
        self._show_detail()

    def _show_detail(self) -> None:
        """The selected item in full (the table cuts the quote at 80 columns): what to do, who said what."""
        row = next((r for r in self.rows if r.id == self.selected_id), None)
        text = Text()
        if row is not None:
            ev = row.item.evidence
            text.append(one_line(row.item.action, 300), style="bold")
            text.append(f"\n{clock(ev.start) or '--:--'} {one_line(ev.speaker or '?', 40)}: ")
            text.append("\u201c" + one_line(ev.quote, 300) + "\u201d", style="italic")
        self.query_one("#action-detail", Static).update(text)

    # --- navigation ----------------------------------------------------------------------------------

    @on(DataTable.RowSelected, "#actions")
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open_review()

    def action_open_review(self) -> None:
        action_id = self.selected_id
        row = next((r for r in self.rows if r.id == action_id), None)
        if row is not None:
            self.post_message(OpenSession(row.session, item=row.item.id))

    def action_back(self) -> None:
        self.app.pop_screen()

    def _status(self, message: str, *, error: bool = False) -> None:
        line = self.query_one("#status-line", Static)
        line.set_class(error, "-error")
        line.update(Text(one_line(message, 300)))


def owner_choices(rows: list[ActionRow]) -> list[str]:
    """The owners named in `rows`, once each (case ignored, as `--owner` compares), in name order."""
    seen: dict[str, str] = {}
    for row in rows:
        owner = (row.item.owner or "").strip()
        if owner:
            seen.setdefault(owner.casefold(), owner)
    return [seen[k] for k in sorted(seen)]
