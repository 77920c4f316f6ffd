"""Accepting or rejecting a proposed correction of a draft item (pure, on the item)."""

from __future__ import annotations

from assistant.domain.postmortem import ActionItem, Item, ReviewStatus

CORRECTABLE = {"time", "value", "owner", "due", "event", "action", "text"}


def resolve(item: Item, index: int, status: ReviewStatus) -> None:
    """Set correction `index` of `item` to `status`. Accepting puts the said value into the item (the
    correction keeps the draft's value: the history); rejecting or resetting an accepted one puts the
    draft's value back. ValueError for an index or field the item does not have."""
    if not 0 <= index < len(item.corrections):
        raise ValueError(f"item {item.id!r} has no correction {index + 1}")
    correction = item.corrections[index]
    if correction.field not in CORRECTABLE or correction.field not in type(item).model_fields:
        raise ValueError(f"cannot correct {correction.field!r} of {type(item).__name__}")
    if status is ReviewStatus.ACCEPTED:
        setattr(item, correction.field, correction.said_value)
    elif correction.status is ReviewStatus.ACCEPTED:
        setattr(item, correction.field, correction.draft_value)
    if isinstance(item, ActionItem) and correction.field == "due":
        item.due_date = None  # the checks derive it again from the due text
    correction.status = status
