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


# Hedges a speaker puts before a figure ("a little over", "getting on for", "north of") and after it
# ("forty-odd", "200-ish", "300 or so", "50+").
HEDGE = (
    r"(?:(?:a little|a bit|just|well|slightly|comfortably) (?:over|under|more than|less than)|more than|less than|"
    r"about|around|roughly|almost|nearly|over|under|some|approximately|upwards of|close to|getting on for|"
    r"north of|south of|somewhere around|in the region of|an estimated|at least|at most|up to|~)"
)
_APPROX = r"(?:-?odd\b|-?ish\b|\+|\s+or so\b|\s+plus\b)?"
_NUM = rf"(?:{HEDGE}\s*)?\$?\d[\d,]*(?:\.\d+)?(?:\s?(?:k|m|thousand|million|billion|grand)\b)?{_APPROX}"
_DURATION = re.compile(
    r"(?:\b(?:lasted|outage (?:was|of)|down for|downtime of|for a total of|total(?:led)? (?:of )?|in total|"
    r"(?:was|were) (?:down|out|degraded|broken|offline|unavailable) for|impact(?:ed)? (?:window )?(?:of|for|lasted)|"
    r"(?:a|an) (?:\w+ )?(?:outage|incident|disruption) of)\s+(?:about |around |roughly |almost |nearly |over |just over |just under )?"
    r"(?P<d1>\d[\d,.]*\s*(?:minutes?|mins?|hours?|hrs?|seconds?)(?:\s+and\s+\d+\s*minutes?)?))|"
    r"(?:slow|failing|down|broken|degraded|unavailable|erroring|offline|impaired|out|unreachable|wrong|empty|missing|stale|"
    r"unusable|duplicated|returned errors|returning errors|(?:outage|incident|disruption|problem) (?:ran|went on|continued))"
    r"(?:\s+or\s+\w+)?\s+for\s+"
    rf"(?:{HEDGE}\s+)?(?P<d3>(?:an?|\d[\d,.]*)\s*(?:minutes?|hours?)(?:\s+and\s+(?:a half|a quarter|\d+\s*minutes?))?)|"
    r"(?P<d4>(?:an?|\d+)\s+hours?(?:\s+and\s+(?:a half|a quarter|\d+\s+minutes?))?|\d+\s+minutes?)\s+of\s+(?:elevated\s+|degraded\s+|partial\s+|total\s+|full\s+)?"
    r"(?:\w+\s+)?(?:crashes|errors|downtime|outage|impact|disruption|failures|latency|degradation|unavailability|duplicates)|"
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
    rf"api calls|jobs|messages|emails|tenants|stores|drivers|riders|patients|members|players|sign-?ups|searches|uploads|downloads|bookings|deliveries|records|rows|files|"
    rf"employees|staff|workers|students|passengers|guests|households|families|buyers|sellers|partners|companies|"
    rf"businesses|organi[sz]ations|shipments|parcels|packages|invoices|payslips|payouts|queries|pages|visits))\b",
    re.I,
)
_REVENUE = re.compile(
    rf"(?P<v>(?:about |around |roughly |almost |nearly |over |more than |approximately |~)?(?:\$|€|£)\s?\d[\d,]*(?:\.\d+)?(?:\s?(?:k|m|thousand|million|billion))?|"
    rf"{_NUM}\s*(?:dollars|euros|pounds|usd|eur|gbp|bucks|quid|grand)|\d[\d,]*(?:\.\d+)?\s?k\b(?=[^.]*\b(?:dollars|euros|pounds|revenue|sales)))"
    rf"(?:\s+(?:in|of)\s+(?:lost\s+)?(?:revenue|sales|refunds|credits|orders))?",
    re.I,
)
_TICKETS = re.compile(
    rf"(?P<v>{_NUM}\s+(?:\w+\s+){{0,2}}?(?:tickets|complaints|support (?:cases|requests|contacts)|cases|chats|calls to support))\b",
    re.I,
)
_SLA = re.compile(
    r"\b(?:sla|slas|slo|slos|service level|error budget|"
    r"(?:availability|uptime|delivery|latency|response[- ]time|dispatch|success[- ]rate) (?:target|objective|clause|guarantee|commitment|promise)|"
    r"contracts? (?:promises?|guarantees?|commits?|says?)|(?:broke|breached|missed|failed to (?:meet|keep)) (?:our |the )?(?:own )?(?:promise|commitment|guarantee)|"
    r"contractual|credits? to customers|service credits?|(?:missed|breached|blew|broke) (?:the |our )?(?:[\w.]+ ){0,3}(?:objective|target|budget)|"
    r"(?:objective|target) (?:is|was|of) \d+)\b",
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
    r"\b(?:crash|fail|affect|impact|could not|couldn't|unable|saw|hit|got errors|errors|lost|dropped|stuck|delayed|timed out|broken|locked out|missed|"
    r"(?:paid|charged|billed|sent|booked|shipped) (?:twice|double|two times)|double[- ](?:paid|charged|billed)|came back (?:empty|blank|with nothing)|"
    r"returned (?:nothing|no results)|got nothing|(?:went|were|was) missing|never (?:got|received|arrived))",
    re.I,
)
# The facilitator's turn to the damage: "What did it cost us?", "Right, the damage.", "How bad was it?"
_IMPACT_ASK = re.compile(
    r"\b(?:what|how much) (?:did|does) (?:it|that|this|all this|the outage|the incident) (?:cost|mean)|\bthe damage\b|"
    r"\b(?:what|how big) (?:was|is) the (?:impact|damage|blast radius|fallout|cost|bill)|\bhow bad (?:was|is) it\b|"
    r"\bwho (?:was|got|were) (?:affected|hit|impacted)|\bhow many (?:people|users|customers) (?:were|got)|\bthe impact\b|"
    r"\bwhat did we lose\b|\bwhat (?:was|were) the (?:consequences|numbers)\b|\bthe numbers\b",
    re.I,
)
_THRESHOLD_BEFORE = re.compile(
    r"\b(?:waits?|waited|after|within|every|per|needs?|takes?)\s+(?:for\s+)?(?:the\s+first\s+)?$", re.I
)
_PEOPLE = re.compile(
    r"\b(?:users|customers|people|employees|staff|members|clients|merchants|subscribers|shoppers|visitors|patients|"
    r"players|drivers|riders|students|passengers|guests|tenants|households|families|accounts)\b",
    re.I,
)
IMPACT_REACH_TURNS = 6
"""Turns after the prompt that answer it: their figures are the impact, before any said elsewhere."""
# "Call it fifty-five thousand": the speaker's own round figure replaces the estimate before it.
_RESTATE = re.compile(
    r"\b(?:call it|let's say|let us say|say|so about|so roughly|round(?:ed|ing)? (?:it )?(?:up|down) to)\b", re.I
)
_DUR = (
    r"((?:(?:a little|a bit|just|well|slightly) (?:over|under)|about|around|roughly|almost|nearly|over|under|"
    r"more than|less than|some|approximately|a good)?\s*(?:(?:an?|\d+(?:\.\d+)?)(?:\s+and\s+a\s+half)?\s+(?:hours?|minutes?|mins?)"
    r"(?:\s+and\s+(?:a half|a quarter|\d+\s+minutes?))?|half an hour|an hour and a (?:half|quarter)))"
)
_NOT_SPAN_AFTER = r"(?!\s+(?:later|after|ago|before|earlier|in\b|into|to (?:find|get|fix|work|figure)|lost|wasted|of (?:debugging|confusion|delay|waiting)))"
# A duration said as the summary of the story: "So roughly fifty-five minutes from the push to the
# rollback", "call it about nine hours", "an hour and a half with no labels", "two hours of empty search".
_SUMMARY_DURATION = re.compile(
    rf"^(?:(?:so|okay|ok|right|all in all|in all|overall|altogether|all told|in total)[,]?\s+)+"
    rf"(?:that's\s+|that is\s+|it was\s+|we're talking\s+|we were (?:down|out) for\s+)?(?:call it\s+)?(?P<dur1>{_DUR}){_NOT_SPAN_AFTER}|"
    rf"\bcall it\s+(?P<dur2>{_DUR}){_NOT_SPAN_AFTER}|"
    rf"(?P<dur3>{_DUR})\s+(?:from|between)\s+the\b[^.]*\b(?:to|until|till|and)\b|"
    rf"(?P<dur4>{_DUR})\s+(?:with(?:out| no)|of (?:no|empty|zero|broken|failed|failing|missing|lost|degraded|slow))\s+\w+",
    re.I,
)


