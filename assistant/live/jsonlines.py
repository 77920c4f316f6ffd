"""JSON-lines records for `assistant record --headless` (one object per line on stdout)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from assistant.domain.postmortem import ActionItem, Item, Postmortem
from assistant.domain.transcript import Segment

if TYPE_CHECKING:
    from assistant.live.candidates import Mark


def segment_record(seg: Segment) -> dict[str, Any]:
    record: dict[str, Any] = {"type": "segment", "id": seg.id, "start": round(seg.start, 2),
                              "end": round(seg.end, 2), "text": seg.text}  # fmt: skip
    if seg.speaker:
        record["speaker"] = seg.speaker
    if seg.side:
        record["side"] = seg.side
    return record


def item_kind(pm: Postmortem, item: Item) -> str:
    for kind, group in (
        ("decision", pm.decisions), ("action_item", pm.action_items), ("open_question", pm.open_questions),
        ("timeline", pm.timeline), ("why", pm.root_cause.whys), ("what_worked", pm.what_worked),
        ("what_didnt", pm.what_didnt), ("follow_up", pm.follow_up),
    ):  # fmt: skip
        if any(i is item for i in group):
            return kind
    if item is pm.summary:
        return "summary"
    if item is pm.root_cause.systemic_cause:
        return "systemic_cause"
    return "impact"


def item_record(pm: Postmortem, item: Item, latency_s: float | None = None) -> dict[str, Any]:
    record: dict[str, Any] = {
        "type": "proposal",
        "kind": item_kind(pm, item),
        "id": item.id,
        "text": item.main_text(),
        "status": item.status.value,
        "flags": [f.value for f in item.flags],
        "evidence": {
            "segment_ids": item.evidence.segment_ids,
            "start": item.evidence.start,
            "end": item.evidence.end,
            "quote": item.evidence.quote,
            "verified": item.evidence.verified,
        },
    }
    if isinstance(item, ActionItem):
        record.update(owner=item.owner, due=item.due,
                      due_date=item.due_date.isoformat() if item.due_date else None)  # fmt: skip
    if latency_s is not None:
        record["latency_s"] = round(latency_s, 2)
    return record


def fingerprint(item: Item) -> str:
    """What a reader of the stream cares about: a change here re-sends the item."""
    return (
        item.model_dump_json(include={"flags", "status"})
        + item.main_text()
        + (f"|{item.owner}|{item.due}" if isinstance(item, ActionItem) else "")
    )


def candidate_record(mark: Mark, *, latency_s: float, t: float) -> dict[str, Any]:
    """`candidate` (a line just marked), `candidate_confirmed` (an item now cites it) or `candidate_dropped`
    (nothing will); `t` is the meeting time (the clock of the segments' start/end), `latency_s` the
    wall time since the line was committed."""
    record: dict[str, Any] = {
        "type": {"tentative": "candidate", "confirmed": "candidate_confirmed"}.get(mark.state, "candidate_dropped"),
        "line": mark.line,
        "kinds": list(mark.kinds),
    }
    if mark.state == "confirmed":
        record.update(item=mark.item_id, item_kind=mark.item_kind)
    elif mark.state == "dropped":
        record["reason"] = mark.reason
    record.update(t=round(t, 2), latency_s=round(latency_s, 3))
    return record
