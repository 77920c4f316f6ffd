"""Impact figures: how long, how many people, how much money, how many tickets, which SLA, read from
the words ("roughly forty grand", "twelve hundred employees", "an hour and a half with no labels")."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from assistant.extraction.rules.clock import find_times
from assistant.extraction.rules.lexicon import tidy
from assistant.extraction.rules.numbers import digits_for_words
from assistant.extraction.rules.sentences import Sentence


@dataclass
class Figure:
    sentence: int
    field: str
    value: str


_NUM = r"(?:about |around |roughly |almost |nearly |over |more than |just over |just under |under |some |approximately |~)?\$?\d[\d,]*(?:\.\d+)?(?:\s?(?:k|m|thousand|million|billion))?"
_DURATION = re.compile(
    r"(?:\b(?:lasted|outage (?:was|of)|down for|downtime of|for a total of|total(?:led)? (?:of )?|in total|"
    r"(?:was|were) (?:down|out|degraded|broken|offline|unavailable) for|impact(?:ed)? (?:window )?(?:of|for|lasted)|"
    r"(?:a|an) (?:\w+ )?(?:outage|incident|disruption) of)\s+(?:about |around |roughly |almost |nearly |over |just over |just under )?"
    r"(?P<d1>\d[\d,.]*\s*(?:minutes?|mins?|hours?|hrs?|seconds?)(?:\s+and\s+\d+\s*minutes?)?))|"
    r"(?:slow|failing|down|broken|degraded|unavailable|erroring|offline|impaired|out|unreachable)(?:\s+or\s+\w+)?\s+for\s+"
    r"(?:about |around |roughly |almost |nearly |over |just over |just under )?(?P<d3>(?:an?|\d[\d,.]*)\s*(?:minutes?|hours?)(?:\s+and\s+(?:a half|\d+\s*minutes?))?)|"
    r"(?P<d4>(?:an?|\d+)\s+hours?(?:\s+and\s+(?:a half|\d+\s+minutes?))?|\d+\s+minutes?)\s+of\s+(?:elevated\s+|degraded\s+|partial\s+|total\s+|full\s+)?"
    r"(?:\w+\s+)?(?:crashes|errors|downtime|outage|impact|disruption|failures|latency|degradation|unavailability)|"
    r"(?P<d2>\d[\d,.]*\s*(?:minutes?|hours?)(?:\s+and\s+\d+\s*minutes?)?)\s+(?:of\s+)?(?:downtime|outage|total|of (?:impact|disruption|errors))",
    re.I,
)
_SPAN_DURATION = re.compile(
    r"\b(?:that is|that's|which is|which makes|so|a total of|in total|lasted|altogether)\s+(?:about |around |roughly |almost |nearly |over )?"
    r"(?P<d>(?:an?|\d+)\s+hours?(?:\s+and\s+(?:a half|\d+\s+minutes?))?|\d+\s+minutes?)",
    re.I,
)
_USERS = re.compile(
    rf"(?P<v>{_NUM}\s*(?:%|percent\s+of\s+)?(?:\w+[- ]?){{0,2}}?(?:users|customers|sessions|requests|accounts|orders|merchants|"
    rf"clients|devices|logins|calls|transactions|payments|people|subscribers|shoppers|visitors|checkouts|"
    rf"api calls|jobs|messages|emails|tenants|stores|drivers|riders|patients|members|players|sign-?ups|searches|uploads|downloads|bookings|deliveries|records|rows|files))\b",
    re.I,
)
_REVENUE = re.compile(
    rf"(?P<v>(?:about |around |roughly |almost |nearly |over |more than |approximately |~)?(?:\$|€|£)\s?\d[\d,]*(?:\.\d+)?(?:\s?(?:k|m|thousand|million|billion))?|"
    rf"{_NUM}\s*(?:dollars|euros|pounds|usd|eur|gbp|bucks))(?:\s+(?:in|of)\s+(?:lost\s+)?(?:revenue|sales|refunds|credits|orders))?",
    re.I,
)
_TICKETS = re.compile(
    rf"(?P<v>{_NUM}\s+(?:\w+\s+){{0,2}}?(?:tickets|complaints|support (?:cases|requests|contacts)|cases|chats|calls to support))\b",
    re.I,
)
_SLA = re.compile(
    r"\b(?:sla|slas|slo|slos|service level|error budget|availability target|uptime target|uptime commitment|"
    r"contractual|credits? to customers|service credits?|(?:missed|breached|blew|broke) (?:the |our )?(?:[\w.]+ ){0,3}(?:objective|target|budget)|"
    r"(?:objective|target) (?:is|was|of) \d)\b",
    re.I,
)
_NOT_PEOPLE = r"(?:minutes|hours|seconds|days|weeks|months|years|dollars|euros|pounds|tickets|percent|times|bucks|cents|ms|milliseconds)"
_AFFECTED_COUNT = re.compile(
    rf"(?P<v>{_NUM}\s+(?!{_NOT_PEOPLE}\b)(?:[a-z-]+\s+){{0,2}}?(?!{_NOT_PEOPLE}\b)[a-z-]+s)\s+(?:(?:were|was|got|had|went|stayed)\s+)?"
    rf"(?:affected|delayed|impacted|lost|dropped|stuck|unable|failed|broken|down|locked out|rejected|declined|refunded|errored|"
    rf"timed out|could not|couldn't|did not go through|didn't go through|saw errors|hit errors|got errors|never arrived)\b",
    re.I,
)
_SHARE_OF = re.compile(
    rf"(?P<v>{_NUM}\s+(?:\w+\s+)?of\s+(?:them|those|these|the\s+[\w-]+|our\s+[\w-]+|all\s+[\w-]+|\d[\d,]*\s+[\w-]+))\s+"
    rf"(?:had|have|were|was|got|saw|could not|couldn't|hit|experienced|lost|failed)\b",
    re.I,
)
_AFFECTED = re.compile(
    r"\b(?:crash|fail|affect|impact|could not|couldn't|unable|saw|hit|got errors|errors|lost|dropped|stuck|delayed|timed out|broken|locked out|missed)",
    re.I,
)


def impact(sentences: Sequence[Sentence]) -> dict[str, Figure]:
    found: dict[str, Figure] = {}

    def put(name: str, s: Sentence, value: str) -> None:
        if name not in found:
            found[name] = Figure(s.index, name, tidy(value))

    # Figures said while telling the timeline ("by 3 pm we had over a hundred tickets") are interim:
    # the impact statement proper comes later, so those sentences are read last.
    spoken = {s.index: len(find_times(s.text)) for s in sentences}
    for s in sorted(sentences, key=lambda s: spoken[s.index] > 0):
        text = digits_for_words(s.text)
        for t in reversed(find_times(text)):
            text = text[: t.start] + " " * (t.end - t.start) + text[t.end :]
        m = _DURATION.search(text)
        span = _SPAN_DURATION.search(text) if spoken[s.index] >= 2 else None
        if m is None and span is not None:
            put("duration", s, span.group("d"))
        if m:
            put("duration", s, m.group("d1") or m.group("d2") or m.group("d3") or m.group("d4"))
        for m in _REVENUE.finditer(text):
            if re.search(
                r"\b(?:revenue|sales|lost|cost|refund|credits?|orders|dollars|euros|pounds|\$|€|£)", text, re.I
            ):
                put("revenue", s, m.group(0))
                break
        m = _TICKETS.search(text)
        if m and re.search(r"\b(?:tickets?|support|complaints?|cases)\b", m.group(0), re.I):
            put("tickets", s, m.group("v"))
        share = _SHARE_OF.search(text)
        if share:
            put("users_affected", s, share.group("v"))
        generic = _AFFECTED_COUNT.search(text)
        if generic and "users_affected" not in found and not _USERS.search(text):
            put("users_affected", s, generic.group("v"))
        for m in _USERS.finditer(text):
            if _REVENUE.fullmatch(m.group("v").strip()) or re.search(r"\btickets\b", m.group(0), re.I):
                continue
            if _AFFECTED.search(text) or re.search(r"\b(?:affected|impacted)\b", text, re.I):
                put("users_affected", s, m.group("v"))
                break
        if _SLA.search(text) and "sla" not in found:
            clause = next((c for c in re.split(r",\s+(?:and\s+)?|;\s+|\.\s+", text) if _SLA.search(c)), text)
            put("sla", s, clause)
    return found
