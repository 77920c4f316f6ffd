"""Pure text rendering for the UI: items, flags, clocks, the level meter.

Everything returns `rich.text.Text` built from plain strings, never markup: transcript and LLM text is
untrusted ("[/]" in a transcript must not crash the app, "[BLANK_AUDIO]" must stay visible).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from rich.text import Text

from assistant.domain.postmortem import (
    DUE_FLAGS,
    IMPACT_FIELDS,
    OWNER_FLAGS,
    ActionItem,
    Flag,
    ImpactFact,
    Item,
    Postmortem,
    ReviewStatus,
    TimelineEvent,
    WhyStep,
)
from assistant.domain.transcript import Segment
from assistant.export.clock import meeting_clock

FLAG_LABELS: dict[Flag, str] = {
    Flag.NO_OWNER: "no owner",
    Flag.GROUP_OWNER: "group owner",
    Flag.MULTIPLE_OWNERS: "several owners",
    Flag.OWNER_NOT_IN_MEETING: "owner not in meeting",
    Flag.OWNER_UNCONFIRMED: "owner unconfirmed",
    Flag.NO_DUE_DATE: "no due date",
    Flag.VAGUE_DUE_DATE: "vague due date",
    Flag.UNVERIFIED_EVIDENCE: "quote not found",
    Flag.ROOT_CAUSE_PERSON: "blames a person",
    Flag.ROOT_CAUSE_HUMAN_ERROR: "stops at human error",
    Flag.BLAMING_LANGUAGE: "blaming language",
    Flag.INSTRUCTION_LIKE: "instruction to the AI",
}

FLAG_HELP: dict[Flag, str] = {
    Flag.NO_OWNER: "nobody was named as the owner",
    Flag.GROUP_OWNER: "owned by a team or role, not one person",
    Flag.MULTIPLE_OWNERS: "more than one owner named",
    Flag.OWNER_NOT_IN_MEETING: "the owner is not an attendee and was not named in the quote",
    Flag.OWNER_UNCONFIRMED: '"I\'ll …" or a pronoun: confirm who it is',
    Flag.NO_DUE_DATE: "no due date was said",
    Flag.VAGUE_DUE_DATE: '"soon", "next week", …: not a date',
    Flag.UNVERIFIED_EVIDENCE: "the quoted words are not in the transcript",
    Flag.ROOT_CAUSE_PERSON: "the why-chain ends at a person",
    Flag.ROOT_CAUSE_HUMAN_ERROR: 'the why-chain stops at "human error"',
    Flag.BLAMING_LANGUAGE: "wording blames someone (postmortems are blameless)",
    Flag.INSTRUCTION_LIKE: 'cites words spoken to the assistant ("ignore your instructions", dictated JSON)',
}

# Kinds in the order the panels show them: what the meeting must produce first, then the template order.
KIND_TITLES: dict[str, str] = {
    "action_item": "Action items",
    "decision": "Decisions",
    "open_question": "Open questions",
    "summary": "Summary",
    "impact": "Impact",
    "timeline": "Timeline",
    "root_cause": "Root cause",
    "what_worked": "What worked",
    "what_didnt": "What didn't work",
    "follow_up": "Follow-up",
}

ATTENTION_FLAGS = OWNER_FLAGS | DUE_FLAGS
"""Flags that make a new action item worth interrupting the facilitator for (without taking focus)."""

STATUS_GLYPHS: dict[ReviewStatus, tuple[str, str]] = {
    ReviewStatus.PROPOSED: ("○", "bold"),
    ReviewStatus.ACCEPTED: ("✓", "bold green"),
    ReviewStatus.REJECTED: ("✗", "bold red"),
}


@dataclass(frozen=True)
class Group:
    kind: str
    title: str
    items: list[Item]


def grouped_items(pm: Postmortem) -> Iterator[Group]:
    """Non-empty groups of reviewable items, in KIND_TITLES order."""
    impact = [f for f in (getattr(pm.impact, n) for n in IMPACT_FIELDS) if f is not None]
    root: list[Item] = [*pm.root_cause.whys]
    if pm.root_cause.systemic_cause is not None:
        root.append(pm.root_cause.systemic_cause)
    by_kind: dict[str, list[Item]] = {
        "action_item": [*pm.action_items],
        "decision": [*pm.decisions],
        "open_question": [*pm.open_questions],
        "summary": [pm.summary] if pm.summary is not None else [],
        "impact": [*impact],
        "timeline": [*pm.timeline],
        "root_cause": root,
        "what_worked": [*pm.what_worked],
        "what_didnt": [*pm.what_didnt],
        "follow_up": [*pm.follow_up],
    }
    for kind, title in KIND_TITLES.items():
        if by_kind[kind]:
            yield Group(kind, title, by_kind[kind])


def item_headline(item: Item) -> str:
    """The item's main words, with the bits a reader needs to tell items apart (time, field)."""
    if isinstance(item, TimelineEvent) and item.time:
        return f"{item.time} {item.event}"
    if isinstance(item, WhyStep):
        return f"{item.question} → {item.answer}"
    if isinstance(item, ImpactFact):
        return item.value
    return item.main_text()


