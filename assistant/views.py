"""The JSON that `sessions --json`, `actions --json` and `search --json` print and the MCP server returns.

Every document is an object with `"version": JSON_VERSION` first. Within a version fields are only ever
added; a field renamed, removed or changed in meaning bumps the version (README, "JSON output").
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from typing import Any

from assistant.export.clock import meeting_clock
from assistant.search.index import Hit
from assistant.session.actions import ActionRow
from assistant.session.listing import SessionInfo, Unreadable

JSON_VERSION = 1


def dumps(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def sessions_view(infos: Sequence[SessionInfo]) -> dict[str, Any]:
    return {"version": JSON_VERSION, "sessions": [_session(i) for i in infos]}


def actions_view(rows: Sequence[ActionRow], today: dt.date, unreadable: Sequence[Unreadable]) -> dict[str, Any]:
    return {
        "version": JSON_VERSION,
        "today": today.isoformat(),
        "actions": [action_view(r, today) for r in rows],
        "skipped": _skipped(unreadable),
    }


def search_view(query: str, hits: Sequence[Hit], unreadable: Sequence[Unreadable]) -> dict[str, Any]:
    return {"version": JSON_VERSION, "query": query, "hits": [_hit(h) for h in hits], "skipped": _skipped(unreadable)}


def action_view(row: ActionRow, today: dt.date) -> dict[str, Any]:
    item = row.item
    ev = item.evidence
    return {
        "id": row.id,
        "session": row.session,
        "item_id": item.id,
        "incident_id": row.incident_id,
        "title": row.title,
        "action": item.action,
        "owner": item.owner,
        "due": item.due,
        "due_date": item.due_date.isoformat() if item.due_date else None,
        "status": item.item_status,
        "overdue": row.is_overdue(today),
        "review_status": item.status.value,
        "flags": [f.value for f in item.flags],
        "quote": ev.quote,
        "speaker": ev.speaker,
        "start": ev.start,
        "time": clock(ev.start),
    }


def clock(seconds: float | None) -> str | None:
    """Meeting time as documents show it ("mm:ss", "h:mm:ss"), or None when unknown."""
    return meeting_clock(seconds) if seconds is not None else None


def _session(info: SessionInfo) -> dict[str, Any]:
    return {
        "name": info.name,
        "path": str(info.path),
        "state": info.state,
        "created": info.created.isoformat(),
        "duration_s": info.duration,
        "segments": info.segments,
        "proposals": info.proposals,
        "accepted": info.accepted,
        "error": info.error,
    }


def _hit(hit: Hit) -> dict[str, Any]:
    line = hit.kind == "line"
    return {
        "session": hit.session,
        "incident_id": hit.incident_id,
        "kind": hit.kind,
        "segment_id": int(hit.ref) if line else None,
        "item_id": None if line else hit.ref,
        "review_status": hit.status,
        "start": hit.start,
        "end": hit.end,
        "time": clock(hit.start),
        "speaker": hit.speaker,
        "text": hit.text,
        "snippet": hit.snippet,
        "score": hit.score,
    }


def _skipped(unreadable: Sequence[Unreadable]) -> list[dict[str, str]]:
    return [{"session": u.session, "error": u.error} for u in unreadable]
