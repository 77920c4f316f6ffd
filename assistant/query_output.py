"""What `sessions --json`, `actions` and `search` print: plain text for people, versioned JSON for scripts
(`assistant.views`). Warnings (a session that cannot be read) go to stderr, so stdout stays parseable."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Sequence
from pathlib import Path

from assistant.domain.postmortem import ActionStatus
from assistant.export.plaintext import one_line
from assistant.search.index import Hit
from assistant.search.sync import DEFAULT_LIMIT, search_sessions
from assistant.session.actions import ActionFilter, ActionRow, list_actions, set_action_status
from assistant.session.listing import Unreadable, list_sessions
from assistant.views import actions_view, clock, dumps, search_view, sessions_view


def run_sessions_json(root: Path) -> int:
    sys.stdout.write(dumps(sessions_view(list_sessions(root))))
    return 0


def run_actions(root: Path, where: ActionFilter, *, as_json: bool, today: dt.date | None = None) -> int:
    today = today or dt.date.today()
    rows, unreadable = list_actions(root, where, today)
    if as_json:
        sys.stdout.write(dumps(actions_view(rows, today, unreadable)))
    elif rows:
        sys.stdout.write(render_actions(rows, today))
    else:
        kind = "accepted or proposed" if where.include_proposed else "accepted"
        print(f"No {kind} action items match in {root}.")
    _warn(unreadable)
    return 0


def run_action_status(root: Path, action_id: str, status: ActionStatus) -> int:
    row, changed = set_action_status(root, action_id, status)
    word = "done" if status == "done" else "open"
    if changed:
        print(f"{row.id}: marked {word} ({one_line(row.item.action)})")
    else:
        print(f"{row.id}: already {word}")
    return 0


def run_search(root: Path, query: str, *, limit: int = DEFAULT_LIMIT, as_json: bool, rebuild: bool) -> int:
    result = search_sessions(root, query, limit=limit, rebuild=rebuild)
    if as_json:
        sys.stdout.write(dumps(search_view(result.query, result.hits, result.skipped)))
    elif result.hits:
        sys.stdout.write(render_hits(result.hits))
    else:
        print(f"No matches for {one_line(query)!r}.")
    if result.note:
        print(f"assistant: warning: {result.note}", file=sys.stderr)
    elif rebuild and result.index is not None:
        print(f"assistant: search index rebuilt: {result.index}", file=sys.stderr)
    _warn(result.skipped)
    return 0


def render_actions(rows: Sequence[ActionRow], today: dt.date) -> str:
    """Three lines an item: ID, incident, owner, due date and status; what to do; where it was said."""
    blocks = []
    for row in rows:
        item = row.item
        status = "OVERDUE" if row.is_overdue(today) else item.item_status
        due = item.due_date.isoformat() if item.due_date else None
        if item.due and due and item.due.strip() != due:  # "Thursday" resolved: show both
            due = f"{due} ({one_line(item.due)})"
        review = "" if item.status.value == "accepted" else f"  [{item.status.value}]"
        # Each part on one line of its own (names and text come from people), parts two spaces apart.
        parts = [row.id, row.incident_id or "-", f"owner {item.owner or '-'}", f"due {due or item.due or '-'}", status]
        head = "  ".join(one_line(part) for part in parts)
        ev = item.evidence
        said = f"{clock(ev.start) or '--:--'} {one_line(ev.speaker or '?')}: \u201c{one_line(ev.quote)}\u201d"
        blocks.append(f"{head}{review}\n    {one_line(item.action)}\n    {said}\n")
    return "\n".join(blocks)


def render_hits(hits: Sequence[Hit]) -> str:
    lines = []
    for n, hit in enumerate(hits, start=1):
        what = "line" if hit.kind == "line" else f"{hit.kind} {hit.ref} ({hit.status})"
        parts = [hit.session, clock(hit.start) or "--:--", hit.speaker or "-", what]
        lines.append(f"{n:>2}. {'  '.join(one_line(p) for p in parts)}\n    {one_line(hit.snippet)}\n")
    return "".join(lines)


def _warn(unreadable: Sequence[Unreadable]) -> None:
    for u in unreadable:
        print(f"assistant: warning: skipped session {one_line(u.session)}: {u.error}", file=sys.stderr)
