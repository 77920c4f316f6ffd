"""The tracker view of a postmortem's action items, shared by every tracker export (Jira, Linear, GitHub,
Obsidian): which items go out, who they are assigned to, their labels and what their description says.

Deciding this once keeps the formats consistent: they differ in syntax only, never in which items they
hold or how an owner is mapped. Pure: no I/O, no printing (the command reports unmapped owners).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from assistant.domain.postmortem import ActionItem, Flag, MeetingDetails, Postmortem, ReviewStatus
from assistant.export.clock import meeting_clock
from assistant.export.plaintext import one_line

POSTMORTEM_LABEL = "postmortem"
NEEDS_OWNER = "needs-owner"
NEEDS_DUE_DATE = "needs-due-date"

TITLE_LIMIT = 255
"""Characters in a title: Jira's summary limit (GitHub's is 256). A longer action is cut, and given whole
in the description."""
LABEL_LIMIT = 50
"""Characters in a label: GitHub's limit, the strictest of the trackers."""

# An owner with one of these flags is not one named person, so the item must not be assigned to anyone:
# "the team", "someone", or "Dana and Marco" would put the work on the wrong person or on nobody.
_NOT_ONE_OWNER = frozenset({Flag.NO_OWNER, Flag.GROUP_OWNER, Flag.MULTIPLE_OWNERS})

# Labels are one token everywhere: Jira refuses spaces in a label and Linear's CSV separates labels by commas.
_LABEL_SEPARATORS = re.compile(r"[\s,]+")


@dataclass(frozen=True)
class TrackerItem:
    """One action item as a tracker issue. Every text is one line except `description` (our own lines)."""

    action: str
    """The action as said or edited, on one line."""
    title: str
    """`action`, cut to TITLE_LIMIT characters."""
    description: str
    """Owner, due date, the quote with its time and speaker, incident, session (see `_description`)."""
    owner: str | None
    """The one named owner, as said; None when no single person was named."""
    owner_as_said: str | None
    """What was said about the owner, even when it is not one person ("the team", "Dana and Marco")."""
    assignee: str | None
    """The tracker user: the owner's `[people]` entry, else the owner's name; None without one owner."""
    mapped: bool
    """True when `assignee` comes from `[people]`."""
    due: str | None
    """The due date as YYYY-MM-DD, when what was said resolved to a calendar date."""
    due_as_said: str | None
    quote: str
    said_at: str | None
    """Where the quote was said in the recording ("mm:ss"), when known."""
    speaker: str | None
    labels: tuple[str, ...]
    done: bool
    proposed: bool
    """Not yet accepted in review (exported only with `include_proposed`)."""


def label(text: str) -> str:
    """`text` as a tracker label: one token (whitespace and commas become `-`), never starting with `-` (it
    would read as an option on a command line), at most LABEL_LIMIT long."""
    return _LABEL_SEPARATORS.sub("-", one_line(text)).strip("-")[:LABEL_LIMIT]


def _name_key(name: str) -> str:
    # ASR and people type names with varying case and spacing ("david", "David "); one person either way.
    return " ".join(name.split()).casefold()


def people_index(people: Mapping[str, str]) -> dict[str, str]:
    """The `[people]` table keyed for lookup by `_name_key`; entries with an empty user are ignored."""
    return {_name_key(name): user.strip() for name, user in people.items() if name.strip() and user.strip()}


def tracker_items(
    pm: Postmortem, *, session: str, people: Mapping[str, str] | None = None, include_proposed: bool = False
) -> list[TrackerItem]:
    """The action items a tracker should get, in document order: accepted ones, and proposed ones too with
    `include_proposed`; rejected ones never (someone decided they are not work to do)."""
    index = people_index(people or {})
    wanted = {ReviewStatus.ACCEPTED, ReviewStatus.PROPOSED} if include_proposed else {ReviewStatus.ACCEPTED}
    return [_tracker_item(a, pm.details, session, index) for a in pm.action_items if a.status in wanted]


