"""The postmortem as a Markdown document following the template (shared/docs/postmortem-template.md).

Every template section is always written, in template order: an empty section says so instead of
disappearing, so a reader can tell "nothing was said" from "the exporter dropped it".
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from assistant.checks.coverage import SECTION_TITLES as _SECTIONS
from assistant.checks.template import TemplateNote, template_notes
from assistant.domain.postmortem import (
    IMPACT_FIELDS,
    ActionItem,
    Flag,
    ImpactFact,
    Item,
    MeetingDetails,
    Postmortem,
    ReviewStatus,
    TextItem,
    WhyStep,
    WindowStatus,
)
from assistant.export.clock import meeting_clock
from assistant.export.draftmarks import PLAIN, Doc, draft_legend, draft_marks
from assistant.export.mdescape import md_cell, md_inline

# One list of the template's sections for the checks (coverage) and the renderer.
SECTION_TITLES: tuple[str, ...] = tuple(_SECTIONS.values())
"""The template's sections, in order; each is rendered as a `##` heading."""

LEGEND_TITLE = "Flags"
NOTES_TITLE = "**Template notes**"

NOTHING_YET = "_Nothing proposed yet._"
NO_VALUE = "—"

ACTION_TABLE_HEADER = ("Owner", "Action", "Due", "Status")

IMPACT_LABELS: dict[str, str] = {
    "duration": "Duration",
    "users_affected": "Users affected",
    "revenue": "Revenue",
    "sla": "SLA",
    "tickets": "Support tickets",
}

FLAG_EXPLANATIONS: dict[Flag, str] = {
    Flag.NO_OWNER: "No owner was named for this action item.",
    Flag.GROUP_OWNER: 'The owner is a group ("the team", "someone", "we"), not one named person.',
    Flag.MULTIPLE_OWNERS: "Several people were named; an action item needs exactly one owner.",
    Flag.OWNER_NOT_IN_MEETING: "The owner is not among the attendees; make sure they know and agree.",
    Flag.OWNER_UNCONFIRMED: "The named owner did not confirm taking the item during the meeting.",
    Flag.NO_DUE_DATE: "No due date was given.",
    Flag.VAGUE_DUE_DATE: 'The due date is not concrete ("soon", "sometime").',
    Flag.UNVERIFIED_EVIDENCE: "The quoted words were not found in the transcript; check the recording.",
    Flag.ROOT_CAUSE_PERSON: "The root-cause chain stops at a person; ask why the system allowed it.",
    Flag.ROOT_CAUSE_HUMAN_ERROR: 'The root-cause chain stops at "human error", which is never a root cause.',
    Flag.BLAMING_LANGUAGE: "The wording blames a person; a postmortem is blameless.",
    Flag.INSTRUCTION_LIKE: "The cited words were spoken to the assistant, not agreed in the meeting; check them.",
}


def render_markdown(
    pm: Postmortem, *, include_rejected: bool = False, action_items: Sequence[str] | None = None
) -> str:
    """Render `pm` as Markdown. Rejected items are left out unless `include_rejected`.

    `action_items`, when given, are the lines of the action items section in place of its table (the
    Obsidian export writes them as task lines); they must already be escaped.
    """
    blocks: list[list[str]] = [[f"# Postmortem: {md_inline(_title(pm.details))}"]]
    if pm.failed_windows:
        blocks.append(_failed_windows_warning(pm.failed_windows))
    if notes := template_notes(pm):
        blocks.append(_template_notes(notes))
    sections = _Sections(pm, include_rejected)
    bodies = (
        sections.details(),
        sections.summary(),
        sections.impact(),
        sections.timeline(),
        sections.root_causes(),
        sections.text_list(pm.what_worked),
        sections.text_list(pm.what_didnt),
        sections.action_items() if action_items is None else list(action_items),
        sections.text_list(pm.decisions),
        sections.text_list(pm.open_questions),
        sections.text_list(pm.follow_up),
    )
    for title, body in zip(SECTION_TITLES, bodies, strict=True):
        blocks.append([f"## {title}"])
        blocks.append(body or [NOTHING_YET])
    blocks.append([f"## {LEGEND_TITLE}"])
    blocks.append(_legend() + (draft_legend() if sections.drafted else []))
    return "\n\n".join("\n".join(block) for block in blocks) + "\n"


def _title(details: MeetingDetails) -> str:
    for candidate in (details.title, details.incident_id):
        if candidate and candidate.strip():
            return candidate
    return "Incident"