def _answer_stretch(sentences: Sequence[Sentence]) -> set[int]:
    """Sentences in the turns that answer the facilitator's question about the damage."""
    out: set[int] = set()
    for s in sentences:
        if _IMPACT_ASK.search(s.text):
            out.update(x.index for x in sentences if s.turn < x.turn <= s.turn + IMPACT_REACH_TURNS)
    return out


def _grand(value: str) -> str:
    """ "roughly 40 grand" -> "roughly 40,000": the figure the words mean (a grand is a thousand)."""
    return re.sub(
        r"(\d[\d,]*(?:\.\d+)?)\s*(?:grand|k)\b", lambda m: f"{float(m.group(1).replace(',', '')) * 1000:,.0f}", value
    )


def _sla_clause(text: str) -> str:
    """The clause with the SLA cue, with the clause it compares ("…at 61 percent, against a target of 98")
    or follows from ("we missed that for all 14, so there are service credits") kept with it."""
    clauses = re.split(r"(?:,\s+(?:and\s+)?|;\s+|\.\s+)", text)
    for i, c in enumerate(clauses):
        if _SLA.search(c):
            if i and re.match(
                r"^(?:against|versus|vs\.?|compared (?:to|with)|below|under|so|which means|meaning)\b", c, re.I
            ):
                return f"{clauses[i - 1]}, {c}"
            return c
    return text


