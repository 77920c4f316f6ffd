"""The template's own rules about the meeting and the document (shared/docs/postmortem-template.md), as
notes to show, never blocks: held within 5 business days of the incident, kept to 60–90 minutes, a named
facilitator, an impact with its duration and the users affected, a timeline that says when the incident
was detected and when it was resolved. Recomputed from the document whenever it is shown (pure)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from enum import StrEnum

from assistant.domain.postmortem import Item, Postmortem, ReviewStatus

MAX_BUSINESS_DAYS = 5
MAX_MEETING_MIN = 90


class NoteKind(StrEnum):
    """Values are stable (they appear in exports)."""

    LATE_MEETING = "late_meeting"
    LONG_MEETING = "long_meeting"
    NO_FACILITATOR = "no_facilitator"
    IMPACT_NO_DURATION = "impact_no_duration"
    IMPACT_NO_USERS = "impact_no_users"
    TIMELINE_NO_DETECTION = "timeline_no_detection"
    TIMELINE_NO_RESOLUTION = "timeline_no_resolution"


@dataclass(frozen=True)
class TemplateNote:
    kind: NoteKind
    text: str


# What the template lists as a timeline's events: "alert fired, escalation" (how it was found) and
# "fix, all-clear" (how it ended). Stems, so "alerted", "paging", "resolves" count.
_DETECTION = re.compile(
    r"\b(?:alert|alarm|page[ds]?|paging|pager|detect|notic|report|escalat|flagged|spotted|discover|found|"
    r"monitor|on-?call|customers? (?:told|complain)|complain|ticket)",
    re.IGNORECASE,
)
_RESOLUTION = re.compile(
    r"\b(?:resolv|restor|recover|fix|mitigat|roll(?:ed)?[ -]?back|rolled|revert|all[ -]clear|back to normal|"
    r"back up|closed|ended|stable|healthy|working again|complete)",
    re.IGNORECASE,
)


def business_days_between(start: dt.date, end: dt.date) -> int:
    """Mon–Fri days after `start` up to and including `end` (a Friday incident met on Monday: 1)."""
    import numpy as np  # here, not at import: the exporters import this module and must stay light

    day = dt.timedelta(days=1)
    return int(np.busday_count(start + day, end + day))


def long_meeting_note(seconds: float) -> TemplateNote | None:
    """The note for a meeting `seconds` long, when that is past the template's 90 minutes."""
    if seconds <= MAX_MEETING_MIN * 60:
        return None
    ran = f"The meeting ran {int(seconds // 60)} minutes"
    return TemplateNote(
        NoteKind.LONG_MEETING, f"{ran}; the template keeps it to 60–{MAX_MEETING_MIN} (split it in two sessions)."
    )


def _live(item: Item | None) -> bool:
    return item is not None and item.status is not ReviewStatus.REJECTED


def template_notes(pm: Postmortem, meeting_s: float | None = None) -> list[TemplateNote]:
    """The template rules `pm` does not meet. `meeting_s`: how long the meeting has run (live), else the
    recording's duration from the details."""
    d = pm.details
    notes: list[TemplateNote] = []

    def note(kind: NoteKind, text: str) -> None:
        notes.append(TemplateNote(kind, text))

    if d.date and d.incident_date and d.date > d.incident_date:
        days = business_days_between(d.incident_date, d.date)
        if days > MAX_BUSINESS_DAYS:
            late = f"The meeting is {days} business days after the incident"
            note(NoteKind.LATE_MEETING, f"{late}; the template asks for it within {MAX_BUSINESS_DAYS}.")
    length = meeting_s if meeting_s is not None else d.duration_s
    if length is not None and (long := long_meeting_note(length)):
        notes.append(long)
    if not (d.facilitator or "").strip():
        note(NoteKind.NO_FACILITATOR, "No facilitator is named.")
    if not _live(pm.impact.duration):
        note(NoteKind.IMPACT_NO_DURATION, "The impact has no duration.")
    if not _live(pm.impact.users_affected):
        note(NoteKind.IMPACT_NO_USERS, "The impact does not say how many users were affected.")
    events = [e.event for e in pm.timeline if _live(e)]
    if not any(_DETECTION.search(e) for e in events):
        note(NoteKind.TIMELINE_NO_DETECTION, "The timeline has no detection event (alert fired, escalation).")
    if not any(_RESOLUTION.search(e) for e in events):
        note(NoteKind.TIMELINE_NO_RESOLUTION, "The timeline has no resolution event (fix, rollback, all clear).")
    return notes
