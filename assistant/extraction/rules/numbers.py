"""Spoken number words ("forty two", "oh five", "nine thousand two hundred") to integers."""

from __future__ import annotations

import re

UNITS = {
    "zero": 0, "oh": 0, "o": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}  # fmt: skip
TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}
NUMBER_WORD = "|".join(sorted([*UNITS, *TENS, *SCALES], key=len, reverse=True))

_NUMBER_PHRASE = re.compile(
    rf"\b(?:{NUMBER_WORD})(?:(?:\s+|-)(?:and\s+)?(?:{NUMBER_WORD}))*\b",
    re.I,
)


def below_hundred(words: list[str]) -> int | None:
    """0-99 from one or two words ("forty", "forty two", "oh five"); None when it is not such a number."""
    if not words or len(words) > 2:
        return None
    w = [x.lower() for x in words]
    if len(w) == 1:
        return UNITS.get(w[0], TENS.get(w[0]))
    if w[0] in TENS and w[1] in UNITS and 0 < UNITS[w[1]] < 10:
        return TENS[w[0]] + UNITS[w[1]]
    if w[0] in ("oh", "o") and w[1] in UNITS and 0 < UNITS[w[1]] < 10:
        return UNITS[w[1]]
    return None


def words_to_int(text: str) -> int | None:
    """A whole number spoken in words ("nine thousand two hundred") or None."""
    total = 0
    current = 0
    seen = False
    for raw in re.split(r"[\s-]+", text.lower().strip()):
        if not raw or raw == "and":
            continue
        if raw in UNITS:
            current += UNITS[raw]
        elif raw in TENS:
            current += TENS[raw]
        elif raw == "hundred":
            current = (current or 1) * 100
        elif raw in SCALES:
            total += (current or 1) * SCALES[raw]
            current = 0
        else:
            return None
        seen = True
    return total + current if seen else None


_SCALED = ("hundred", *SCALES)
# "between fifty and sixty thousand", "five or six hundred", "two to three million": the scale said once
# belongs to both ends of the range.
_RANGE = re.compile(r"^(?P<a>.+?)\s+(?P<op>and|or|to)\s+(?P<b>.+\b(?:hundred|thousand|million|billion))$", re.I)


def _phrase_digits(phrase: str, between: bool) -> str:
    range_m = _RANGE.match(phrase)
    if range_m and (range_m.group("op").lower() != "and" or between):
        a, b = words_to_int(range_m.group("a")), words_to_int(range_m.group("b"))
        last = range_m.group("b").split()[-1].lower()
        if a is not None and b is not None and not re.search(r"hundred|thousand|million|billion", range_m.group("a")):
            scale = 100 if last == "hundred" else SCALES[last]
            return f"{a * scale} {range_m.group('op')} {b}"
    # "and" joins the parts of one number only after a scale ("two hundred and thirty"); elsewhere it
    # separates two numbers ("fifty and sixty", "three and four").
    parts = re.split(r"(\s+and\s+)", phrase)
    out: list[str] = []
    for part in parts:
        if out and re.fullmatch(r"\s+and\s+", out[-1]) is None and re.fullmatch(r"\s+and\s+", part):
            out.append(part)
            continue
        if out and re.fullmatch(r"\s+and\s+", out[-1]) and len(out) >= 2:
            before = out[-2].split()[-1].lower() if out[-2].split() else ""
            if before in _SCALED:
                joined = out[-2] + out[-1] + part
                out[-2:] = [joined]
                continue
        out.append(part)
    pieces = []
    for piece in out:
        value = None if re.fullmatch(r"\s+and\s+", piece) else words_to_int(piece)
        pieces.append(piece if value is None or piece.lower() in ("o", "oh") else str(value))
    return "".join(pieces)


def digits_for_words(text: str) -> str:
    """The text with spoken whole numbers written as digits ("nine thousand users" -> "9000 users",
    "between fifty and sixty thousand" -> "between 50000 and 60000")."""

    def repl(m: re.Match[str]) -> str:
        phrase = m.group(0)
        if phrase.lower() in ("o", "oh"):
            return phrase
        between = bool(re.search(r"\b(?:between|from)\s*$", text[: m.start()], re.I))
        return _phrase_digits(phrase, between)

    return _NUMBER_PHRASE.sub(repl, _OR_RANGE.sub(_scale_low_end, text))


_SMALL = "|".join(sorted([*UNITS, *TENS], key=len, reverse=True))
_OR_RANGE = re.compile(
    rf"\b(?P<a>(?:{_SMALL})(?:[\s-](?:{_SMALL}))?)\s+(?P<op>or|to)\s+"
    rf"(?P<b>(?:{_SMALL})(?:[\s-](?:{_SMALL}))?)[\s-]+(?P<scale>hundred|thousand|million|billion)\b",
    re.I,
)


def _scale_low_end(m: re.Match[str]) -> str:
    a = words_to_int(m.group("a"))
    b = words_to_int(m.group("b"))
    if a is None or b is None or a >= b:
        return m.group(0)  # "ten to two hundred" is not a range of hundreds
    scale = 100 if m.group("scale").lower() == "hundred" else SCALES[m.group("scale").lower()]
    return f"{a * scale} {m.group('op')} {b * scale}"