def _sla_outcome(sentences: Sequence[Sentence], s: Sentence) -> str:
    """The same speaker's next sentence when it says how the promise fared ("We did not meet it…",
    "For that campaign we were at seventeen percent")."""
    nxt = sentences[s.index + 1] if s.index + 1 < len(sentences) else None
    if nxt is None or nxt.turn != s.turn or _SLA.search(nxt.text):
        return ""
    if re.search(
        r"\b(?:missed|miss|did not meet|didn't meet|not met|broke|breached|we were at|came in at|owe|credits?)\b|\d|percent",
        digits_for_words(nxt.text),
        re.I,
    ):
        return "; " + digits_for_words(nxt.text).rstrip(".")
    return ""


def impact(sentences: Sequence[Sentence]) -> dict[str, Figure]:
    found: dict[str, Figure] = {}
    stretch = _answer_stretch(sentences)

    def put(name: str, s: Sentence, value: str, restated: bool = False) -> None:
        old = found.get(name)
        if old is None or (restated and sentences[old.sentence].turn == s.turn and old.sentence != s.index):
            # "2 and a half hours" -> "2.5 hours": the figure, not two numbers
            value = re.sub(r"\b(\d+) and a half (hours?|minutes?)", r"\1.5 \2", _grand(value))
            found[name] = Figure(s.index, name, tidy(value))

    # Figures said while answering the question about the damage come first; figures said while telling
    # the timeline ("by 3 pm we had over a hundred tickets") are interim and read last.
    spoken = {s.index: len(find_times(s.text)) for s in sentences}
    for s in sorted(sentences, key=lambda s: (s.index not in stretch, spoken[s.index] > 0)):
        text = digits_for_words(s.text)
        for t in reversed(find_times(text)):
            text = text[: t.start] + " " * (t.end - t.start) + text[t.end :]
        restated = bool(_RESTATE.search(text))
        m = _DURATION.search(text)
        if m and _THRESHOLD_BEFORE.search(text[: m.start()]):
            m = None  # "it waits for six minutes of errors before it fires": an alert's threshold
        span = _SPAN_DURATION.search(text) if spoken[s.index] >= 2 else None
        summary = _SUMMARY_DURATION.search(text)
        if m:
            put("duration", s, m.group("d1") or m.group("d2") or m.group("d3") or m.group("d4"))
        elif span is not None:
            put("duration", s, span.group("d"))
        elif summary is not None:
            put("duration", s, next(g for g in summary.groups() if g).strip())
        for m in _REVENUE.finditer(text):
            if re.search(
                r"\b(?:revenue|sales|lost|cost|refund|credits?|orders|dollars|euros|pounds|grand|quid|\$|€|£)",
                text,
                re.I,
            ):
                put("revenue", s, m.group(0), restated)
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
        # People before things in one sentence: "36,000 failed requests, and 2,900 customers saw…"
        for m in sorted(_USERS.finditer(text), key=lambda m: not _PEOPLE.search(m.group("v"))):
            if _REVENUE.fullmatch(m.group("v").strip()) or re.search(r"\btickets\b", m.group(0), re.I):
                continue
            if (
                _AFFECTED.search(text)
                or re.search(r"\b(?:affected|impacted)\b", text, re.I)
                or (s.index in stretch and not re.search(r"%|percent", m.group("v")))
            ):
                put("users_affected", s, m.group("v"))
                break
        if _SLA.search(text) and "sla" not in found:
            put("sla", s, _sla_clause(text) + _sla_outcome(sentences, s))
    return found
