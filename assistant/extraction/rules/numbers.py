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


def digits_for_words(text: str) -> str:
    """The text with spoken whole numbers written as digits ("nine thousand users" -> "9000 users")."""

    def repl(m: re.Match[str]) -> str:
        phrase = m.group(0)
        if phrase.lower() in ("o", "oh"):
            return phrase
        value = words_to_int(phrase)
        return phrase if value is None else str(value)

    return _NUMBER_PHRASE.sub(repl, text)
