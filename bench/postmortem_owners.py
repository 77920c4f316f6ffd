"""Owners and due dates of the drafted action items matched to expected ones (a postmortem's owner figures)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from assistant.domain.postmortem import DUE_FLAGS, OWNER_FLAGS, ActionItem

UNOWNED_KINDS = frozenset({"group", "multiple", "none"})


def owner_figures(
    matched: dict[int, int], expected_items: Sequence[dict[str, Any]], predicted_items: Sequence[ActionItem]
) -> dict[str, Any]:
    """Owners and due dates over the matched action items.

    owner right: expected owner None <=> the drafted item has an OWNER_FLAGS flag, and otherwise the drafted
    owner is the expected one. Unowned-flag recall: expected group/multiple/none items that carry such a flag;
    false owner flags: expected owned items that carry one. Due date right: the drafted due_date is the expected
    one (concrete due dates only); vague flag recall: vague/none due dates that carry a DUE_FLAGS flag."""
    owner_right = unowned = unowned_flagged = owned = false_flags = 0
    due_total = due_right = vague_total = vague_flagged = 0
    by_kind: dict[str, list[int]] = {}
    details = []
    for g, p in sorted(matched.items()):
        gold, pred = expected_items[g], predicted_items[p]
        flagged = bool(set(pred.flags) & OWNER_FLAGS)
        if gold["owner"] is None:
            right = flagged
        else:
            right = not flagged and (pred.owner or "").strip().lower() == gold["owner"].lower()
        owner_right += right
        kind = by_kind.setdefault(gold["owner_kind"], [0, 0])
        kind[0] += right
        kind[1] += 1
        if gold["owner_kind"] in UNOWNED_KINDS:
            unowned += 1
            unowned_flagged += flagged
        else:
            owned += 1
            false_flags += flagged
        due_ok: bool | None = None
        if gold["due_kind"] == "concrete":
            due_total += 1
            due_ok = pred.due_date is not None and pred.due_date == dt.date.fromisoformat(gold["due_date"])
            due_right += due_ok
        else:
            vague_total += 1
            vague_flagged += bool(set(pred.flags) & DUE_FLAGS)
        details.append(
            {
                "expected": gold["action"],
                "predicted": pred.action,
                "owner_kind": gold["owner_kind"],
                "expected_owner": gold["owner"],
                "predicted_owner": pred.owner,
                "owner_flags": sorted(str(f) for f in set(pred.flags) & OWNER_FLAGS),
                "owner_right": right,
                "expected_due": gold["due_date"],
                "predicted_due": str(pred.due_date or "") or None,
                "due_right": due_ok,
            }
        )
    return {
        "matched": len(matched),
        "owner_right": owner_right,
        "owner_by_kind": {k: {"right": v[0], "of": v[1]} for k, v in sorted(by_kind.items())},
        "unowned_flagged": unowned_flagged,
        "unowned": unowned,
        "false_owner_flags": false_flags,
        "owned": owned,
        "due_right": due_right,
        "due_concrete": due_total,
        "vague_flagged": vague_flagged,
        "vague": vague_total,
        "items": details,
    }
