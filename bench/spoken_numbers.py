"""Spoken and written numbers, durations and incident-clock times, as the postmortem bench reads them.

Drafts and expected.json say figures and times in many forms ("two hundred and twelve", "$12k", "an hour and
sixteen minutes", "three twelve in the morning"); scoring compares them only after these functions have
turned each into one canonical value. No model, no I/O.
"""

from __future__ import annotations

import re

_UNIT_WORDS = """zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen
    sixteen seventeen eighteen nineteen"""
_TEN_WORDS = "twenty thirty forty fifty sixty seventy eighty ninety"
_UNITS = {w: i for i, w in enumerate(_UNIT_WORDS.split())}
_TENS = {w: 10 * i for i, w in enumerate(_TEN_WORDS.split(), start=2)}
_SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000}
_NUMBER_WORD = "|".join(sorted([*_UNITS, *_TENS, *_SCALES], key=len, reverse=True))
_NUMBER_RUN = re.compile(rf"\b(?:a\s+)?(?:{_NUMBER_WORD})(?:(?:\s+and\s+|\s+|-)(?:{_NUMBER_WORD}))*\b")


def _spell_run(run: str) -> str:
    """Digits for one run of number words; two small numbers in a row stay two ("three twelve" -> "3 12")."""
    out: list[str] = []
    total = current = 0
    last: str | None = None  # kind of the previous word: unit, teen, ten, hundred, scale

    def flush() -> None:
        nonlocal total, current, last
        if last is not None:
            out.append(str(total + current))
        total = current = 0
        last = None

    tokens = run.replace("-", " ").split()
    for i, tok in enumerate(tokens):
        if tok == "a":  # "a hundred", "a thousand": the pattern only allows it first, before a number word
            if i + 1 < len(tokens) and tokens[i + 1] in _SCALES:
                current, last = 1, "unit"
            else:
                out.append(tok)
            continue
        if tok == "and":
            if last not in {"hundred", "scale"}:
                flush()
                out.append(tok)
            continue
        if tok in _SCALES:
            if last is None:  # "1.2 million": the scale of a figure written in digits, left to `figures`
                out.append(tok)
                continue
            if tok == "hundred":
                current, last = max(current, 1) * 100, "hundred"
            else:
                total, current, last = total + max(current, 1) * _SCALES[tok], 0, "scale"
            continue
        value, kind = (_UNITS[tok], "unit" if _UNITS[tok] < 10 else "teen") if tok in _UNITS else (_TENS[tok], "ten")
        if last in {"unit", "teen"} or (last == "ten" and kind != "unit"):
            flush()  # "three twelve", "sixteen forty", "twelve thirty": a new number
        current += value
        last = kind
    flush()
    return " ".join(out)


def words_to_digits(text: str) -> str:
    """`text` lower-cased, with spelled-out numbers as digits: "two hundred and twelve" -> "212",
    "sixteen forty-two" -> "16 42", "an hour and sixteen minutes" -> "an hour and 16 minutes"."""
    return _NUMBER_RUN.sub(lambda m: _spell_run(m[0]), text.lower())


_NUMBER = re.compile(r"(?<![\d.])(\d+(?:,\d{3})*(?:\.\d+)?)(?:\s*(k|thousand|m|million|bn|billion)\b)?")
_SCALE_SUFFIX = {"k": 1e3, "thousand": 1e3, "m": 1e6, "million": 1e6, "bn": 1e9, "billion": 1e9}
_CLOCK = re.compile(r"\b\d{1,2}[:.]\d{2}\s*(?:am|pm|a\.m\.|p\.m\.)?")


def figures(text: str) -> list[float]:
    """The numbers in `text`, in order, digits or words: "$12k" -> 12000, "3,400" -> 3400, "two" -> 2.

    Clock times ("9:37") are left out: in an impact figure they are the start or end, not the figure."""
    values = []
    for m in _NUMBER.finditer(words_to_digits(_CLOCK.sub(" ", text.lower()))):
        value = float(m[1].replace(",", ""))
        if m[2]:
            value *= _SCALE_SUFFIX[m[2]]
        values.append(value)
    return values


