"""Action items across every session: listing them (with filters) and marking their work done or open.

Reading opens each session read-only (no lock, so a meeting being recorded or reviewed elsewhere is listed
too); a change opens the one session as its owner and saves through `Session.set_action_status`, atomic
like every other session edit — and refused while another process owns the session.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from assistant.domain.postmortem import ActionItem, ActionStatus, ReviewStatus
from assistant.errors import ConfigError, SessionError
from assistant.session.listing import Unreadable, session_names
from assistant.session.store import Session

ID_SEPARATOR = "/"
"""Between the session and the item in an action's ID: session names never hold a slash."""


@dataclass(frozen=True)
class ActionRow:
    session: str
    incident_id: str | None
    title: str | None
    item: ActionItem

    @property
    def id(self) -> str:
        """Unique across sessions (item ids are unique within one): `SESSION/ITEM`."""
        return f"{self.session}{ID_SEPARATOR}{self.item.id}"

    def is_overdue(self, today: dt.date) -> bool:
        """Still open past its resolved due date (a due date only spoken, "soon", is never overdue)."""
        due = self.item.due_date
        return self.item.item_status == "open" and due is not None and due < today


@dataclass(frozen=True)
class ActionFilter:
    owner: str | None = None
    """Only this owner's items (case and surrounding spaces ignored)."""
    open_only: bool = False
    overdue_only: bool = False
    include_proposed: bool = False
    """Also items not reviewed yet (rejected ones never: they are not part of the postmortem)."""

    def keeps(self, row: ActionRow, today: dt.date) -> bool:
        item = row.item
        wanted = {ReviewStatus.ACCEPTED, ReviewStatus.PROPOSED} if self.include_proposed else {ReviewStatus.ACCEPTED}
        if item.status not in wanted:
            return False
        if self.owner is not None and (item.owner or "").strip().casefold() != self.owner.strip().casefold():
            return False
        if self.open_only and item.item_status != "open":
            return False
        return not self.overdue_only or row.is_overdue(today)


def list_actions(root: Path, where: ActionFilter, today: dt.date) -> tuple[list[ActionRow], list[Unreadable]]:
    """The action items of every session under `root` that `where` keeps, soonest due first (those
    without a resolved date last), and the sessions that could not be read."""
    rows: list[ActionRow] = []
    unreadable: list[Unreadable] = []
    for name in session_names(root):
        try:
            with Session.open(root, name, readonly=True) as session:
                details = session.details
                for item in session.postmortem.action_items:
                    row = ActionRow(name, details.incident_id, details.title, item.model_copy(deep=True))
                    if where.keeps(row, today):
                        rows.append(row)
        except SessionError as exc:
            unreadable.append(Unreadable(name, exc.message))
    rows.sort(key=lambda r: (r.item.due_date or dt.date.max, r.session, r.item.evidence.start or 0.0))
    return rows, unreadable


def parse_action_id(action_id: str) -> tuple[str, str]:
    session, sep, item = action_id.strip().partition(ID_SEPARATOR)
    if not sep or not session or not item:
        raise ConfigError(f"Not an action item ID (SESSION/ITEM, see `assistant actions`): {action_id!r}")
    return session, item


def set_action_status(root: Path, action_id: str, status: ActionStatus) -> tuple[ActionRow, bool]:
    """Mark the action item `action_id` done or open again, saved in its session. Returns the item as
    saved and whether it changed (False: it already had that status)."""
    name, item_id = parse_action_id(action_id)
    with Session.open(root, name) as session:
        item = session.postmortem.find(item_id)
        if not isinstance(item, ActionItem):
            what = "no item" if item is None else "not an action item"
            raise SessionError(f"Session {name!r} has {what} {item_id!r} (see `assistant actions`).")
        if item.status is ReviewStatus.REJECTED:
            raise SessionError(f"Action item {action_id!r} was rejected in review: it is not in the postmortem.")
        changed = item.item_status != status
        session.set_action_status(item_id, status)
        details = session.details
        return ActionRow(name, details.incident_id, details.title, item.model_copy(deep=True)), changed
