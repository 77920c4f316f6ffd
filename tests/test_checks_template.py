"""The template's own rules as notes (never blocks): meeting within 5 business days of the incident
(weekends do not count), at most 90 minutes, a facilitator, impact with duration and users affected, a
timeline with a detection and a resolution event; shown in the Markdown and read back as a draft."""

from __future__ import annotations

import datetime as dt

import pytest

from assistant.checks.template import NoteKind, template_notes
from assistant.domain.postmortem import (
    Impact,
    ImpactFact,
    MeetingDetails,
    Postmortem,
    ReviewStatus,
    TimelineEvent,
)
from assistant.draft.read_markdown import read_markdown
from assistant.export.markdown import render_markdown


def _complete(**details: object) -> Postmortem:
    return Postmortem(
        details=MeetingDetails(facilitator="Lisa", **details),  # type: ignore[arg-type]
        impact=Impact(
            duration=ImpactFact(id="d", value="47 minutes"), users_affected=ImpactFact(id="u", value="8,400")
        ),
        timeline=[
            TimelineEvent(id="a", time="14:38", event="The pager alert fires"),
            TimelineEvent(id="b", time="15:19", event="Rollback complete"),
        ],
    )


def _kinds(pm: Postmortem, meeting_s: float | None = None) -> set[NoteKind]:
    return {n.kind for n in template_notes(pm, meeting_s)}


def test_a_complete_postmortem_has_no_notes() -> None:
    assert _kinds(_complete(date=dt.date(2026, 1, 16), incident_date=dt.date(2026, 1, 14))) == set()


@pytest.mark.parametrize(
    ("incident", "meeting", "late"),
    [
        (dt.date(2026, 1, 9), dt.date(2026, 1, 16), False),  # Friday → next Friday: 5 business days
        (dt.date(2026, 1, 9), dt.date(2026, 1, 19), True),  # → the Monday after: 6
        (dt.date(2026, 1, 16), dt.date(2026, 1, 25), False),  # 9 calendar days, two weekends: 5 business days
        (dt.date(2026, 1, 14), dt.date(2026, 1, 14), False),
    ],
)
def test_meeting_more_than_five_business_days_after_the_incident(
    incident: dt.date, meeting: dt.date, late: bool
) -> None:
    notes = template_notes(_complete(date=meeting, incident_date=incident))
    assert (NoteKind.LATE_MEETING in {n.kind for n in notes}) is late
    if late:
        assert "6 business days" in notes[0].text


def test_long_meeting_from_the_recording_or_the_live_clock() -> None:
    assert NoteKind.LONG_MEETING in _kinds(_complete(duration_s=91 * 60))
    assert NoteKind.LONG_MEETING not in _kinds(_complete(duration_s=90 * 60))
    assert NoteKind.LONG_MEETING in _kinds(_complete(), meeting_s=95 * 60)  # while live


def test_missing_facilitator_impact_and_timeline_events() -> None:
    pm = _complete()
    pm.details.facilitator = " "
    pm.impact.users_affected = None
    pm.timeline = [TimelineEvent(id="x", time="14:32", event="v2.31.0 deployed")]
    assert _kinds(pm) == {
        NoteKind.NO_FACILITATOR,
        NoteKind.IMPACT_NO_USERS,
        NoteKind.TIMELINE_NO_DETECTION,
        NoteKind.TIMELINE_NO_RESOLUTION,
    }
    # A rejected figure is no figure.
    assert pm.impact.duration is not None
    pm.impact.duration.status = ReviewStatus.REJECTED
    assert NoteKind.IMPACT_NO_DURATION in _kinds(pm)


def test_notes_are_shown_in_the_markdown_and_do_not_stop_it_being_read_back() -> None:
    pm = _complete(date=dt.date(2026, 3, 2), incident_date=dt.date(2026, 1, 14))
    pm.details.facilitator = None
    md = render_markdown(pm)
    assert "- `late_meeting`: The meeting is 33 business days after the incident" in md
    assert "- `no_facilitator`: No facilitator is named." in md
    assert md.index("Template notes") < md.index("## Meeting details")
    again = read_markdown(md)
    assert again.details.incident_date == dt.date(2026, 1, 14) and len(again.timeline) == 2
