"""What the Markdown export says about an item of a postmortem that started from a draft: from the
draft, confirmed (with the confirming words), corrected (draft value → said value, with the correcting
words), not discussed, or added by the meeting. Read back by `assistant.draft.read_markdown`, which
drops these marks (each starts with one of its known words)."""

from __future__ import annotations

from assistant.domain.postmortem import Correction, DraftState, Evidence, Item, ReviewStatus
from assistant.export.clock import meeting_clock
from assistant.export.mdescape import md_inline

ADDED = "added by the meeting"
_CORRECTION_WORDS = {
    ReviewStatus.PROPOSED: "correction proposed",
    ReviewStatus.ACCEPTED: "corrected",
    ReviewStatus.REJECTED: "correction rejected",
}


def _words(evidence: Evidence) -> str:
    """ "[mm:ss, Who] "quote"" of the words that confirmed or corrected an item."""
    parts: list[str] = []
    if evidence.start is not None:
        speaker = md_inline(evidence.speaker or "")
        place = f"{evidence.recording} " if evidence.recording else ""
        clock = meeting_clock(evidence.start)
        parts.append(f"[{md_inline(place)}{clock}, {speaker}]" if speaker else f"[{md_inline(place)}{clock}]")
    if quote := md_inline(evidence.quote):
        parts.append(f'"{quote}"')
    return " ".join(parts)


def _correction(c: Correction) -> str:
    change = f"{md_inline(c.field)} {md_inline(c.draft_value or '—')} → {md_inline(c.said_value)}"
    words = _words(c.evidence)
    return f"{_CORRECTION_WORDS[c.status]}: {change}" + (f", {words}" if words else "")


def draft_marks(item: Item, drafted: bool) -> list[str]:
    """The mark parts for `item`; `drafted`: the postmortem has a draft (so a meeting item is an addition)."""
    if item.origin != "draft":
        return [ADDED] if drafted else []
    parts = ["draft"]
    if item.draft_state is DraftState.NOT_DISCUSSED:
        parts.append("not discussed")
    if item.confirmed_by is not None and item.draft_state is DraftState.CONFIRMED:
        words = _words(item.confirmed_by)
        parts.append(f"confirmed {words}".strip())
    parts.extend(_correction(c) for c in item.corrections)
    return parts


def draft_legend() -> list[str]:
    return [
        "- *draft*: written before the meeting; *confirmed* / *correction proposed* / *corrected* (draft value → "
        f"said value) / *not discussed*: what the meeting made of it; *{ADDED}*: not in the draft.",
    ]
