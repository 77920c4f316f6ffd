"""What the search index holds of one session: its transcript lines and its items, as flat rows.

Pure conversion from the domain models (no I/O, no session import), so the session store's save hook and
the rebuild from files produce exactly the same rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from assistant.domain.postmortem import IMPACT_FIELDS, ActionItem, Item, Postmortem
from assistant.domain.transcript import Segment

LINE = "line"
"""The kind of a transcript line; every other kind names an item's section."""


@dataclass(frozen=True)
class Doc:
    kind: str
    """`line`, or the item's section: summary, impact, timeline, why, systemic_cause, what_worked,
    what_didnt, action, decision, open_question, follow_up."""
    ref: str
    """The segment id of a line, the item id of an item."""
    text: str
    """What is shown and searched: the line as said, the item's main text."""
    extra: str = ""
    """Searched, weighted lower, not shown: an action's owner and due date."""
    start: float | None = None
    end: float | None = None
    speaker: str | None = None
    status: str | None = None
    """An item's review status (proposed, accepted, rejected); None for a line."""


def line_docs(segments: Iterable[Segment]) -> list[Doc]:
    """One row per line; `segments` should carry speaker names (`Session.named_transcript`)."""
    return [Doc(LINE, str(s.id), s.text, "", s.start, s.end, s.speaker) for s in segments if s.text.strip()]


def item_docs(pm: Postmortem) -> list[Doc]:
    """One row per item, rejected ones included: they are part of the record (the JSON export keeps them
    too) and a hit shows its status."""
    docs = []
    for kind, item in sectioned_items(pm):
        extra = ""
        if isinstance(item, ActionItem):
            extra = " ".join(part for part in (item.owner, item.due) if part)
        ev = item.evidence
        docs.append(Doc(kind, item.id, item.main_text(), extra, ev.start, ev.end, ev.speaker, item.status.value))
    return [d for d in docs if d.text.strip()]


def sectioned_items(pm: Postmortem) -> Iterator[tuple[str, Item]]:
    """Every item with the name of its section, in document order (as `Postmortem.all_items`)."""
    if pm.summary:
        yield "summary", pm.summary
    for name in IMPACT_FIELDS:
        fact = getattr(pm.impact, name)
        if fact is not None:
            yield "impact", fact
    yield from (("timeline", i) for i in pm.timeline)
    yield from (("why", i) for i in pm.root_cause.whys)
    if pm.root_cause.systemic_cause:
        yield "systemic_cause", pm.root_cause.systemic_cause
    yield from (("what_worked", i) for i in pm.what_worked)
    yield from (("what_didnt", i) for i in pm.what_didnt)
    yield from (("action", i) for i in pm.action_items)
    yield from (("decision", i) for i in pm.decisions)
    yield from (("open_question", i) for i in pm.open_questions)
    yield from (("follow_up", i) for i in pm.follow_up)
