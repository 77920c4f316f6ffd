"""Section coverage: which template sections have at least one live item."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from assistant.checks.coverage import SECTION_TITLES, missing_sections, section_coverage
from assistant.domain.postmortem import (
    ActionItem,
    ImpactFact,
    Postmortem,
    ReviewStatus,
    TextItem,
    TimelineEvent,
    WhyStep,
)


def _text(status: ReviewStatus = ReviewStatus.PROPOSED) -> TextItem:
    return TextItem(id="t", text="something", status=status)


def _fill(key: str, pm: Postmortem, status: ReviewStatus = ReviewStatus.PROPOSED) -> None:
    fillers: dict[str, Callable[[], None]] = {
        "meeting_details": lambda: pm.details.attendees.append("Ana"),
        "summary": lambda: setattr(pm, "summary", _text(status)),
        "impact": lambda: setattr(pm.impact, "tickets", ImpactFact(id="i", value="142", status=status)),
        "timeline": lambda: pm.timeline.append(TimelineEvent(id="e", event="deploy", status=status)),
        "root_causes": lambda: pm.root_cause.whys.append(WhyStep(id="w", question="q", answer="a", status=status)),
        "what_worked": lambda: pm.what_worked.append(_text(status)),
        "what_didnt": lambda: pm.what_didnt.append(_text(status)),
        "action_items": lambda: pm.action_items.append(ActionItem(id="a", action="x", status=status)),
        "decisions": lambda: pm.decisions.append(_text(status)),
        "open_questions": lambda: pm.open_questions.append(_text(status)),
        "follow_up": lambda: pm.follow_up.append(_text(status)),
    }
    fillers[key]()


def test_titles_follow_the_template_order() -> None:
    assert list(SECTION_TITLES.items()) == [
        ("meeting_details", "Meeting details"),
        ("summary", "Incident summary"),
        ("impact", "Impact"),
        ("timeline", "Timeline"),
        ("root_causes", "Root causes"),
        ("what_worked", "What worked"),
        ("what_didnt", "What didn't work"),
        ("action_items", "Action items"),
        ("decisions", "Decisions"),
        ("open_questions", "Open questions"),
        ("follow_up", "Follow-up"),
    ]


def test_an_empty_postmortem_covers_nothing() -> None:
    coverage = section_coverage(Postmortem())
    assert list(coverage) == list(SECTION_TITLES)
    assert not any(coverage.values())
    assert missing_sections(Postmortem()) == list(SECTION_TITLES)


@pytest.mark.parametrize("key", list(SECTION_TITLES))
@pytest.mark.parametrize(
    ("status", "covered"),
    [(ReviewStatus.PROPOSED, True), (ReviewStatus.ACCEPTED, True), (ReviewStatus.REJECTED, False)],
)
def test_one_live_item_covers_exactly_its_section(key: str, status: ReviewStatus, covered: bool) -> None:
    pm = Postmortem()
    _fill(key, pm, status)
    expected = {k: False for k in SECTION_TITLES}
    # Meeting details are facts, not reviewable items: a status does not apply to them.
    expected[key] = covered or key == "meeting_details"
    assert section_coverage(pm) == expected


@pytest.mark.parametrize(
    ("date", "attendees", "covered"),
    [(None, [], False), (dt.date(2026, 3, 4), [], True), (None, ["Ana"], True)],
)
def test_meeting_details_need_a_date_or_attendees(date: dt.date | None, attendees: list[str], covered: bool) -> None:
    pm = Postmortem()
    pm.details.date = date
    pm.details.attendees = attendees
    assert section_coverage(pm)["meeting_details"] is covered


def test_a_systemic_cause_alone_covers_root_causes() -> None:
    pm = Postmortem()
    pm.root_cause.systemic_cause = _text()
    assert section_coverage(pm)["root_causes"] is True
    assert "root_causes" not in missing_sections(pm)
