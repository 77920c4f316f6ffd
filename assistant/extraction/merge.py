"""Merge one window's proposals into the draft without duplicates, never overriding a review decision.

Two proposals are the same item when their main texts are near-identical, or when they point at the
same transcript lines and are broadly similar (the model rephrases the same sentence between windows).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from typing import TypeVar

from assistant.domain.postmortem import IMPACT_FIELDS, ActionItem, Item, Postmortem, ReviewStatus

T = TypeVar("T", bound=Item)

_TOKEN = re.compile(r"[a-z0-9]+")
SAME_TEXT = 0.72
SAME_PLACE_TEXT = 0.45


def _norm(text: str) -> str:
    return " ".join(_TOKEN.findall(text.lower()))


def similarity(a: Item, b: Item) -> float:
    return difflib.SequenceMatcher(None, _norm(a.main_text()), _norm(b.main_text())).ratio()


def same_item(a: Item, b: Item) -> bool:
    score = similarity(a, b)
    if score >= SAME_TEXT:
        return True
    shared = set(a.evidence.segment_ids) & set(b.evidence.segment_ids)
    return bool(shared) and a.evidence.verified and b.evidence.verified and score >= SAME_PLACE_TEXT


def _open_for_update(item: Item) -> bool:
    # A draft item (prepare --draft) changes only through the meeting's corrections, never by a merge.
    return item.status is ReviewStatus.PROPOSED and not item.edited and item.origin != "draft"


def _fill(old: T, new: T) -> None:
    """Complete an unreviewed item with what a later window knew better (e.g. an owner named later)."""
    if not _open_for_update(old):
        return
    if not old.evidence.verified and new.evidence.verified:
        old.evidence = new.evidence
    if isinstance(old, ActionItem) and isinstance(new, ActionItem):
        if old.owner is None and new.owner:
            old.owner = new.owner
        if old.due is None and new.due:
            old.due = new.due


def merge_list(existing: list[T], incoming: Sequence[T]) -> list[T]:
    for item in incoming:
        match = next((old for old in existing if same_item(old, item)), None)
        if match is None:
            existing.append(item)
        else:
            _fill(match, item)
    return existing


def merge_into(base: Postmortem, new: Postmortem) -> Postmortem:
    """Merge `new` (one window) into `base` in place and return it."""
    if base.summary is None:
        base.summary = new.summary
    for name in IMPACT_FIELDS:
        if getattr(base.impact, name) is None:
            setattr(base.impact, name, getattr(new.impact, name))
    merge_list(base.timeline, new.timeline)
    merge_list(base.root_cause.whys, new.root_cause.whys)
    if base.root_cause.systemic_cause is None or (
        _open_for_update(base.root_cause.systemic_cause) and new.root_cause.systemic_cause is not None
    ):
        # The deepest cause tends to be stated last; later windows see more of the chain.
        base.root_cause.systemic_cause = new.root_cause.systemic_cause or base.root_cause.systemic_cause
    merge_list(base.what_worked, new.what_worked)
    merge_list(base.what_didnt, new.what_didnt)
    merge_list(base.action_items, new.action_items)
    merge_list(base.decisions, new.decisions)
    merge_list(base.open_questions, new.open_questions)
    merge_list(base.follow_up, new.follow_up)
    return base


def _keep_supported(existing: list[T], fresh: Sequence[T]) -> list[T]:
    return [old for old in existing if not _open_for_update(old) or any(same_item(old, new) for new in fresh)]


def drop_unsupported(base: Postmortem, fresh: Postmortem) -> None:
    """Remove unreviewed proposals that a reading of the whole meeting no longer finds (a question
    answered later, a proposal turned down after the live window). Reviewed or edited items stay."""
    base.decisions = _keep_supported(base.decisions, fresh.decisions)
    base.action_items = _keep_supported(base.action_items, fresh.action_items)
    base.open_questions = _keep_supported(base.open_questions, fresh.open_questions)
    base.what_worked = _keep_supported(base.what_worked, fresh.what_worked)
    base.what_didnt = _keep_supported(base.what_didnt, fresh.what_didnt)
    base.timeline = _keep_supported(base.timeline, fresh.timeline)
