"""Spoken incident-clock times ("at 16:42", "at three twelve in the morning", "by two thirty") -> "HH:MM".

The timeline records when things happened on the incident's clock, so only times said as times count:
a colon form, a meridiem, "o'clock", "past"/"to", or a time preposition before an hour-minute pair.
Version numbers ("version 3.14"), durations ("24 minutes") and plain counts never match.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.extraction.rules.numbers import TENS, UNITS, below_hundred

_PREP = r"(?:at|by|around|about|until|till|since|from|to|between|and|roughly|approximately|after|before|@)"
_MERIDIEM = (
    r"(?P<mer>a\.?\s?m\.?|p\.?\s?m\.?|in the morning|in the afternoon|in the evening|at night|tonight|"
    r"this morning|that morning|that evening|that night)"
)
_ZONE = r"(?:\s*(?:utc|gmt|z|cet|cest|est|edt|pst|pdt|bst|ist|local(?: time)?))?"
_HOUR_WORD = "|".join(sorted([w for w, v in UNITS.items() if 1 <= v <= 23], key=len, reverse=True))
_MIN_WORD = "|".join(sorted([*UNITS, *TENS], key=len, reverse=True))

# A number followed by these is a count, not a time ("at 300 milliseconds", "by 10, 23 users").
_UNIT_AFTER = (
    r"percent|ms|milliseconds?|seconds?|minutes?|hours?|days?|users|people|customers|dollars|euros|requests|errors|"
    r"tickets|orders|times|percent|of\b|[a-z]+s\b"
)
# 16:42, 4:42 pm, 04:42:10
_COLON = re.compile(
    rf"(?<![\d.,:])(?P<h>[01]?\d|2[0-3])\s?:\s?(?P<m>[0-5]\d)(?::[0-5]\d)?(?![\d:])(?:\s*{_MERIDIEM})?{_ZONE}", re.I
)
# 16.42 / 1642 only after a time preposition or before a meridiem (ASR writes "16.42", "at 1642").
_DOTTED = re.compile(
    # ASR writes "at 12.16,", "At 10, 23, the network team…" and "at 6-34"
    rf"\b{_PREP}\s+(?:around\s+|about\s+|roughly\s+)?(?P<h>[01]?\d|2[0-3])(?:[.-]|,\s)(?P<m>[0-5]\d)(?!\d|[.,-]\d)"
    rf"(?!\s+(?:{_UNIT_AFTER}))(?:\s*{_MERIDIEM})?",
    re.I,
)
_PACKED = re.compile(
    rf"\b(?:at|by|around|until|till|since)\s+(?P<h>[01]\d|2[0-3]|[1-9])(?P<m>[0-5]\d)\b(?![.,]\d)(?!\s*(?:%|{_UNIT_AFTER}))",
    re.I,
)
# 4 pm, 4pm, 11 a.m.
_HOUR_MER = re.compile(rf"(?<![\d.:,])\b(?P<h>1[0-2]|0?[1-9])\s*{_MERIDIEM}", re.I)
_OCLOCK = re.compile(rf"\b(?P<h>1[0-2]|0?[1-9]|{_HOUR_WORD})\s+o'?\s?clock(?:\s+{_MERIDIEM})?", re.I)
# ten past four, quarter to five, half past two
_PAST_TO = re.compile(
    rf"(?<![\d.,])\b(?P<min>quarter|half|(?:{_MIN_WORD})(?:[\s-](?:{_MIN_WORD}))?|\d{{1,2}})(?:\s+minutes?)?\s+(?P<rel>past|after|to|before)\s+"
    rf"(?P<h>1[0-2]|0?[1-9]|{_HOUR_WORD})\b(?![.,]?\d)(?!-?ish\b)(?!\s*(?:minutes?|hours?|days?|weeks?|percent|%))(?:\s+{_MERIDIEM})?",
    re.I,
)
# at three twelve (in the morning), by two thirty, around sixteen forty two, at two oh five pm
_WORDS = re.compile(
    rf"\b{_PREP}\s+(?:around\s+|about\s+|roughly\s+|exactly\s+|precisely\s+)?(?P<h>{_HOUR_WORD})"
    rf"(?:[\s-](?P<m>(?:{_MIN_WORD})(?:[\s-](?:{_MIN_WORD}))?)\b)?(?:\s+{_MERIDIEM})?"
    rf"(?!\s*(?:minutes?|hours?|days?|weeks?|months?|percent|people|users|times|of\b|more|[a-z]+s\b))",
    re.I,
)
_NAMED = re.compile(r"\b(?:at|by|around|until|till|since|about)\s+(?P<name>noon|midday|midnight)\b", re.I)
# British "half six" is 6:30 (never 5:30): only after a time preposition, so "half the fleet" stays a count.
_HALF_HOUR = re.compile(
    rf"\b{_PREP}\s+(?:around\s+|about\s+|roughly\s+|just\s+gone\s+)?half\s+(?P<h>1[0-2]|[1-9]|{_HOUR_WORD})\b"
    rf"(?!\s*(?:past|an?\b|of\b|{_UNIT_AFTER}))(?:\s+{_MERIDIEM})?",
    re.I,
)
# "just after three", "shortly before eleven", "a little after 4", "just gone ten": an hour said loosely. The
# hedge makes it a time; the hour is the best figure the speaker gave.
_NEAR_HOUR = re.compile(
    rf"\b(?:just|shortly|right|a little|a bit|not long|soon|a few minutes)\s+(?:after|before|gone|past)\s+"
    rf"(?P<h>1[0-2]|0?[1-9]|{_HOUR_WORD})(?:\s+o'?\s?clock)?\b(?![.:,]?\d)(?!\s*(?:{_UNIT_AFTER}|more\b|other\b|%))"
    rf"(?:\s+{_MERIDIEM})?",
    re.I,
)
# "at three-ish", "by four sharp", "around ten on the dot": a bare hour marked as a time by its suffix.
_HOUR_SUFFIX = re.compile(
    rf"\b{_PREP}\s+(?:around\s+|about\s+|roughly\s+)?(?P<h>1[0-2]|0?[1-9]|{_HOUR_WORD})"
    rf"(?:-?ish\b|\s+sharp\b|\s+on the dot\b)(?!\s*(?:{_UNIT_AFTER}|%))(?:\s+{_MERIDIEM})?",
    re.I,
)
_VERSION = re.compile(r"(?:version|release|build|v|rc|python|node|java|ubuntu|kernel|tls)\s*$", re.I)


@dataclass(frozen=True)
class TimeMention:
    hhmm: str
    start: int
    end: int
    spoken: str
    meridiem: bool
    """True when the speaker said am/pm (or "in the morning"), i.e. the hour is not ambiguous."""


def _hour_value(token: str) -> int | None:
    if token.isdigit():
        return int(token)
    return UNITS.get(token.lower())


def _apply_meridiem(hour: int, mer: str | None) -> int:
    if not mer:
        return hour
    m = mer.lower().replace(".", "").replace(" ", "")
    pm = m.startswith("p") or m in ("intheafternoon", "intheevening", "atnight", "tonight", "thatevening", "thatnight")
    if m in ("atnight", "tonight", "thatnight") and hour in (12, 1, 2, 3, 4):
        pm = hour == 12 and False  # "two at night" is 02:00; "twelve at night" is midnight
        return 0 if hour == 12 else hour
    if pm and hour < 12:
        return hour + 12
    if not pm and hour == 12:
        return 0
    return hour


def _fmt(hour: int, minute: int) -> str:
    return f"{hour:02d}:{minute:02d}"


def find_times(text: str) -> list[TimeMention]:
    """Every spoken clock time in `text`, left to right, without overlaps."""
    found: list[TimeMention] = []

    def add(m: re.Match[str], hour: int | None, minute: int | None, mer: str | None) -> None:
        if hour is None or minute is None or not (0 <= hour <= 23 and 0 <= minute <= 59):
            return
        if any(not (m.end() <= t.start or m.start() >= t.end) for t in found):
            return
        if _VERSION.search(text[: m.start()]):
            return
        hour = _apply_meridiem(hour, mer)
        found.append(TimeMention(_fmt(hour, minute), m.start(), m.end(), m.group(0).strip(), bool(mer) or hour > 12))

    for m in _COLON.finditer(text):
        add(m, int(m.group("h")), int(m.group("m")), m.group("mer"))
    for m in _DOTTED.finditer(text):
        add(m, int(m.group("h")), int(m.group("m")), m.group("mer"))
    for m in _PACKED.finditer(text):
        add(m, int(m.group("h")), int(m.group("m")), None)
    for m in _PAST_TO.finditer(text):
        hour = _hour_value(m.group("h"))
        word = m.group("min").lower()
        minutes = 15 if word == "quarter" else 30 if word == "half" else None
        if minutes is None:
            minutes = int(word) if word.isdigit() else below_hundred(re.split(r"[\s-]+", word))
        if hour is None or minutes is None or minutes >= 60:
            continue
        if word.isdigit() and re.search(r"\b(?:from|between)\s*$", text[: m.start()], re.I):
            continue  # "went from 3 to 4": a range of counts, not "three minutes to four"
        if m.group("rel").lower() in ("to", "before"):
            hour, minutes = (hour - 1) % 24, 60 - minutes
        add(m, hour, minutes, m.group("mer"))
    for m in _OCLOCK.finditer(text):
        add(m, _hour_value(m.group("h")), 0, m.group("mer"))
    for m in _HOUR_MER.finditer(text):
        add(m, int(m.group("h")), 0, m.group("mer"))
    for m in _WORDS.finditer(text):
        hour = _hour_value(m.group("h"))
        mins_text = m.group("m")
        mer = m.group("mer")
        if mins_text is None:
            if not mer:
                continue  # "at three" alone is too often a count ("at three places")
            minute: int | None = 0
        else:
            minute = below_hundred(re.split(r"[\s-]+", mins_text))
        add(m, hour, minute, mer)
    for pattern, minute_of in ((_HALF_HOUR, 30), (_NEAR_HOUR, 0), (_HOUR_SUFFIX, 0)):
        for m in pattern.finditer(text):
            add(m, _hour_value(m.group("h")), minute_of, m.group("mer"))
    for m in _NAMED.finditer(text):
        add(m, 0 if m.group("name").lower() == "midnight" else 12, 0, None)
    found.sort(key=lambda t: t.start)
    return found


@dataclass(frozen=True)
class RelativeMention:
    """ "About five minutes later", "an hour after that": a time given as an offset from the event before."""

    minutes: int
    start: int
    end: int
    spoken: str


_OFFSET_AMOUNT = (
    rf"(?P<n>\d{{1,3}}|an?|one|a couple of|(?:{_MIN_WORD})(?:[\s-](?:{_MIN_WORD}))?)"
    r"(?:\s+and\s+a\s+(?P<half>half))?\s+(?P<unit>minutes?|mins?|hours?)(?:\s+and\s+a\s+(?P<half2>half))?"
)
_RELATIVE = re.compile(
    rf"\b(?:(?:about|around|roughly|maybe|some|another|only|just|barely|a good)\s+)?(?:{_OFFSET_AMOUNT}|(?P<halfhour>half an hour))"
    r"\s+(?:later|after that|after this|on)\b(?!\s+(?:than|we'll|we will|today|tomorrow))",
    re.I,
)


def _amount(m: re.Match[str]) -> int | None:
    if m.group("halfhour"):
        return 30
    word = m.group("n").lower()
    if word.isdigit():
        n: int | None = int(word)
    elif word in ("a", "an", "one"):
        n = 1
    elif word == "a couple of":
        n = 2
    else:
        n = below_hundred(re.split(r"[\s-]+", word))
    if n is None:
        return None
    per = 60 if m.group("unit").lower().startswith("h") else 1
    return n * per + (per // 2 if m.group("half") or m.group("half2") else 0)


def find_relative(text: str) -> list[RelativeMention]:
    """Offsets from the previous event ("ten minutes later"); vague ones ("a few minutes later") are not times."""
    out = []
    for m in _RELATIVE.finditer(text):
        minutes = _amount(m)
        if minutes is not None and 0 < minutes <= 12 * 60:
            out.append(RelativeMention(minutes, m.start(), m.end(), m.group(0).strip()))
    return out


def shift(hhmm: str, minutes: int) -> str:
    total = (int(hhmm[:2]) * 60 + int(hhmm[3:]) + minutes) % (24 * 60)
    return _fmt(total // 60, total % 60)


def on_incident_clock(times: list[str], fixed: list[bool] | None = None) -> list[str]:
    """Resolve hours said without am/pm against their neighbours: "at 4:42" after "16:30" is 16:42.

    Incident timelines run forward; a 12-hour reading that jumps back by more than 6 hours, while
    +12 h keeps the order, was meant in the afternoon. A time in `fixed` (said with am/pm or "in the
    morning") is never moved: "2:17 in the morning" after an evening event is still 02:17."""
    out: list[str] = []
    previous: int | None = None
    for i, t in enumerate(times):
        resolved = resolve_after(previous, t, bool(fixed and fixed[i]))
        out.append(resolved)
        previous = int(resolved[:2]) * 60 + int(resolved[3:])
    return out


def resolve_after(previous: int | None, hhmm: str, fixed: bool = False) -> str:
    """One step of `on_incident_clock`: `hhmm` read after the event at minute-of-day `previous`."""
    hour, minute = int(hhmm[:2]), int(hhmm[3:])
    if previous is not None and 1 <= hour < 12 and not fixed:
        # Take the reading nearest the previous time: "4:42" after 16:30 is 16:42, while "11:47"
        # after 13:26 is a retelling of 11:47, not 23:47.
        as_said, plus12 = hour * 60 + minute, (hour + 12) * 60 + minute
        if abs(plus12 - previous) < abs(as_said - previous):
            hour += 12
    return _fmt(hour, minute)
