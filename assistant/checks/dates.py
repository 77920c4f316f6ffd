"""Due dates: is the spoken due date concrete, and which calendar day is it?

The spoken text stays as said (`ActionItem.due`); this module only flags it and, when the meeting
date is known, resolves it to a `date`.

Conventions (decided here, tested in tests/test_checks_dates.py):
- A bare weekday ("Friday", "by Friday", "this Friday", "on Friday") is the next such day strictly
  after the meeting: said on a Friday, "Friday" is a week later (the same day is called "today").
- "next Wednesday" (also "Wednesday next week") is the Wednesday of next week, weeks starting on
  Monday: said on Monday the 2nd it is the 11th, not the 4th. "Wednesday after next" adds a week.
- "end of (the|this) week" and "(by the) weekend" are this week's Friday (next Friday when said
  on a weekend); "end of next week" is next week's Friday.
- "end of (the) month/quarter/year" is the last calendar day (quarters are calendar quarters).
- "end of day", "EOD", "today", "tonight", "immediately", "right away" are the meeting day; a time
  of day is ignored ("Friday 5pm" is Friday).
- "in N days/weeks/months", "within a week", "N business days" count from the meeting day.
  "a couple of" is 2; "a few" is vague.
- A month and day without a year ("March 3rd", "3 March", "the 3rd of March") is the next such day
  on or after the meeting (the same day counts); "the 5th" alone is the next 5th on or after.
  "Monday the 5th" is the first of the next three 5ths that falls on a Monday, else the next
  5th (a weekday fitting no near date is a slip of the tongue, not a date months away).
  A weekday that contradicts an explicit date is ignored: the date wins.
- "before X" is treated as "by X" (deadlines are inclusive).
- Numeric dates other than ISO ("3/4") are ambiguous between US and European order: not resolved.
- A period with no boundary ("this week", "next week", "next month", "this quarter", "next
  sprint") is VAGUE_DUE_DATE: resolving it would mean choosing its start or its end for the
  speaker. So are approximations ("Friday-ish", "around Friday", "a week or two", "Friday or
  Monday") and "soon", "ASAP", "later", "at some point"...
- A concrete expression without a meeting date has due_date None and no flag; an explicit
  calendar date with a year (ISO "2026-03-04", "March 4 2026") is resolved anyway.
- Text that is neither recognised nor vague ("after the v2.32 release") gets no flag and no date:
  it may be a real commitment we cannot read, and a false alarm costs the facilitator's trust.

Why not dateparser (1.5, measured): in place of this parser it passes 95 of the 141 cases of
tests/test_checks_dates.py (98 after this module's clean-up) and resolves 11 of the fixtures' 52
concrete due phrases (36 cleaned; this module: 52). It reads no "end of next week", "within a
week", "by the twentieth", and "next Friday" is this week's.
As a fallback for what this module leaves unread it added 2 right dates and 6 wrong ones in 55
other phrases ("a week today" a week back, "in 5" as May, "3/4" guessed): a silent wrong deadline
is worse than none.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from assistant.checks.text import straighten_quotes
from assistant.domain.postmortem import Flag


@dataclass(frozen=True)
class DueResult:
    due_date: dt.date | None
    flags: list[Flag] = field(default_factory=list)


_WEEKDAY_NAMES = (
    "monday mon", "tuesday tue tues", "wednesday wed weds", "thursday thu thur thurs", "friday fri", "saturday sat",
    "sunday sun",
)  # fmt: skip
WEEKDAYS: dict[str, int] = {name: day for day, names in enumerate(_WEEKDAY_NAMES) for name in names.split()}

MONTHS: dict[str, int] = {}
for _i, _name in enumerate(calendar.month_name):
    if _name:
        MONTHS[_name.lower()] = _i
        MONTHS[_name.lower()[:3]] = _i
MONTHS["sept"] = 9

NUMBER_WORDS: dict[str, int] = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "couple": 2, "a couple": 2,
    "a couple of": 2, "couple of": 2,
}  # fmt: skip

_ORDINAL_UNITS = [
    "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth",
    "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth", "sixteenth", "seventeenth",
    "eighteenth", "nineteenth", "twentieth",
]  # fmt: skip
ORDINAL_WORDS: dict[str, int] = {w: i + 1 for i, w in enumerate(_ORDINAL_UNITS)}
for _i, _w in enumerate(_ORDINAL_UNITS[:9]):
    ORDINAL_WORDS[f"twenty {_w}"] = 21 + _i
ORDINAL_WORDS["thirtieth"] = 30
ORDINAL_WORDS["thirty first"] = 31


def _alternation(words: list[str] | dict[str, int]) -> str:
    # Longest first, so "wednesday" wins over "wed" and "twenty first" over "twenty".
    return "|".join(sorted((re.escape(w) for w in words), key=len, reverse=True))


_WD = rf"(?:{_alternation(WEEKDAYS)})"
_MON = rf"(?:{_alternation(MONTHS)})"
_NUM = rf"(?:\d{{1,3}}|{_alternation(NUMBER_WORDS)})"
_ORD_WORD = rf"(?:{_alternation(ORDINAL_WORDS)})"
_DAY = rf"(?:\d{{1,2}}(?:st|nd|rd|th)?|{_ORD_WORD})"  # after a month name a bare number is a day
_DAY_ORD = rf"(?:\d{{1,2}}(?:st|nd|rd|th)|{_ORD_WORD})"  # alone, only an ordinal is a day

_NONE_WORDS = frozenset(
    {"", "none", "n/a", "na", "null", "no date", "no due date", "no deadline", "tbd", "tba",
     "to be determined", "to be decided", "unknown", "not set", "-", "?"}
)  # fmt: skip

_VAGUE = re.compile(
    r"\b(?:soon|sooner|sometime|some time|some point|asap|a s a p|as soon as|later|eventually|"
    r"when possible|whenever|when we can|when (?:i|we|they|someone|somebody|you|he|she) "
    r"(?:get|gets|have|has|find|finds)|time permits|sprint|future|shortly|quarter|"
    r"this week|next week|this month|next month|this year|next year|q[1-4]|"
    r"in a bit|in a while|a few|few|several|someday|one day|down the road|down the line|"
    r"going forward|ongoing|before long|coming (?:days|weeks|months)|early|mid|late|ish|"
    r"around|roughly|approximately|approx|about|or so|or two|or three|\bor\b|maybe|possibly|"
    r"probably|next release|next iteration|next cycle|next version|when ready|in due course|"
    r"at some stage|long term|short term|near term|medium term|no rush|no hurry|backlog|"
    r"not urgent|low priority)\b"
)

# Removed before parsing: they carry no date ("no later than Friday" is "Friday").
_FILLER_PHRASES = re.compile(
    r"\b(?:no later than|not later than|at the very latest|at the latest|at latest|latest by|"
    r"done by|finished by|complete by|completed by|deadline is|deadline of|deadline|due date|"
    r"due by|due|ideally|hopefully|target date|targeting|target|aim for|let s say|lets say|"
    r"please|should be|is|it)\b"
)
_FILLER_WORDS = re.compile(r"\b(?:by|before|on|until|till|til|the|at|for)\b")

# Time-of-day qualifiers: the due *date* is what is checked. A trailing end-of-day marker with
# nothing else left ("EOD", "by 5pm", "this afternoon") means the meeting day.
_TIME_OF_DAY = re.compile(
    r"\b(?:first thing(?: in the morning)?|(?:in the )?morning|(?:in the )?afternoon|"
    r"(?:in the )?evening|tonight|night|noon|midday|midnight|lunch ?time|lunch|eod|cob|eob|"
    r"end of (?:the )?(?:business )?day|close of (?:business|play)|end of play|end of business|"
    r"\d{1,2}(?::\d{2})? ?(?:am|pm|a m|p m)|\d{1,2}:\d{2}|\d{1,2} ?oclock|oclock|utc)\b"
)
_TODAY_WORDS = frozenset({"", "this", "today", "immediately", "right away", "right now", "now"})


def _clean(due: str) -> str:
    text = straighten_quotes(due).lower().replace("'", "")
    text = re.sub(r"(?<=[a-z])-|-(?=[a-z])", " ", text)  # "twenty-first", "friday-ish"
    text = re.sub(r"[^\w\s:/-]", " ", text)
    text = re.sub(r"(?<=[a-z])\.|\.(?=[a-z])", " ", text)
    return " ".join(text.split())


def normalize_due(due: str | None, meeting_date: dt.date | None) -> DueResult:
    """Flag a missing or vague due date and resolve a concrete one against the meeting date."""
    if due is None:
        return DueResult(None, [Flag.NO_DUE_DATE])
    text = _clean(due)
    if text in _NONE_WORDS:
        return DueResult(None, [Flag.NO_DUE_DATE])
    text = " ".join(_FILLER_PHRASES.sub(" ", text).split()).strip(" :/-")
    if text in _NONE_WORDS:
        return DueResult(None, [Flag.NO_DUE_DATE])
    parsed = _parse(text, meeting_date)
    if parsed is not None:
        return DueResult(parsed.value, [])
    if _VAGUE.search(text):
        return DueResult(None, [Flag.VAGUE_DUE_DATE])
    if not _FILLER_WORDS.sub(" ", text).strip():
        return DueResult(None, [Flag.NO_DUE_DATE])  # only "by"/"due": nothing was said
    return DueResult(None, [])


@dataclass(frozen=True)
class _Parsed:
    """A recognised expression; `value` is None when it needs a meeting date we do not have."""

    value: dt.date | None


_Handler = Callable[[re.Match[str], dt.date], dt.date]


def _parse(text: str, today: dt.date | None) -> _Parsed | None:
    iso = _ISO.search(text)
    if iso:
        rest = _TIME_OF_DAY.sub(" ", _FILLER_WORDS.sub(" ", text.replace(iso.group(0), " ")))
        if rest.strip():
            return None  # "2026-03-04 or later": not a plain date
        return _absolute(int(iso.group(1)), int(iso.group(2)), int(iso.group(3)))

    text = " ".join(_FILLER_WORDS.sub(" ", text).split())
    stripped = " ".join(_TIME_OF_DAY.sub(" ", text).split())
    if stripped in _TODAY_WORDS and (stripped or stripped != text):
        return _Parsed(today)
    text = stripped

    dated = _explicit_year(text)
    if dated is not None:
        return dated
    for pattern, handler in _PATTERNS:
        match = pattern.fullmatch(text)
        if match is None:
            continue
        if today is None:
            return _Parsed(None)
        try:
            return _Parsed(handler(match, today))
        except ValueError:
            return None  # "February 30th": the right shape, an impossible day
    return None


_ISO = re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b")


def _absolute(year: int, month: int, day: int) -> _Parsed | None:
    try:
        return _Parsed(dt.date(year, month, day))
    except ValueError:
        return None


_MONTH_DAY_YEAR = re.compile(rf"(?:{_WD} )?(?P<mon>{_MON}) (?P<day>{_DAY}) (?P<year>\d{{4}})")
_DAY_MONTH_YEAR = re.compile(rf"(?:{_WD} )?(?P<day>{_DAY}) (?:of )?(?P<mon>{_MON}) (?P<year>\d{{4}})")


def _explicit_year(text: str) -> _Parsed | None:
    """A calendar date with its year needs no meeting date."""
    for pattern in (_MONTH_DAY_YEAR, _DAY_MONTH_YEAR):
        m = pattern.fullmatch(text)
        if m:
            return _absolute(int(m["year"]), MONTHS[m["mon"]], _day_number(m["day"]))
    return None


# --- handlers: each gets a full match and the meeting date -----------------------------------


def _number(word: str) -> int:
    return int(word) if word.isdigit() else NUMBER_WORDS[word]


def _day_number(word: str) -> int:
    if word in ORDINAL_WORDS:
        return ORDINAL_WORDS[word]
    return int(re.sub(r"\D", "", word))


def _week_monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def _next_weekday(m: re.Match[str], today: dt.date) -> dt.date:
    ahead = (WEEKDAYS[m["wd"]] - today.weekday() - 1) % 7 + 1  # 1..7: strictly after today
    return today + dt.timedelta(days=ahead)


def _says(m: re.Match[str], word: str) -> bool:
    return word in m.group(0).split()


def _weekday_next_week(m: re.Match[str], today: dt.date) -> dt.date:
    extra = 7 if _says(m, "after") else 0
    return _week_monday(today) + dt.timedelta(days=7 + WEEKDAYS[m["wd"]] + extra)


def _end_of_week(m: re.Match[str], today: dt.date) -> dt.date:
    friday = _week_monday(today) + dt.timedelta(days=4)
    if _says(m, "next"):
        return friday + dt.timedelta(days=7)
    return friday if today <= friday else friday + dt.timedelta(days=7)


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return dt.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def _end_of_month(m: re.Match[str], today: dt.date) -> dt.date:
    first = _add_months(today.replace(day=1), 1 if _says(m, "next") else 0)
    return _month_end(first.year, first.month)


def _end_of_quarter(m: re.Match[str], today: dt.date) -> dt.date:
    named = m.groupdict().get("q")
    if named:
        quarter_end = _month_end(today.year, int(named) * 3)
        return quarter_end if quarter_end >= today else _month_end(today.year + 1, int(named) * 3)
    current = (today.month - 1) // 3 + 1 + (1 if _says(m, "next") else 0)
    year, quarter = today.year + (current - 1) // 4, (current - 1) % 4 + 1
    return _month_end(year, quarter * 3)


def _end_of_year(m: re.Match[str], today: dt.date) -> dt.date:
    return dt.date(today.year + (1 if _says(m, "next") else 0), 12, 31)


def _relative(m: re.Match[str], today: dt.date) -> dt.date:
    n = _number(m["n"]) if m.groupdict().get("n") else 1
    unit = m["unit"]
    if unit == "month":
        return _add_months(today, n)
    if unit == "fortnight":
        return today + dt.timedelta(days=14 * n)
    if unit == "week":
        return today + dt.timedelta(days=7 * n)
    if m.groupdict().get("biz"):
        day = today
        while n > 0:
            day += dt.timedelta(days=1)
            n -= day.weekday() < 5
        return day
    return today + dt.timedelta(days=n)


def _next_occurrence(month: int, day: int, today: dt.date) -> dt.date:
    """The next `month`/`day` on or after today (a past date this year means next year)."""
    for year in (today.year, today.year + 1, today.year + 2, today.year + 3, today.year + 4):
        try:
            candidate = dt.date(year, month, day)
        except ValueError:
            continue  # February 29th outside a leap year
        if candidate >= today:
            return candidate
    raise ValueError(f"no {month}/{day}")


def _month_day(m: re.Match[str], today: dt.date) -> dt.date:
    return _next_occurrence(MONTHS[m["mon"]], _day_number(m["day"]), today)


def _day_of_month(m: re.Match[str], today: dt.date, month_offset: int = 0) -> list[dt.date]:
    """The next 12 dates with this day of the month, on or after today (or from next month)."""
    day = _day_number(m["day"])
    if not 1 <= day <= 31:
        raise ValueError(f"day {day}")
    start = _add_months(today.replace(day=1), month_offset)
    found: list[dt.date] = []
    for offset in range(13):
        first = _add_months(start, offset)
        if day <= calendar.monthrange(first.year, first.month)[1]:
            candidate = first.replace(day=day)
            if candidate >= today:
                found.append(candidate)
    return found


def _ordinal_day(m: re.Match[str], today: dt.date) -> dt.date:
    offset = 1 if _says(m, "next") else 0
    candidates = _day_of_month(m, today, offset)
    if not candidates:
        raise ValueError("no such day")
    return candidates[0]


_WEEKDAY_DAY_HORIZON = 3


def _weekday_and_day(m: re.Match[str], today: dt.date) -> dt.date:
    candidates = _day_of_month(m, today)
    if not candidates:
        raise ValueError("no such day")
    wanted = WEEKDAYS[m["wd"]]
    # Only the next few months: a weekday that fits no near date is a slip, not "next October".
    near = candidates[:_WEEKDAY_DAY_HORIZON]
    return next((c for c in near if c.weekday() == wanted), candidates[0])


def _plus_days(days: int) -> _Handler:
    return lambda _m, today: today + dt.timedelta(days=days)


_UNIT = r"(?P<unit>day|week|month|fortnight)s?"
_PATTERNS: list[tuple[re.Pattern[str], _Handler]] = [
    (re.compile(r"tomorrow"), _plus_days(1)),
    (re.compile(r"day after tomorrow|overmorrow"), _plus_days(2)),
    (re.compile(rf"(?:this |coming |this coming )?(?P<wd>{_WD})(?: this week)?"), _next_weekday),
    (re.compile(rf"next (?P<wd>{_WD})"), _weekday_next_week),
    (re.compile(rf"(?P<wd>{_WD}) (?:of )?next week"), _weekday_next_week),
    (re.compile(rf"(?P<wd>{_WD}) after next"), _weekday_next_week),
    (re.compile(r"end of (?:this |next )?week|eow|(?:this |next )?weekend"), _end_of_week),
    (re.compile(r"end of (?:this |next )?month|eom"), _end_of_month),
    (re.compile(r"end of (?:this |next )?quarter|eoq|end of q(?P<q>[1-4])"), _end_of_quarter),
    (re.compile(r"end of (?:this |next )?year|eoy"), _end_of_year),
    (
        re.compile(
            rf"(?:in |within |after )?(?:next )?(?P<n>{_NUM}) (?P<biz>business |working )?"
            rf"{_UNIT}(?: time| from now| from today| later)?"
        ),
        _relative,
    ),
    (re.compile(rf"(?:within|in) (?:next )?{_UNIT}"), _relative),
    (re.compile(rf"(?:{_WD} )?(?P<mon>{_MON}) (?P<day>{_DAY})"), _month_day),
    (re.compile(rf"(?:{_WD} )?(?P<day>{_DAY}) (?:of )?(?P<mon>{_MON})"), _month_day),
    (re.compile(rf"(?P<wd>{_WD}) (?P<day>{_DAY_ORD})"), _weekday_and_day),
    (re.compile(rf"(?P<day>{_DAY_ORD})(?: of (?:this |next )?month)?"), _ordinal_day),
]