def duration_minutes(text: str) -> float | None:
    """Minutes in a spoken or written duration: "an hour and sixteen minutes" -> 76, "2h27m" -> 147,
    "90 min" -> 90, "from 03:12 to 04:28" -> 76 (when no unit is given). None when there is none."""
    low = text.lower()
    low = re.sub(r"\bhalf an hour\b", "30 minutes", low)
    low = re.sub(r"\ban hour and a half\b", "90 minutes", low)
    low = re.sub(r"\b(?:an|a|one) hour\b", "1 hour", low)
    digits = words_to_digits(low)
    hours = [float(h) for h in re.findall(r"(\d+(?:\.\d+)?)\s*(?:hours?|hrs?|h)(?![a-z])", digits)]
    minutes = [float(m) for m in re.findall(r"(\d+(?:\.\d+)?)\s*(?:minutes?|mins?|m)(?![a-z])", digits)]
    if hours or minutes:
        return (hours[0] if hours else 0.0) * 60 + (minutes[0] if minutes else 0.0)
    clocks = [t for t in (normalize_time(c) for c in _CLOCK.findall(text)) if len(t) == 1]
    if len(clocks) >= 2:
        return span_minutes(next(iter(clocks[0])), next(iter(clocks[1])))
    return None


def span_minutes(start: str, end: str) -> float:
    """Minutes from one HH:MM to another; an end before the start is on the next day (an incident past
    midnight)."""
    (h1, m1), (h2, m2) = (map(int, t.split(":")) for t in (start, end))
    return float(((h2 * 60 + m2) - (h1 * 60 + m1)) % (24 * 60))


_AM = re.compile(r"\b(?:am|a\.m\.?|in the morning|at night)\b|\bmidnight\b")
_PM = re.compile(r"\b(?:pm|p\.m\.?|in the afternoon|in the evening|tonight)\b")


def normalize_time(text: str | None) -> frozenset[str]:
    """The HH:MM (24 h) times a spoken or written incident-clock time can mean; empty when it has none.

    "16:42", "16.42", "1642", "4:42 pm", "three twelve in the morning" -> one time; "0312" and "03:12" (a
    leading zero) -> 03:12 only; "2:30", "around two thirty" (no am/pm) -> {"02:30", "14:30"}; also
    "ten past four", "twelve minutes past three", "twenty to five", "quarter past twelve", "half past two",
    "3 pm", "noon", "midnight".
    Only the first time in `text` counts."""
    if not text:
        return frozenset()
    low = text.lower().replace("o'clock", "").replace("o’clock", "")
    digits = words_to_digits(low.replace(".m.", "m").replace("a.m", "am").replace("p.m", "pm"))
    found: list[tuple[int, int, int, bool]] = []  # (position, hour, minute, leading zero)
    for m in re.finditer(r"\b(\d{1,2})\s*[:.h]\s*(\d{2})\b", digits):
        found.append((m.start(), int(m[1]), int(m[2]), m[1].startswith("0") and len(m[1]) == 2))
    for m in re.finditer(r"(?<![\d:.,/-])\b(\d{3,4})\b(?![:.,/-]\d)", digits):  # "0312", not "3,400", a date
        found.append((m.start(), int(m[1]) // 100, int(m[1]) % 100, m[1].startswith("0")))
    for m in re.finditer(r"\b(quarter|half|\d{1,2})(?:\s+minutes?)?\s+(past|after|to|before)\s+(\d{1,2})\b", digits):
        minutes = {"quarter": 15, "half": 30}.get(m[1]) or int(m[1])
        if m[1] == "half" and m[2] in {"to", "before"}:
            continue
        hour = int(m[3]) if m[2] in {"past", "after"} else (int(m[3]) - 1) % 24
        minute = minutes if m[2] in {"past", "after"} else 60 - minutes
        if 0 < minutes < 60:
            found.append((m.start(), hour, minute, False))
    for m in re.finditer(r"\b(\d{1,2})\s+(\d{2})\b", digits):  # "three twelve" -> "3 12"
        if int(m[2]) >= 10:
            found.append((m.start(), int(m[1]), int(m[2]), False))
    for m in re.finditer(
        r"\b(\d{1,2})\s*(?:am|pm)\b|\b(\d{1,2})\s+(?:in the (?:morning|afternoon|evening)|at night)", digits
    ):
        found.append((m.start(), int(m[1] or m[2]), 0, False))
    for m in re.finditer(r"\b(noon|midday|midnight)\b", digits):
        found.append((m.start(), 0 if m[1] == "midnight" else 12, 0, True))
    found = [f for f in found if 0 <= f[1] <= 24 and 0 <= f[2] < 60]
    if not found:
        return frozenset()
    pos, hour, minute, zero = min(found, key=lambda f: f[0])
    rest = digits[pos:]
    if _PM.search(rest) and hour < 12:
        return frozenset({f"{hour + 12:02d}:{minute:02d}"})
    if _AM.search(rest) or zero or hour == 0 or hour >= 13:
        return frozenset({f"{hour % 12 if _AM.search(rest) else hour % 24:02d}:{minute:02d}"})
    return frozenset({f"{hour % 12:02d}:{minute:02d}", f"{hour % 12 + 12:02d}:{minute:02d}"})
