"""What the Markdown export says about an item of a postmortem that started from a draft: from the
draft, confirmed (with the confirming words), corrected (draft value → said value, with the correcting
words), not discussed, or added by the meeting. Read back by `assistant.draft.read_markdown`, which
drops these marks (each starts with one of its known words)."""

from __future__ import annotations

from dataclasses import dataclass, field

from assistant.domain.postmortem import Correction, DraftState, Evidence, Item, MeetingDetails, ReviewStatus
from assistant.export.clock import meeting_clock
from assistant.export.mdescape import md_inline

ADDED = "added by the meeting"
_CORRECTION_WORDS = {
    ReviewStatus.PROPOSED: "correction proposed",
    ReviewStatus.ACCEPTED: "corrected",
    ReviewStatus.REJECTED: "correction rejected",
}


@dataclass(frozen=True)
class Doc:
    """What every line of one document is rendered with: whether the postmortem has a draft, and its
    details (for a postmortem recorded in several sessions, which session a time is in)."""

    drafted: bool = False
    details: MeetingDetails = field(default_factory=MeetingDetails)

    def said_at(self, evidence: Evidence) -> str | None:
        """ "[mm:ss]" where the words were said, with who said them when known: "[mm:ss, Omar]"; in a
        postmortem of several sessions the session and its own clock: "[2 · 01:05, Omar]"."""
        start = evidence.start
        if start is None:
            return None
        part = self.details.part_at(start)
        clock = meeting_clock(start - part.start_s) if part else meeting_clock(start)
        if part:
            clock = f"{part.index} · {clock}"
        speaker = md_inline(evidence.speaker or "")
        return f"[{clock}, {speaker}]" if speaker else f"[{clock}]"


PLAIN = Doc()


def _words(evidence: Evidence, doc: Doc) -> str:
    """ "[mm:ss, Who] "quote"" of the words that confirmed or corrected an item."""
    parts: list[str] = []
    if place := doc.said_at(evidence):
        parts.append(place)
    if quote := md_inline(evidence.quote):
        parts.append(f'"{quote}"')
    return " ".join(parts)


def _correction(c: Correction, doc: Doc) -> str:
    change = f"{md_inline(c.field)} {md_inline(c.draft_value or '—')} → {md_inline(c.said_value)}"
    words = _words(c.evidence, doc)
    return f"{_CORRECTION_WORDS[c.status]}: {change}" + (f", {words}" if words else "")


def draft_marks(item: Item, doc: Doc) -> list[str]:
    """The mark parts for `item`; `doc.drafted`: the postmortem has a draft (so a meeting item is an addition)."""
    if item.origin != "draft":
        return [ADDED] if doc.drafted else []
    parts = ["draft"]
    if item.draft_state is DraftState.NOT_DISCUSSED:
        parts.append("not discussed")
    if item.confirmed_by is not None and item.draft_state is DraftState.CONFIRMED:
        words = _words(item.confirmed_by, doc)
        parts.append(f"confirmed {words}".strip())
    parts.extend(_correction(c, doc) for c in item.corrections)
    return parts


def draft_legend() -> list[str]:
    return [
        "- *draft*: written before the meeting; *confirmed* / *correction proposed* / *corrected* (draft value → "
        f"said value) / *not discussed*: what the meeting made of it; *{ADDED}*: not in the draft.",
    ]
