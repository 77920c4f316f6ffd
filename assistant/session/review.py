"""Review edits and their undo history, kept apart from persistence so both stay small and testable."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from assistant.domain.postmortem import IMPACT_FIELDS, Item, Postmortem, ReviewStatus
from assistant.errors import SessionError
from assistant.session.corrections import LineCorrection

# Identity, provenance and code-computed fields: a person edits what was said, not where or the flags.
_NOT_EDITABLE = frozenset(
    {"id", "status", "evidence", "flags", "edited", "origin", "draft_state", "confirmed_by", "corrections"}
)

UNDO_DEPTH = 500
LIST_SECTIONS = ("timeline", "what_worked", "what_didnt", "action_items", "decisions", "open_questions", "follow_up")


def editable_fields(item: Item) -> frozenset[str]:
    return frozenset(type(item).model_fields) - _NOT_EDITABLE


def validated_changes(item: Item, fields: dict[str, Any]) -> dict[str, Any]:
    """The values of `fields` that differ from `item`'s, validated and converted for its type.

    Raises TypeError for a field that cannot be edited (a programming error) and SessionError for a
    value of the wrong type (e.g. a due_date that is not a date), so a UI can show it as is.
    """
    unknown = sorted(set(fields) - editable_fields(item))
    if unknown:
        allowed = ", ".join(sorted(editable_fields(item)))
        raise TypeError(f"cannot edit {', '.join(unknown)} of {type(item).__name__} (editable: {allowed})")
    try:
        checked = type(item).model_validate({**item.model_dump(), **fields})
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise SessionError(f"Invalid value for {where}: {first['msg']}.") from exc
    return {name: getattr(checked, name) for name in fields if getattr(checked, name) != getattr(item, name)}


def drop_missing(pm: Postmortem, final: Postmortem) -> None:
    """Remove from `pm` the unreviewed, unedited items that `final` (a final pass over a copy of `pm`)
    no longer has: what the whole meeting does not support. Decisions made meanwhile stay."""
    kept = {item.id for item in final.all_items()}

    def stays(item: Item | None) -> bool:
        if item is None or item.origin == "draft":  # the draft is not the extraction's to drop
            return True
        return item.id in kept or item.status is not ReviewStatus.PROPOSED or item.edited

    for name in LIST_SECTIONS:
        setattr(pm, name, [item for item in getattr(pm, name) if stays(item)])
    pm.root_cause.whys = [item for item in pm.root_cause.whys if stays(item)]
    if not stays(pm.root_cause.systemic_cause):
        pm.root_cause.systemic_cause = None
    if not stays(pm.summary):
        pm.summary = None
    for name in IMPACT_FIELDS:
        if not stays(getattr(pm.impact, name)):
            setattr(pm.impact, name, None)


@dataclass
class Change:
    """One item's fields as they were before a review action (only the fields the action touched)."""

    item_id: str
    before: dict[str, Any]


@dataclass
class LineChange:
    """A transcript line as it was before a correction (None: it was uncorrected), and the evidence of
    the items that the correction re-checked."""

    segment_id: int
    before: LineCorrection | None
    items: list[Change]


Step = list[Change] | LineChange


@dataclass
class UndoStack:
    """Review actions (status changes, edits, bulk accepts) that can be taken back, newest last.

    Each entry records field values, not whole-document snapshots, so undoing a review after new
    proposals were merged restores that one decision without dropping the new proposals. In memory
    only: the decisions themselves are durable, their undo history does not survive a restart.
    """

    steps: list[Step] = field(default_factory=list)

    def push(self, step: Step) -> None:
        if step:
            self.steps.append(step)
            del self.steps[:-UNDO_DEPTH]

    def __bool__(self) -> bool:
        return bool(self.steps)

    def pop_line(self) -> LineChange | None:
        """The newest step if it is a line correction (taken off the stack), else None (left there)."""
        if self.steps and isinstance(self.steps[-1], LineChange):
            step = self.steps.pop()
            assert isinstance(step, LineChange)
            return step
        return None

    def pop_into(self, pm: Postmortem) -> tuple[list[str], bool]:
        """Restore the newest step into `pm`: the ids restored, and whether any content (not only a status)
        changed, which means the checks must run again. Items no longer in `pm` are skipped."""
        if not self.steps:
            return [], False
        restored: list[str] = []
        content_changed = False
        step = self.steps.pop()
        assert not isinstance(step, LineChange), "line corrections are taken with pop_line"
        for change in reversed(step):
            item = pm.find(change.item_id)
            if item is None:
                continue
            for name, value in change.before.items():
                setattr(item, name, value)
            content_changed |= any(name != "status" for name in change.before)
            restored.append(change.item_id)
        restored.reverse()  # document order, as the step recorded them
        return restored, content_changed