def _failed_windows_warning(windows: Sequence[WindowStatus]) -> list[str]:
    count = len(windows)
    parts = "1 part" if count == 1 else f"{count} parts"
    lines = [
        f"> **⚠ Incomplete draft: {parts} of the recording could not be analysed.**",
        "> Anything said in these time ranges is missing below; check the transcript for it.",
        ">",
    ]
    for w in windows:
        attempts = "1 attempt" if w.attempts == 1 else f"{w.attempts} attempts"
        reason = md_inline(w.error or "") or "unknown error"
        lines.append(f"> - {meeting_clock(w.start)}–{meeting_clock(w.end)} ({attempts}): {reason}")
    return lines


def _template_notes(notes: Sequence[TemplateNote]) -> list[str]:
    # Notes, not errors: the document is still complete and publishable; the facilitator decides.
    # Not a blockquote: in our documents a quote is only ever the incomplete-draft warning.
    lines = [f"{NOTES_TITLE} (rules of the postmortem template this draft does not meet yet):", ""]
    lines.extend(f"- `{n.kind.value}`: {md_inline(n.text)}" for n in notes)
    return lines


def _legend() -> list[str]:
    lines = [
        "⚠ marks a problem found automatically: fix it, or keep the item knowingly. Items marked "
        "*proposed* were drafted by the assistant and not yet accepted by the facilitator.",
        "",
    ]
    lines.extend(f"- `{flag.value}`: {text}" for flag, text in FLAG_EXPLANATIONS.items())
    return lines


def _said_at(item: Item, doc: Doc = PLAIN) -> str | None:
    """ "[mm:ss]" where the evidence was said, with who said it when known: "[mm:ss, Omar]"."""
    return doc.said_at(item.evidence)


def _flag_list(flags: Iterable[Flag]) -> str:
    values = [f.value for f in flags]
    return f"⚠ {', '.join(values)}" if values else ""


def _marks(item: Item, doc: Doc = PLAIN) -> str:
    """Review status (when not yet accepted), flags and, in a postmortem with a draft, what the meeting
    made of the item, e.g. " *(proposed · ⚠ no_owner)*", " *(draft · confirmed [01:05] "…")*"."""
    parts = [] if item.status is ReviewStatus.ACCEPTED else [item.status.value]
    if flags := _flag_list(item.flags):
        parts.append(flags)
    parts.extend(draft_marks(item, doc))
    return f" *({' · '.join(parts)})*" if parts else ""


def _line(item: Item, text: str, *, marks: bool = True, doc: Doc = PLAIN) -> str:
    """One item as inline Markdown: "[mm:ss] text *(marks)*"; `text` must already be escaped."""
    said = _said_at(item, doc)
    prefix = f"{said} " if said else ""
    return f"{prefix}{text}{_marks(item, doc) if marks else ''}"


def _table(header: Sequence[str], rows: Iterable[Sequence[str]]) -> list[str]:
    """A GFM table; cells must already be escaped with md_cell."""
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines.extend("| " + " | ".join(row) + " |" for row in rows)
    return lines


def _why_text(why: WhyStep) -> str:
    question = md_inline(why.question) or "Why?"
    return f"{question} → {md_inline(why.answer) or NO_VALUE}"


def _evidence(item: Item, doc: Doc = PLAIN) -> str:
    quote = md_inline(item.evidence.quote)
    parts = [p for p in (_said_at(item, doc), f'"{quote}"' if quote else None) if p]
    return " ".join(parts) or NO_VALUE


def _due(item: ActionItem) -> str:
    spoken = md_inline(item.due or "")
    if item.due_date is None:
        return spoken or NO_VALUE
    iso = item.due_date.isoformat()
    return f"{spoken} ({iso})" if spoken else iso


def _action_status(item: ActionItem, doc: Doc = PLAIN) -> str:
    parts = [item.item_status, item.status.value]
    if flags := _flag_list(item.flags):
        parts.append(flags)
    parts.extend(draft_marks(item, doc))
    return " · ".join(parts)


