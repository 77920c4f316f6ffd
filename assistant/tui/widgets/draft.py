"""What the review shows of a postmortem that started from a draft (`prepare --draft`): per item, the
draft value and the value said side by side with the correcting words; overall, how many draft items the
meeting confirmed or corrected and which it never discussed (for the facilitator to ask about). All
text goes through rich `Text`, never markup: it holds transcript words."""

from __future__ import annotations

from rich.text import Text

from assistant.checks.template import template_notes
from assistant.domain.postmortem import DraftState, Evidence, Item, Postmortem, ReviewStatus
from assistant.export.clock import meeting_clock
from assistant.tui.format import item_headline, one_line

_STATE = {
    DraftState.DRAFT: ("from the draft", "dim"),
    DraftState.CONFIRMED: ("from the draft · confirmed by the meeting", "green"),
    DraftState.CORRECTED: ("from the draft · the meeting corrected it", "bold magenta"),
    DraftState.NOT_DISCUSSED: ("from the draft · not discussed yet", "yellow"),
}


def _words(evidence: Evidence) -> str:
    when = f"{meeting_clock(evidence.start)} " if evidence.start is not None else ""
    return f"{when}“{evidence.quote}”" if evidence.quote else when.strip()


def draft_detail(item: Item, *, drafted: bool) -> Text:
    """Lines to add under the item's detail: empty for a postmortem without a draft."""
    text = Text()
    if item.origin != "draft":
        if drafted:
            text.append("\nadded by the meeting (not in the draft)", style="cyan")
        return text
    label, style = _STATE[item.draft_state or DraftState.DRAFT]
    text.append(f"\n{label}", style=style)
    if item.confirmed_by is not None and item.draft_state is DraftState.CONFIRMED:
        text.append(f"\n{_words(item.confirmed_by)}", style="italic")
    for c in item.corrections:
        text.append(f"\n{c.field}: ", style="bold")
        text.append(f"draft {c.draft_value or '—'}", style="dim" if c.status is ReviewStatus.ACCEPTED else "")
        text.append("  →  ")
        text.append(f"said {c.said_value}", style="bold" if c.status is not ReviewStatus.REJECTED else "dim")
        text.append(f"  ({'correction ' + c.status.value})", style="magenta")
        if words := _words(c.evidence):
            text.append(f"\n  {words}", style="italic")
    if any(c.status is ReviewStatus.PROPOSED for c in item.corrections):
        text.append("\na accepts the correction, x keeps the draft value", style="dim")
    return text


def draft_overview(pm: Postmortem) -> Text | None:
    """One line for the top of the review (None without a draft), then the template's notes."""
    drafts = [i for i in pm.all_items() if i.origin == "draft"]
    if not drafts:
        return None
    confirmed = sum(1 for i in drafts if i.draft_state is DraftState.CONFIRMED)
    pending = sum(1 for i in drafts for c in i.corrections if c.status is ReviewStatus.PROPOSED)
    missing = [i for i in drafts if i.draft_state in (DraftState.NOT_DISCUSSED, DraftState.DRAFT)]
    text = Text()
    text.append("Draft: ", style="bold")
    text.append(f"{confirmed} confirmed", style="green")
    text.append(" · ")
    text.append(f"{pending} correction(s) to review", style="bold magenta" if pending else "")
    text.append(" · ")
    text.append(f"{len(missing)} not discussed", style="yellow" if missing else "")
    if missing:
        text.append(": " + "; ".join(one_line(item_headline(i), 40) for i in missing[:6]))
        if len(missing) > 6:
            text.append(f"; … {len(missing) - 6} more")
    for note in template_notes(pm):
        text.append(f"\nⓘ {note.text}", style="dim")
    return text


def notes_text(pm: Postmortem) -> str:
    """The template's notes as plain lines (for a notification); a line saying none when all are met."""
    notes = template_notes(pm)
    return "\n".join(f"ⓘ {n.text}" for n in notes) or "The postmortem meets the template's rules."
