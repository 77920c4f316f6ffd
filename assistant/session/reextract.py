"""Re-extract from a corrected transcript line: what the rules read now in it.

The rules engine (`assistant.extraction.rules`) reads a whole meeting in well under a second and needs
no LLM, so a correction can be followed by a fresh reading at a key press. The reading is matched back
to the items citing the line by section and cited lines (most shared lines, then the closest text):
those take the new reading's content fields (their id, review history and draft state stay); items the
line no longer supports are reported, not deleted (a person rejects them); and what the corrected line
says that no item held yet ("Pre-a will…" read as nothing, "Priya will…" as an action item) comes back
as new proposals.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from rapidfuzz import fuzz

from assistant.domain.postmortem import IMPACT_FIELDS, Item, MeetingDetails, Postmortem
from assistant.domain.transcript import Transcript
from assistant.extraction.rules.detect import read_transcript
from assistant.session.review import LIST_SECTIONS, editable_fields

_OWN_STATE = ("origin", "draft_state", "confirmed_by", "corrections", "item_status")
"""Fields that are the item's own history, never taken from a fresh reading."""


@dataclass
class LineReading:
    updates: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Item id → its fields (content and evidence) as read again."""
    unsupported: list[str] = field(default_factory=list)
    """Items citing the line that the corrected text no longer reads as an item of their kind."""
    new: Postmortem | None = None
    """Items the corrected line yields that no item citing it held (None when there are none)."""


def reread_line(segment_id: int, pm: Postmortem, transcript: Transcript, details: MeetingDetails) -> LineReading:
    """What `transcript` (corrected, with speaker names) says at line `segment_id`, against the items of `pm`
    citing it. Pure: nothing is changed, so a worker thread may call it on copies."""
    found = read_transcript(transcript.segments, details).postmortem
    reading = LineReading()
    taken: set[int] = set()
    for item in pm.all_items():
        if segment_id not in item.evidence.segment_ids or item is pm.summary:
            continue
        candidates = [c for c in _sections(found, _section_of(item, pm)) if id(c) not in taken]
        match = _best(item, candidates)
        if match is None:
            reading.unsupported.append(item.id)
            continue
        taken.add(id(match))
        fields = {n: getattr(match, n) for n in editable_fields(item) if n in type(match).model_fields}
        for name in _OWN_STATE:
            fields.pop(name, None)
        fields["evidence"] = match.evidence.model_copy(deep=True)
        reading.updates[item.id] = fields
    new = _only(found, lambda c: id(c) not in taken and segment_id in c.evidence.segment_ids)
    reading.new = new if new.all_items() else None
    return reading


def _section_of(item: Item, pm: Postmortem) -> str:
    for name in LIST_SECTIONS:
        if any(i is item for i in getattr(pm, name)):
            return name
    if any(i is item for i in pm.root_cause.whys):
        return "whys"
    if item is pm.root_cause.systemic_cause:
        return "systemic_cause"
    return next((name for name in IMPACT_FIELDS if item is getattr(pm.impact, name)), "")


def _sections(pm: Postmortem, name: str) -> list[Item]:
    if name in LIST_SECTIONS:
        return list(getattr(pm, name))
    if name == "whys":
        return list(pm.root_cause.whys)
    single = pm.root_cause.systemic_cause if name == "systemic_cause" else getattr(pm.impact, name, None)
    return [single] if single is not None else []


def _best(item: Item, candidates: Iterable[Item]) -> Item | None:
    cited = set(item.evidence.segment_ids)
    scored = []
    for cand in candidates:
        shared = len(cited.intersection(cand.evidence.segment_ids))
        if shared:
            scored.append((shared, fuzz.token_set_ratio(item.main_text(), cand.main_text()), cand))
    if not scored:
        return None
    return max(scored, key=lambda t: (t[0], t[1]))[2]


def _only(pm: Postmortem, keep: Any) -> Postmortem:
    """A copy of `pm` holding only the items `keep` accepts (no summary: the rules write none)."""
    out = Postmortem(details=pm.details)
    for name in LIST_SECTIONS:
        setattr(out, name, [i for i in getattr(pm, name) if keep(i)])
    out.root_cause.whys = [i for i in pm.root_cause.whys if keep(i)]
    cause = pm.root_cause.systemic_cause
    out.root_cause.systemic_cause = cause if cause is not None and keep(cause) else None
    for name in IMPACT_FIELDS:
        fact = getattr(pm.impact, name)
        setattr(out.impact, name, fact if fact is not None and keep(fact) else None)
    return out.model_copy(deep=True)
