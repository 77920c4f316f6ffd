"""Due dates: missing and vague ones are flagged; concrete ones resolve against the meeting date."""

from __future__ import annotations

import datetime as dt

import pytest

from assistant.checks.dates import DueResult, normalize_due
from assistant.domain.postmortem import Flag

WED = dt.date(2026, 3, 4)  # a Wednesday
FRI = dt.date(2026, 3, 6)
SAT = dt.date(2026, 3, 7)
DEC = dt.date(2026, 12, 30)  # a Wednesday, near the year's end


def d(month: int, day: int, year: int = 2026) -> dt.date:
    return dt.date(year, month, day)


@pytest.mark.parametrize(
    ("due", "meeting", "expected"),
    [
        ("today", WED, WED),
        ("Today.", WED, WED),
        ("end of day", WED, WED),
        ("by end of the day", WED, WED),
        ("EOD", WED, WED),
        ("by 5pm", WED, WED),
        ("this afternoon", WED, WED),
        ("tonight", WED, WED),
        ("immediately", WED, WED),
        ("tomorrow", WED, d(3, 5)),
        ("tomorrow morning", WED, d(3, 5)),
        ("day after tomorrow", WED, d(3, 6)),
        # A bare weekday: the next one strictly after the meeting day.
        ("Friday", WED, d(3, 6)),
        ("by Friday", WED, d(3, 6)),
        ("this Friday", WED, d(3, 6)),
        ("on Friday", WED, d(3, 6)),
        ("Fri", WED, d(3, 6)),
        ("Friday EOD", WED, d(3, 6)),
        ("end of day Friday", WED, d(3, 6)),
        ("Friday 5pm", WED, d(3, 6)),
        ("before Friday", WED, d(3, 6)),  # deadlines are inclusive
        ("no later than Friday", WED, d(3, 6)),
        ("Friday at the latest", WED, d(3, 6)),
        ("Monday", WED, d(3, 9)),
        ("Wednesday", WED, d(3, 11)),  # said on a Wednesday: a week later
        ("Friday", FRI, d(3, 13)),
        # "next <weekday>": that day of next week (weeks start on Monday).
        ("next Wednesday", WED, d(3, 11)),
        ("next Monday", WED, d(3, 9)),
        ("next Friday", WED, d(3, 13)),
        ("next Friday", dt.date(2026, 3, 2), d(3, 13)),  # said on Monday the 2nd
        ("Wednesday next week", WED, d(3, 11)),
        ("Friday after next", WED, d(3, 20)),
        # Ends of periods.
        ("end of the week", WED, d(3, 6)),
        ("by the end of this week", WED, d(3, 6)),
        ("EOW", WED, d(3, 6)),
        ("by the weekend", WED, d(3, 6)),
        ("end of the week", SAT, d(3, 13)),  # said on a weekend: the coming Friday
        ("end of next week", WED, d(3, 13)),
        ("end of the month", WED, d(3, 31)),
        ("end of month", dt.date(2026, 2, 10), d(2, 28)),
        ("end of next month", WED, d(4, 30)),
        ("end of the quarter", WED, d(3, 31)),
        ("end of Q2", WED, d(6, 30)),
        ("end of Q1", dt.date(2026, 5, 1), d(3, 31, 2027)),
        ("end of the year", WED, d(12, 31)),
        # Relative counts.
        ("in 3 days", WED, d(3, 7)),
        ("in three days", WED, d(3, 7)),
        ("in two weeks", WED, d(3, 18)),
        ("2 weeks", WED, d(3, 18)),
        ("within a week", WED, d(3, 11)),
        ("within the next week", WED, d(3, 11)),
        ("in a week's time", WED, d(3, 11)),
        ("a week from today", WED, d(3, 11)),
        ("in a couple of days", WED, d(3, 6)),
        ("in twelve days", WED, d(3, 16)),
        ("in a fortnight", WED, d(3, 18)),
        ("in a month", dt.date(2026, 1, 31), d(2, 28)),
        ("5 business days", WED, d(3, 11)),
        ("in 2 working days", FRI, d(3, 10)),
        # Calendar dates.
        ("March 3rd", dt.date(2026, 2, 20), d(3, 3)),
        ("3 March", dt.date(2026, 2, 20), d(3, 3)),
        ("the 3rd of March", dt.date(2026, 2, 20), d(3, 3)),
        ("March 4th", WED, WED),  # the same day counts
        ("March 3rd", WED, d(3, 3, 2027)),  # already past: next year
        ("Jan 5", DEC, d(1, 5, 2027)),
        ("Sept 1st", WED, d(9, 1)),
        ("March the twenty-first", WED, d(3, 21)),
        ("Tuesday March 10th", WED, d(3, 10)),
        ("Monday March 10th", WED, d(3, 10)),  # the date wins over a contradicting weekday
        ("March 3rd at 5pm", dt.date(2026, 2, 20), d(3, 3)),
        ("2026-03-04", WED, WED),
        ("by 2026-04-01", WED, d(4, 1)),
        ("March 4, 2027", WED, d(3, 4, 2027)),
        ("4th of March 2027", WED, d(3, 4, 2027)),
        ("the 5th", WED, d(3, 5)),
        ("the 4th", WED, WED),
        ("the 3rd", WED, d(4, 3)),
        ("the 5th of next month", WED, d(4, 5)),
        ("the thirty-first", dt.date(2026, 4, 2), d(5, 31)),
        ("Monday the 9th", WED, d(3, 9)),
        ("Monday the 6th", WED, d(4, 6)),  # the next 6th that is a Monday
        ("Friday the 5th", WED, d(3, 5)),  # no near 5th is a Friday: the date wins
    ],
)
def test_concrete_dates_resolve(due: str, meeting: dt.date, expected: dt.date) -> None:
    assert normalize_due(due, meeting) == DueResult(expected, [])


