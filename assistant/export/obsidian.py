"""The postmortem as an Obsidian note: YAML front matter (Obsidian's properties) and the Markdown body,
with the action items as task lines the Tasks plugin reads (`📅 YYYY-MM-DD` due dates, `- [x]` done).

The front matter is written by a YAML emitter, never by string formatting: attendee names and incident
ids are untrusted text, and a `:`, `#`, quote or newline in one must stay inside its value.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import yaml

from assistant.domain.postmortem import Postmortem
from assistant.export.markdown import render_markdown
from assistant.export.mdescape import md_inline
from assistant.export.plaintext import one_line
from assistant.export.tracker import NEEDS_DUE_DATE, NEEDS_OWNER, POSTMORTEM_LABEL, TrackerItem

NOTE_TYPE = "postmortem"

# Obsidian reads `#word` anywhere in text as a tag and `%%` as the start of a hidden comment; as HTML
# entities they render as the characters said, and are neither. They are swapped for private-use
# placeholders around md_inline, which must not see a leading `#` (it would escape it a second time).
_OBSIDIAN_SYNTAX = {"#": ("\ue000", "&#35;"), "%": ("\ue001", "&#37;")}
# A tag holds letters, digits, `_`, `-` and `/`, and not only digits.
_NOT_TAG = re.compile(r"[^\w/-]+")


def obsidian_inline(text: str) -> str:
    """Untrusted text for one line of an Obsidian note: md_inline, and no tags or comments of its own."""
    for char, (placeholder, _) in _OBSIDIAN_SYNTAX.items():
        text = text.replace(placeholder, "").replace(char, placeholder)
    out = md_inline(text)
    for placeholder, entity in _OBSIDIAN_SYNTAX.values():
        out = out.replace(placeholder, entity)
    return out


def obsidian_tag(text: str) -> str | None:
    tag = _NOT_TAG.sub("-", one_line(text)).strip("-")
    if not tag:
        return None
    return tag if not tag.isdigit() else f"incident-{tag}"


def front_matter(pm: Postmortem, session: str) -> dict[str, object]:
    d = pm.details
    tags = [POSTMORTEM_LABEL]
    if d.incident_id and (tag := obsidian_tag(d.incident_id)) and tag not in tags:
        tags.append(tag)
    return {
        "date": d.date,  # a YAML date: Obsidian shows it as a Date property
        "incident": one_line(d.incident_id or "") or None,
        "severity": one_line(d.severity or "") or None,
        "attendees": [name for name in (one_line(a) for a in d.attendees) if name],
        "tags": tags,
        "type": NOTE_TYPE,
        "session": one_line(session),
    }


def task_lines(items: Sequence[TrackerItem]) -> list[str]:
    """Each item as a task line and, under it, where it was said.

    The owner comes before the due date on purpose: the Tasks plugin reads its emoji fields from the
    end of the line and stops at the first text it does not know, so `📅 date 👤 name` would lose the date.
    """
    lines: list[str] = []
    for item in items:
        parts = [f"- [{'x' if item.done else ' '}] {obsidian_inline(item.action) or 'Action item'}"]
        if item.proposed:
            parts.append("*(proposed)*")
        if item.owner:
            parts.append(f"👤 {obsidian_inline(item.owner)}")
        if item.due:
            parts.append(f"📅 {item.due}")
        parts.extend(f"#{flag}" for flag in (NEEDS_OWNER, NEEDS_DUE_DATE) if flag in item.labels)
        lines.append(" ".join(parts))
        lines.append(f"    - {_said(item)}")
    return lines


def _said(item: TrackerItem) -> str:
    where = ", ".join(obsidian_inline(x) for x in (item.said_at or "", item.speaker or "") if x)
    said = f"[{where}] " if where else ""
    quote = f'"{obsidian_inline(item.quote)}"' if item.quote else "(no quote recorded)"
    extra = []
    if item.owner is None and item.owner_as_said:
        extra.append(f"owner as said: {obsidian_inline(item.owner_as_said)}")
    if item.due is None and item.due_as_said:
        extra.append(f'due as said: "{obsidian_inline(item.due_as_said)}"')
    return said + quote + "".join(f" · {x}" for x in extra)


def render_obsidian(pm: Postmortem, items: Sequence[TrackerItem], *, session: str) -> str:
    """Front matter between `---` lines, then the postmortem's Markdown with `items` as its action items."""
    matter = yaml.safe_dump(
        front_matter(pm, session), sort_keys=False, allow_unicode=True, default_flow_style=False, width=10_000
    )
    return f"---\n{matter}---\n\n{render_markdown(pm, action_items=task_lines(items))}"
