"""The meeting against the draft: which draft items it confirmed, which it contradicted (a proposed
correction: draft value -> said value, with the words), which it never mentioned, and what it added.

Pure: `reconcile` changes the draft items of `pm` and returns the meeting's items that are new. Items
are paired within a kind (timeline rows, impact figures, action items, whys, text lists), one to one,
best pair first, on what they say (`similarity_matrix`); the values that can be contradicted are then
compared exactly: a timeline row's clock time, an impact figure's numbers, an action item's owner and
due date.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from assistant.domain.postmortem import (
    IMPACT_FIELDS,
    OWNER_FLAGS,
    ActionItem,
    Correction,
    DraftState,
    ImpactFact,
    Item,
    Postmortem,
    TimelineEvent,
)
from assistant.draft.similarity import Encoder, clock_minutes, numbers, same_clock, similarity_matrix

T = TypeVar("T", bound=Item)

SAME_STATEMENT = 0.55
"""Two statements about the same event/action/cause, whatever their times or figures."""
SAME_STATEMENT_SAME_TIME = 0.40
"""Enough when the clock time agrees as well (timeline rows are short: "deploy" vs "v2.31 went out")."""


def has_draft(pm: Postmortem) -> bool:
    return any(item.origin == "draft" for item in pm.all_items())


def _confirm(item: Item, by: Item) -> None:
    if item.draft_state is not DraftState.CORRECTED:
        item.draft_state = DraftState.CONFIRMED
    if item.confirmed_by is None:
        item.confirmed_by = by.evidence.model_copy(deep=True)


def _correct(item: Item, field: str, draft_value: str | None, said: str, by: Item) -> None:
    if any(c.field == field and c.said_value == said for c in item.corrections):
        return
    item.corrections.append(
        Correction(field=field, draft_value=draft_value, said_value=said, evidence=by.evidence.model_copy(deep=True))
    )
    item.draft_state = DraftState.CORRECTED


def _pairs(
    drafts: Sequence[T], said: Sequence[T], encoder: Encoder | None, accept: Callable[[T, T, float], bool]
) -> list[tuple[T, T]]:
    """One-to-one pairs (draft, said), most similar first, among those `accept` allows."""
    if not drafts or not said:
        return []
    scores = similarity_matrix([d.main_text() for d in drafts], [s.main_text() for s in said], encoder)
    order = sorted(((float(scores[i, j]), i, j) for i in range(len(drafts)) for j in range(len(said))), reverse=True)
    used_d: set[int] = set()
    used_s: set[int] = set()
    pairs: list[tuple[T, T]] = []
    for score, i, j in order:
        if i in used_d or j in used_s or not accept(drafts[i], said[j], score):
            continue
        used_d.add(i)
        used_s.add(j)
        pairs.append((drafts[i], said[j]))
    return pairs


def _times_agree(a: TimelineEvent, b: TimelineEvent) -> bool | None:
    ta, tb = clock_minutes(a.time), clock_minutes(b.time)
    return None if ta is None or tb is None else same_clock(ta, tb)


def _timeline(drafts: list[TimelineEvent], said: list[TimelineEvent], encoder: Encoder | None) -> set[int]:
    def accept(d: TimelineEvent, s: TimelineEvent, score: float) -> bool:
        return score >= SAME_STATEMENT or (score >= SAME_STATEMENT_SAME_TIME and _times_agree(d, s) is True)

    matched: set[int] = set()
    for d, s in _pairs(drafts, said, encoder, accept):
        matched.add(id(s))
        if _times_agree(d, s) is False and s.time:
            _correct(d, "time", d.time, s.time, s)
        else:
            _confirm(d, s)
    return matched


def _same_figures(draft: str, said: str) -> bool:
    a, b = numbers(draft), numbers(said)
    # No figure on one side ("we missed the SLA"): nothing to contradict. Otherwise the draft's figures
    # must all be said (the meeting may add "about" or the start and end times).
    return not a or not b or all(any(abs(x - y) <= 0.01 * max(abs(x), 1.0) for y in b) for x in a)


def _impact(pm: Postmortem, meeting: Postmortem) -> None:
    for name in IMPACT_FIELDS:
        d: ImpactFact | None = getattr(pm.impact, name)
        s: ImpactFact | None = getattr(meeting.impact, name)
        if d is None or s is None or d.origin != "draft":
            continue
        if _same_figures(d.value, s.value):
            _confirm(d, s)
        else:
            _correct(d, "value", d.value, s.value, s)
        setattr(meeting.impact, name, None)  # the draft's row now carries what was said


_NOT_A_NAME = frozenset({"i", "me", "we", "us", "you", "they", "someone", "somebody", "team", "the team"})


def _named(item: ActionItem) -> bool:
    """The meeting named one owner: not "I" before the speaker is known, not a group (the owner checks'
    flags say so once they ran)."""
    owner = (item.owner or "").strip().lower()
    return bool(owner) and owner not in _NOT_A_NAME and not set(item.flags) & OWNER_FLAGS


def _actions(drafts: list[ActionItem], said: list[ActionItem], encoder: Encoder | None) -> set[int]:
    matched: set[int] = set()
    for d, s in _pairs(drafts, said, encoder, lambda d, s, score: score >= SAME_STATEMENT):
        matched.add(id(s))
        changed = False
        said_owner = s.owner or ""
        if d.owner and _named(s) and d.owner.strip().lower() != said_owner.strip().lower():
            _correct(d, "owner", d.owner, said_owner, s)
            changed = True
        if s.due and (d.due_date != s.due_date if d.due_date and s.due_date else not d.due):
            _correct(d, "due", d.due, s.due, s)
            changed = True
        if not changed:
            _confirm(d, s)
    return matched


def _same(drafts: list[T], said: list[T], encoder: Encoder | None) -> set[int]:
    matched: set[int] = set()
    for d, s in _pairs(drafts, said, encoder, lambda d, s, score: score >= SAME_STATEMENT):
        matched.add(id(s))
        _confirm(d, s)
    return matched


def _split(items: list[T]) -> tuple[list[T], list[T]]:
    return [i for i in items if i.origin == "draft"], [i for i in items if i.origin != "draft"]


def without_drafts(pm: Postmortem) -> Postmortem:
    """`pm` (changed) without any draft item: what the meeting itself said."""
    for name in ("timeline", "what_worked", "what_didnt", "action_items", "decisions", "open_questions", "follow_up"):
        setattr(pm, name, [i for i in getattr(pm, name) if i.origin != "draft"])
    pm.root_cause.whys = [i for i in pm.root_cause.whys if i.origin != "draft"]
    for name in IMPACT_FIELDS:
        fact = getattr(pm.impact, name)
        if fact is not None and fact.origin == "draft":
            setattr(pm.impact, name, None)
    if pm.summary is not None and pm.summary.origin == "draft":
        pm.summary = None
    if pm.root_cause.systemic_cause is not None and pm.root_cause.systemic_cause.origin == "draft":
        pm.root_cause.systemic_cause = None
    return pm


def reconcile(pm: Postmortem, meeting: Postmortem, encoder: Encoder | None = None) -> Postmortem:
    """Mark `pm`'s draft items from what `meeting` (an extraction of the meeting) says and return
    `meeting` without the items that were paired with a draft item: what is left is what the meeting
    added. Draft items nothing in the meeting refers to become "not discussed" (unless an earlier
    meeting of the same postmortem discussed them). `meeting` is changed (pass a copy)."""
    without_drafts(meeting)  # a final pass may hand the draft's own items back: they confirm nothing
    kinds: list[tuple[str, Callable[[list[Item], list[Item], Encoder | None], set[int]]]] = [
        ("timeline", _timeline),  # type: ignore[list-item]
        ("action_items", _actions),  # type: ignore[list-item]
        *((name, _same) for name in ("what_worked", "what_didnt", "decisions", "open_questions", "follow_up")),
    ]
    for name, compare in kinds:
        drafts, _ = _split(getattr(pm, name))
        said: list[Item] = getattr(meeting, name)
        matched = compare(drafts, said, encoder)
        setattr(meeting, name, [s for s in said if id(s) not in matched])
    drafts, _ = _split(pm.root_cause.whys)
    matched = _same(drafts, meeting.root_cause.whys, encoder)
    meeting.root_cause.whys = [s for s in meeting.root_cause.whys if id(s) not in matched]
    for single in ("summary", "systemic_cause"):
        owner_d, owner_s = (pm, meeting) if single == "summary" else (pm.root_cause, meeting.root_cause)
        d, s = getattr(owner_d, single), getattr(owner_s, single)
        if d is not None and s is not None and d.origin == "draft" and _same([d], [s], encoder):
            setattr(owner_s, single, None)
    _impact(pm, meeting)
    for item in pm.all_items():
        if item.origin == "draft" and item.draft_state in (None, DraftState.DRAFT):
            item.draft_state = DraftState.NOT_DISCUSSED
    return meeting