class _Sections:
    """Section bodies as lists of lines; an empty list means the section has nothing to show."""

    def __init__(self, pm: Postmortem, include_rejected: bool) -> None:
        self._pm = pm
        self._include_rejected = include_rejected
        self._drafted = any(item.origin == "draft" for item in pm.all_items())
        self._doc = Doc(self._drafted, pm.details)

    @property
    def drafted(self) -> bool:
        return self._drafted

    def _shown(self, item: Item | None) -> bool:
        return item is not None and (self._include_rejected or item.status is not ReviewStatus.REJECTED)

    def details(self) -> list[str]:
        # Always every field: a blank field is as informative as a filled one before publishing.
        d = self._pm.details
        incident = [md_inline(d.incident_id or "")] if d.incident_id else []
        if d.severity:
            incident.append(f"severity {md_inline(d.severity)}")
        fields = {
            "Date": d.date.isoformat() if d.date else "",
            "Facilitator": md_inline(d.facilitator or ""),
            "Attendees": ", ".join(a for a in (md_inline(x) for x in d.attendees) if a),
            "Planned duration": f"{d.planned_duration_min} min" if d.planned_duration_min is not None else "",
            "Incident": ", ".join(i for i in incident if i),
            "Incident date": d.incident_date.isoformat() if d.incident_date else "",
            "Recording": md_inline(d.recording or ""),
            "Recording duration": meeting_clock(d.duration_s) if d.duration_s is not None else "",
        }
        if len(d.parts) > 1:  # times below read "[2 · 01:05]": session 2, 1 min 5 s into it
            fields["Sessions"] = "; ".join(
                f"{p.index}: {p.date.isoformat() if p.date else NO_VALUE}, from {meeting_clock(p.start_s)}"
                for p in d.parts
            )
        return [f"- **{label}:** {value or NO_VALUE}" for label, value in fields.items()]

    def summary(self) -> list[str]:
        s = self._pm.summary
        if s is None or not self._shown(s):
            return []
        return [_line(s, md_inline(s.text), doc=self._doc)]

    def impact(self) -> list[str]:
        facts: dict[str, ImpactFact | None] = {name: getattr(self._pm.impact, name) for name in IMPACT_FIELDS}
        shown = {name: fact for name, fact in facts.items() if fact is not None and self._shown(fact)}
        if not shown:
            return []
        rows: list[tuple[str, str, str]] = []
        for name in IMPACT_FIELDS:
            fact = shown.get(name)
            if fact is None:
                rows.append((IMPACT_LABELS[name], NO_VALUE, NO_VALUE))
            else:
                rows.append(
                    (IMPACT_LABELS[name], f"{md_cell(fact.value)}{_marks(fact, self._doc)}", _evidence(fact, self._doc))
                )
        return _table(("Field", "Value", "Evidence"), rows)

    def timeline(self) -> list[str]:
        events = [e for e in self._pm.timeline if self._shown(e)]
        if not events:
            return []
        rows = (
            (md_cell(e.time), f"{md_cell(e.event)}{_marks(e, self._doc)}", _said_at(e, self._doc) or NO_VALUE)
            for e in events
        )
        return _table(("Time", "Event", "Said at"), rows)

    def root_causes(self) -> list[str]:
        rc = self._pm.root_cause
        whys = [w for w in rc.whys if self._shown(w)]
        systemic = rc.systemic_cause if self._shown(rc.systemic_cause) else None
        lines = [f"{n}. {_line(why, _why_text(why), doc=self._doc)}" for n, why in enumerate(whys, start=1)]
        if whys or systemic:
            if lines:
                lines.append("")
            # A chain without its systemic cause is unfinished; say so rather than end on the last why.
            cause = _line(systemic, md_inline(systemic.text), doc=self._doc) if systemic else "_not identified yet._"
            lines.append(f"**Systemic cause:** {cause}")
        if rc.flags:
            # Chain-level flags are shown even with no visible steps: they may concern rejected ones.
            if not lines:
                lines.append(NOTHING_YET)
            lines.extend(["", f"**Chain flags:** {_flag_list(rc.flags)}"])
        return lines

    def text_list(self, items: Sequence[TextItem]) -> list[str]:
        return [f"- {_line(i, md_inline(i.text), doc=self._doc)}" for i in items if self._shown(i)]

    def action_items(self) -> list[str]:
        items = [a for a in self._pm.action_items if self._shown(a)]
        if not items:
            return []
        rows = (
            # Status and flags have their own column here, so not repeated after the action text.
            (
                md_cell(a.owner),
                _line(a, md_cell(a.action), marks=False, doc=self._doc),
                _due(a),
                _action_status(a, self._doc),
            )
            for a in items
        )
        return _table(ACTION_TABLE_HEADER, rows)