def unmapped_owners(items: Iterable[TrackerItem]) -> list[str]:
    """Owners with no `[people]` entry, once each, in order of appearance."""
    seen: dict[str, str] = {}
    for item in items:
        if item.owner and not item.mapped:
            seen.setdefault(_name_key(item.owner), item.owner)
    return list(seen.values())


def incident_label(details: MeetingDetails) -> str | None:
    return label(details.incident_id or "") or None


def _tracker_item(item: ActionItem, details: MeetingDetails, session: str, index: Mapping[str, str]) -> TrackerItem:
    action = one_line(item.action)
    said = one_line(item.owner or "") or None
    owner = said if said and not _NOT_ONE_OWNER.intersection(item.flags) else None
    user = index.get(_name_key(owner)) if owner else None
    due = item.due_date.isoformat() if item.due_date else None
    labels = [POSTMORTEM_LABEL]
    if incident := incident_label(details):
        labels.append(incident)
    if owner is None:
        labels.append(NEEDS_OWNER)
    if due is None:
        labels.append(NEEDS_DUE_DATE)
    ev = item.evidence
    view = TrackerItem(
        action=action,
        title=_title(action),
        description="",
        owner=owner,
        owner_as_said=said,
        assignee=user or owner,
        mapped=user is not None,
        due=due,
        due_as_said=one_line(item.due or "") or None,
        quote=one_line(ev.quote),
        said_at=meeting_clock(ev.start) if ev.start is not None else None,
        speaker=one_line(ev.speaker or "") or None,
        labels=tuple(dict.fromkeys(labels)),  # an incident called "postmortem" must not repeat the label
        done=item.item_status == "done",
        proposed=item.status is ReviewStatus.PROPOSED,
    )
    # The description is written from the view itself, so it says exactly what the other fields hold.
    lines = _description(view, details, session, [f.value for f in item.flags])
    return replace(view, description="\n".join(lines))


def _title(action: str) -> str:
    if not action:
        return "Action item from the postmortem"
    return action if len(action) <= TITLE_LIMIT else action[: TITLE_LIMIT - 1].rstrip() + "…"


def _description(item: TrackerItem, details: MeetingDetails, session: str, flags: Sequence[str]) -> list[str]:
    """A bullet list, readable as plain text and as Markdown (GitHub, Linear) or Jira wiki markup.

    The words are kept as said, not escaped for one markup language: an escape for GitHub would show as a
    stray backslash in Jira. Everything untrusted is on one line after a label, so it cannot start a
    heading or a list of its own.
    """
    # Our own first line: a cell starting with `-` would get the formula-trigger apostrophe in the CSVs.
    lines = ["Action item from a postmortem meeting.", ""]
    if item.title != item.action:
        lines.append(f"- Action: {item.action}")
    lines.append(f"- Owner: {_owner(item)}")
    lines.append(f"- Due: {_due(item)}")
    lines.append(f"- {_said(item)}")
    incident = one_line(details.incident_id or "") or "not recorded"
    severity = one_line(details.severity or "")
    lines.append(f"- Incident: {incident} ({severity})" if severity else f"- Incident: {incident}")
    lines.append(f"- Session: {one_line(session)}")
    if item.proposed:
        lines.append("- Review: proposed by the assistant, not yet accepted")
    if flags:
        lines.append(f"- Flags: {', '.join(flags)}")
    return lines


def _owner(item: TrackerItem) -> str:
    if item.owner is None:
        said = f' (said: "{item.owner_as_said}")' if item.owner_as_said else ""
        return f"needs exactly one named owner{said}"
    return f"{item.owner} ({item.assignee})" if item.mapped else item.owner


def _due(item: TrackerItem) -> str:
    said = item.due_as_said
    if item.due:
        return f'{item.due} (said: "{said}")' if said else item.due
    # The phrase is all there is: keep it, so the tracker's reader can still pick the date.
    return f'"{said}" (not a calendar date)' if said else "none given"


def _said(item: TrackerItem) -> str:
    where = f"Said at {item.said_at} in the meeting" if item.said_at else "Said in the meeting"
    who = f" by {item.speaker}" if item.speaker else ""
    return f'{where}{who}: "{item.quote}"' if item.quote else f"{where}{who} (no quote recorded)"