def flag_text(flags: list[Flag]) -> Text:
    text = Text()
    for n, flag in enumerate(flags):
        if n:
            text.append("  ")
        text.append(f"⚑ {FLAG_LABELS.get(flag, flag.value)}", style="bold yellow")
    return text


def owner_due_text(item: ActionItem) -> Text:
    text = Text()
    text.append(item.owner or "no owner", style="cyan" if item.owner else "dim")
    text.append(", ", style="dim")
    if item.due:
        text.append(f"due {item.due}")
        if item.due_date is not None:
            text.append(f" ({item.due_date.isoformat()})", style="dim")
    elif item.due_date is not None:
        text.append(f"due {item.due_date.isoformat()}")
    else:
        text.append("no due date", style="dim")
    return text


def item_prompt(item: Item, *, fresh: bool = False) -> Text:
    """One proposal as a list entry: status glyph and text, then owner/due and flags on their own lines."""
    glyph, glyph_style = STATUS_GLYPHS[item.status]
    text = Text()
    text.append(f"{glyph} ", style=glyph_style)
    body_style = "dim strike" if item.status is ReviewStatus.REJECTED else ""
    text.append(item_headline(item), style=body_style)
    if item.edited:
        text.append(" ✎", style="dim")
    if fresh:
        text.append(" ")
        text.append(" NEW ", style="bold black on yellow")
    if isinstance(item, ActionItem):
        text.append("\n  ")
        text.append_text(owner_due_text(item))
    if item.flags:
        text.append("\n  ")
        text.append_text(flag_text(item.flags))
    return text


def group_header(group: Group, pm: Postmortem) -> Text:
    flagged = sum(1 for i in group.items if i.flags)
    text = Text(f"{group.title.upper()} ({len(group.items)})", style="bold")
    if group.kind == "root_cause" and pm.root_cause.flags:
        text.append("  ")
        text.append_text(flag_text(pm.root_cause.flags))
    elif flagged:
        text.append(f"  ⚑ {flagged}", style="yellow")
    return text


def segment_line(segment: Segment, *, style: str = "") -> Text:
    """A transcript line: meeting time, speaker (when known) and the words, as plain text."""
    text = Text(style=style)
    text.append(meeting_clock(segment.start), style="dim")
    text.append(" ")
    if segment.speaker:
        text.append(f"{segment.speaker}: ", style="bold")
    text.append(segment.text.strip())
    return text


def clock(seconds: float) -> str:
    """Elapsed meeting time, "mm:ss" or "h:mm:ss"."""
    return meeting_clock(seconds)


METER_CELLS = 10
METER_FLOOR_DBFS = -60.0


def level_meter(level_dbfs: float, cells: int = METER_CELLS) -> Text:
    """A bar for the input level: -60 dBFS (or less) is empty, 0 dBFS is full; red near clipping."""
    frac = (max(METER_FLOOR_DBFS, min(0.0, level_dbfs)) - METER_FLOOR_DBFS) / -METER_FLOOR_DBFS
    filled = round(frac * cells)
    style = "red" if level_dbfs > -3.0 else "green"
    text = Text()
    text.append("█" * filled, style=style)
    text.append("░" * (cells - filled), style="dim")
    return text


SILENT_SIDE = ("no mic audio: muted?", "no call audio: is the call playing through another device?")


def call_meters(levels: tuple[float, float], silent: tuple[bool, bool], cells: int = 6) -> Text:
    """`record --call`: one bar per input, and a warning after a side was silent for a minute."""
    text = Text()
    for i, (name, level) in enumerate(zip(("mic ", "call "), levels, strict=True)):
        text.append("  " if i else "")
        text.append(name, style="dim")
        text.append_text(level_meter(level, cells))
    for i, warn in enumerate(silent):
        if warn:
            text.append(f"  ⚠ {SILENT_SIDE[i]}", style="bold yellow")
    return text


def one_line(value: str, limit: int = 120) -> str:
    """Untrusted text for a notification title or a status line: one line, bounded."""
    flat = " ".join(value.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
