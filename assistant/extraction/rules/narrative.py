"""The incident's story: timeline (spoken clock times), impact figures, the whys, the systemic cause,
what worked and what did not. All of it is read from the words by code; none of it needs a model."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from assistant.extraction.rules.clock import find_times, on_incident_clock
from assistant.extraction.rules.dialogue import DONT_KNOW
from assistant.extraction.rules.lexicon import tidy
from assistant.extraction.rules.numbers import digits_for_words
from assistant.extraction.rules.sentences import Sentence, next_turns
from assistant.extraction.rules.worked import worked_didnt


@dataclass
class TimelineFind:
    sentence: int
    time: str
    event: str


@dataclass
class Figure:
    sentence: int
    field: str
    value: str


@dataclass
class WhyFind:
    question: int
    answer: int
    question_text: str
    answer_text: str


@dataclass
class Narrative:
    timeline: list[TimelineFind] = field(default_factory=list)
    impact: dict[str, Figure] = field(default_factory=dict)
    whys: list[WhyFind] = field(default_factory=list)
    systemic: tuple[int, str] | None = None
    worked: list[tuple[int, str]] = field(default_factory=list)
    didnt: list[tuple[int, str]] = field(default_factory=list)
    why_questions: set[int] = field(default_factory=set)


# --- timeline -------------------------------------------------------------------------------------

_CLAUSE_SPLIT = re.compile(r",?\s+(?:and then|and|but|then|so|which|when|after which)\s+(?=\w)|;\s+|,\s+(?=at\s)", re.I)
_DUE_BEFORE_TIME = re.compile(r"\b(?:by|before|until|no later than)\s*$", re.I)
_MEETING_TIME = re.compile(
    r"\b(?:meet|meeting|sync|call|review|retro|standup|stand-up|catch up|reconvene|lunch|talk)\b", re.I
)


_SPAN_STATEMENT = re.compile(
    r"\b(?:that is|that's|which is|which makes|a total of|in total|lasted|altogether|overall)\s+(?:about |around |roughly |almost |nearly |over |just over |just under )?"
    r"(?:an?|\d+|[a-z]+)(?:[\s-][a-z]+)?\s+(?:hours?|minutes?)\b",
    re.I,
)


def _event_text(clause: str, spoken: str) -> str:
    text = clause.replace(spoken, " ")
    text = re.sub(
        r"\b(?:at|around|about|by|roughly|approximately|just after|just before)\s*(?=[,.]|$)", " ", text, flags=re.I
    )
    text = re.sub(r"^\s*(?:at|around|about|by|from|until|till)\s+", "", text, flags=re.I)
    text = re.sub(r"\s+([,.])", r"\1", re.sub(r"\s+", " ", text)).strip(" ,.")
    return tidy(text)


def timeline(sentences: Sequence[Sentence], actions: set[int]) -> list[TimelineFind]:
    raw: list[TimelineFind] = []
    for s in sentences:
        times = find_times(s.text)
        if not times:
            continue
        if len(times) >= 2 and _SPAN_STATEMENT.search(s.text):
            continue  # "From 13:48 to quarter past four, that is two hours…": the impact's duration
        clauses = _clauses_with_times(s.text)
        for t in times:
            before = s.text[: t.start]
            if s.index in actions and _DUE_BEFORE_TIME.search(before):
                continue  # "by 3 pm tomorrow" is a due time, not an event
            if _MEETING_TIME.search(s.text) and re.search(r"\b(?:tomorrow|next|let's|we'll|shall)\b", s.text, re.I):
                continue  # "let's meet at 3 tomorrow"
            clause = next((c for c, a, b in clauses if a <= t.start < b), s.text)
            event = _event_text(clause, t.spoken)
            if len(event.split()) < 2:
                event = _event_text(s.text, t.spoken)
            raw.append(TimelineFind(s.index, t.hhmm, event))
    for item, resolved in zip(raw, on_incident_clock([r.time for r in raw]), strict=True):
        item.time = resolved
    # A time said again later ("…saw it at 13:53 and nobody was told") is the same event retold.
    seen: set[str] = set()
    unique = []
    for item in raw:
        if item.time not in seen:
            seen.add(item.time)
            unique.append(item)
    return unique


def _clauses_with_times(text: str) -> list[tuple[str, int, int]]:
    """Split at conjunctions so that each time keeps only its own clause ("…at 17:29, and it was
    complete at 17:36")."""
    out: list[tuple[str, int, int]] = []
    pos = 0
    for m in _CLAUSE_SPLIT.finditer(text):
        out.append((text[pos : m.start()], pos, m.start()))
        pos = m.end()
    out.append((text[pos:], pos, len(text)))
    # A clause without a time joins the one before it ("At 17:24 we tried a fix, but it did not help").
    merged: list[tuple[str, int, int]] = []
    for clause, a, b in out:
        if merged and not find_times(clause):
            _, pa, _ = merged[-1]
            merged[-1] = (text[pa:b], pa, b)
        else:
            merged.append((clause, a, b))
    return merged


# --- impact ---------------------------------------------------------------------------------------

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


# --- whys, systemic cause ---------------------------------------------------------------------------

_WHY_Q = re.compile(r"\b(?:why|how come)\b", re.I)
_BECAUSE = re.compile(
    r"^(?:(?:well|so|um|uh|i think|honestly|basically|mostly)[,]?\s+)*(?:because|since|cause)\s+(?:of\s+)?", re.I
)
_SYSTEMIC = re.compile(
    r"\b(?:(?:the\s+)?(?:systemic|root|underlying|real|core|deeper|fundamental|actual)\s+(?:cause|issue|problem|reason|\w+(?=\s+(?:is|was)\s+that))"
    r"(?:\s+here)?\s+(?:is|was|then is|seems to be|really is)(?:\s+that)?|"
    r"(?:it|this|that|everything)\s+(?:all\s+)?(?:comes|boils)\s+down\s+to|at the (?:heart|root) of (?:it|this|the problem) (?:is|was)(?: that)?|underneath (?:it all|all of (?:it|this)|everything),?|"
    r"(?:so\s+)?fundamentally,|the lesson is(?: that)?|the real lesson is(?: that)?|"
    r"(?:systemic|root|underlying|real) cause,?\s+(?:as I see it|I think|if you ask me|in my view)\s*[:,]|(?:if (?:I|we) )?follow (?:that|it|this) all the way down,?|"
    r"what we really lack is|the gap is(?: that)?|put simply|simply put|in short|in a nutshell|the bottom line is(?: that)?|"
    r"to sum (?:it )?up|to summari[sz]e)\s*[:,]?\s*",
    re.I,
)


_DEEPER = re.compile(
    r"^(?:(?:and|but|also|plus|well)[,]?\s+)*(?:(?:that|this|it)(?:'s| is| was)\s+)?(?:(?:partly|mostly|really|also)\s+)?because\s+(?:of\s+)?|"
    r"^(?:(?:and|but|also)[,]?\s+)?(?=[^.]*\bbecause\b)",
    re.I,
)


def whys(sentences: Sequence[Sentence]) -> tuple[list[WhyFind], set[int]]:
    out: list[WhyFind] = []
    asked: set[int] = set()
    for s in sentences:
        if not (s.is_question and _WHY_Q.search(s.text)):
            continue
        asked.add(s.index)
        replies = [r for r in next_turns(sentences, s.index, 1) if s.speaker is None or r.speaker != s.speaker]
        if not replies or DONT_KNOW.search(replies[0].text) or replies[0].is_question:
            continue
        answer = replies[0]
        text = _BECAUSE.sub("", answer.text)
        if len(text.split()) < 5 and len(replies) > 1:
            text = f"{text.rstrip('.')}; {replies[1].text}"
        question = tidy(s.text) + ("" if s.text.endswith("?") else "?")
        out.append(WhyFind(s.index, answer.index, question, tidy(text)))
        # Someone else goes one level deeper without being asked ("And that is because the console…").
        for extra in next_turns(sentences, answer.index, 1):
            if extra.speaker in (s.speaker, answer.speaker) or extra.is_question:
                break
            deeper = _DEEPER.search(extra.text)
            if deeper:
                out.append(WhyFind(s.index, extra.index, question, tidy(extra.text[deeper.end() :])))
                break
    return out, asked


def systemic(sentences: Sequence[Sentence]) -> tuple[int, str] | None:
    for s in reversed(sentences):
        m = _SYSTEMIC.search(s.text)
        if m and len(s.text[m.end() :].split()) >= 3:
            return s.index, tidy(s.text[m.end() :])
    return None


def read_narrative(sentences: Sequence[Sentence], actions: set[int], items: set[int]) -> Narrative:
    chain, asked = whys(sentences)
    worked, didnt = worked_didnt(sentences, items | asked)
    return Narrative(
        timeline=timeline(sentences, actions),
        impact=impact(sentences),
        whys=chain,
        systemic=systemic(sentences),
        worked=worked,
        didnt=didnt,
        why_questions=asked,
    )