@pytest.mark.parametrize(
    "due",
    [
        "soon",
        "Soon!",
        "sometime",
        "some time next week",
        "at some point",
        "ASAP",
        "as soon as possible",
        "a.s.a.p.",
        "later",
        "later this week",
        "eventually",
        "when possible",
        "whenever we get a chance",
        "next sprint",
        "end of the sprint",
        "in the future",
        "shortly",
        "this quarter",
        "next quarter",
        "in Q3",
        "this week",
        "next week",
        "by next week",
        "early next week",
        "next month",
        "in a few days",
        "Friday-ish",
        "around Friday",
        "a week or two",
        "Friday or Monday",
        "maybe Friday",
        "going forward",
        "no rush",
    ],
)
def test_vague_dates_are_flagged(due: str) -> None:
    assert normalize_due(due, WED) == DueResult(None, [Flag.VAGUE_DUE_DATE])
    assert normalize_due(due, None) == DueResult(None, [Flag.VAGUE_DUE_DATE])


@pytest.mark.parametrize("due", [None, "", "   ", "none", "N/A", "TBD", "no deadline", "by", "due:"])
def test_missing_dates_are_flagged(due: str | None) -> None:
    assert normalize_due(due, WED) == DueResult(None, [Flag.NO_DUE_DATE])


@pytest.mark.parametrize(
    "due",
    [
        "Friday",
        "tomorrow",
        "end of next week",
        "in two weeks",
        "March 3rd",
        "the 5th",
        "EOD",
        "next Wednesday",
    ],
)
def test_concrete_without_meeting_date_is_not_flagged(due: str) -> None:
    assert normalize_due(due, None) == DueResult(None, [])


@pytest.mark.parametrize(
    ("due", "expected"),
    [("2026-03-04", WED), ("March 4 2026", WED), ("4 March 2026", WED)],
)
def test_a_date_with_its_year_needs_no_meeting_date(due: str, expected: dt.date) -> None:
    assert normalize_due(due, None) == DueResult(expected, [])


@pytest.mark.parametrize(
    "due",
    [
        "after the v2.32 release",  # an event, not a date: kept as spoken
        "before the deploy freeze",
        "3/4",  # US or European order? not guessed
        "February 30th",  # the right shape, an impossible day
        "2026-02-30",
        "5",
    ],
)
def test_unrecognised_text_is_neither_flagged_nor_resolved(due: str) -> None:
    assert normalize_due(due, WED) == DueResult(None, [])
