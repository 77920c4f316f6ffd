"""The due-date phrase of a commitment ("by Friday", "by the fourteenth", "in two weeks", "soon")."""

from __future__ import annotations

import re

_DAYS = r"monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tue|tues|wed|thu|thurs|fri"
_MONTHS = (
    r"january|february|march|april|may|june|july|august|september|october|november|december|"
    r"jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec"
)
_ORD = (
    r"first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth|thirteenth|"
    r"fourteenth|fifteenth|sixteenth|seventeenth|eighteenth|nineteenth|twentieth|twenty[- ]first|"
    r"twenty[- ]second|twenty[- ]third|twenty[- ]fourth|twenty[- ]fifth|twenty[- ]sixth|twenty[- ]seventh|"
    r"twenty[- ]eighth|twenty[- ]ninth|thirtieth|thirty[- ]first|\d{1,2}(?:st|nd|rd|th)"
)
_NUM = r"\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|a couple of|a few"
_WHEN = (
    rf"(?:(?:this|next|the following|coming)\s+)?(?:{_DAYS})(?:\s+(?:next|this)\s+week)?(?:\s+the\s+(?:{_ORD}))?|"
    rf"(?:the\s+)?end\s+of\s+(?:the\s+|this\s+|next\s+)?(?:day|week|month|sprint|quarter|year|{_DAYS})|"
    rf"(?:this|next|the following)\s+(?:week|month|sprint|quarter|year)|"
    rf"(?:the\s+)?(?:{_ORD})(?:\s+of\s+(?:{_MONTHS}))?|(?:{_MONTHS})\s+(?:the\s+)?(?:{_ORD}|\d{{1,2}})|"
    rf"\d{{4}}-\d{{2}}-\d{{2}}|tomorrow(?:\s+(?:morning|afternoon|evening|night))?|today|tonight|eod|eow|"
    rf"close of business|cob|midweek|mid[- ]week|the weekend|next release|the next release|the next sprint|"
    rf"the retro|the next retro|our next (?:sync|meeting|review)|the next (?:sync|meeting|review)"
)
DUE = re.compile(
    rf"\b(?:(?:by|before|until|till|no later than|not later than|due|on|for|latest|at the latest by)\s+(?:{_WHEN})|"
    rf"(?:in|within)\s+(?:the\s+next\s+)?(?:{_NUM})\s+(?:business\s+|working\s+)?(?:days?|weeks?|months?)|"
    rf"(?:this|next|the following)\s+(?:week|sprint|month|{_DAYS})|(?:the\s+)?end\s+of\s+(?:the\s+|this\s+|next\s+)?"
    rf"(?:day|week|month|sprint|quarter)|tomorrow|tonight|today|eod)\b",
    re.I,
)
VAGUE = re.compile(
    r"\b(?:soon|soonish|asap|as soon as (?:possible|we can)|at some point|sometime|some time|eventually|later on|"
    r"when (?:we|someone|somebody|they) (?:get|gets|has|have|find|finds) (?:a chance|time|the time)|"
    r"in the future|down the line|down the road|shortly|in the coming weeks|one of these days|when possible)\b",
    re.I,
)


def due_phrase(text: str) -> tuple[str | None, tuple[int, int] | None]:
    """The first concrete due phrase, else the first vague one; and where it is in `text`."""
    m = DUE.search(text) or VAGUE.search(text)
    if m is None:
        return None, None
    return m.group(0).strip(), (m.start(), m.end())
