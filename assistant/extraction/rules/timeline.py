"""The timeline: events said with a clock time ("at 14:05 I pushed…"), or with an offset from the event
before ("about five minutes later the database…"), resolved on the incident's clock."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from assistant.extraction.rules.clock import find_relative, find_times, resolve_after, shift
from assistant.extraction.rules.lexicon import tidy
from assistant.extraction.rules.sentences import Sentence


@dataclass
class TimelineFind:
    sentence: int
    time: str
    event: str


_CLAUSE_SPLIT = re.compile(r",?\s+(?:and then|and|but|then|so|which|when|after which)\s+(?=\w)|;\s+|,\s+(?=at\s)", re.I)
_DUE_BEFORE_TIME = re.compile(r"\b(?:by|before|until|no later than)\s*$", re.I)
_MEETING_TIME = re.compile(
    r"\b(?:meet|meeting|sync|call|review|retro|standup|stand-up|catch up|reconvene|lunch|talk|"
    r"wrap (?:up|this up|it up))\b",
    re.I,
)
# The meeting's own clock ("we've got the room till half five", "I have a hard stop at four"): never an event.
_MEETING_CLOCK = re.compile(r"\b(?:the room|this room|hard stop|our slot|the slot|booked (?:until|till))\b", re.I)
_MEETING_PLAN = re.compile(r"\b(?:tomorrow|next|let's|let us|we'll|shall|keep moving|keep going|have to stop)\b", re.I)
# "From 13:48 to quarter past four, that is two hours…", "…until just after eleven, call it nine hours":
# two times and the length of the span between them state the impact's duration, not two events.
_SPAN_STATEMENT = re.compile(
    r"\b(?:that is|that's|which is|which makes|a total of|in total|lasted|altogether|overall|call it|"
    r"all told|all in all)\s+(?:about |around |roughly |almost |nearly |over |just over |just under |a little over |"
    r"a bit over |a good )?(?:an?|\d+|[a-z]+)(?:[\s-][a-z]+)?\s+(?:hours?|minutes?)\b",
    re.I,
)
# "…were wrong for just over seven hours, from the drop at 9:37 until…": a length, then its two ends.
_FOR_SPAN = re.compile(
    r"\bfor\s+(?:about |around |roughly |almost |nearly |over |just over |just under |a little over |a good )?"
    r"(?:an?|\d+|[a-z]+)(?:[\s-][a-z]+)?\s+(?:hours?|minutes?)\b.*\bfrom\b.*\b(?:to|until|till)\b",
    re.I,
)
_PAST_IRREGULAR = re.compile(
    r"\b(?:was|were|had|did|went|came|got|took|saw|made|sent|told|knew|found|gave|ran|began|broke|fell|heard|"
    r"left|lost|kept|said|thought|felt|held|brought|caught|shut|put|set|hit|cut|spent|woke|rang|wrote|drove|"
    r"became|stood|sat|rose|led|paid|read)\b",
    re.I,
)
_PRESENT_AUX = {"is", "are", "am", "be", "been", "being", "get", "gets", "getting"}


def _told_in_past(text: str) -> bool:
    """Whether a clause narrates (a past-tense verb), not describes ("it goes to an inbox nobody gets paged for")."""
    if _PAST_IRREGULAR.search(text):
        return True
    words = re.findall(r"[a-z']+", text.lower())
    return any(
        w.endswith("ed") and len(w) > 4 and (i == 0 or words[i - 1] not in _PRESENT_AUX) for i, w in enumerate(words)
    )


RELATIVE_REACH_TURNS = 3
"""An offset ("ten minutes later") counts from the last timed event only when that was said this close by."""


def _event_text(clause: str, spoken: str) -> str:
    text = clause.replace(spoken, " ")
    text = re.sub(
        r"\b(?:at|around|about|by|roughly|approximately|just after|just before)\s*(?=[,.]|$)", " ", text, flags=re.I
    )
    text = re.sub(r"^\s*(?:at|around|about|by|from|until|till)\s+", "", text, flags=re.I)
    # A hedge left behind by the time ("I got paged just [before half two]").
    text = re.sub(r"\b(?:just|shortly|right|a little|a bit|not long)\s*(?=[,.]|$)", " ", text, flags=re.I)
    text = re.sub(r"\s+([,.])", r"\1", re.sub(r"\s+", " ", text)).strip(" ,.")
    return tidy(text)


@dataclass
class _Said:
    sentence: Sentence
    hhmm: str | None
    """None: an offset from the previous event."""
    offset: int
    fixed: bool
    event: str
    clause: str


def _said_times(s: Sentence, actions: set[int], last_timed_turn: int | None) -> list[_Said]:
    times = find_times(s.text)
    if len(times) >= 2 and (_SPAN_STATEMENT.search(s.text) or _FOR_SPAN.search(s.text)):
        return []  # the impact's duration
    if (_MEETING_TIME.search(s.text) and _MEETING_PLAN.search(s.text)) or _MEETING_CLOCK.search(s.text):
        return []  # "let's meet at 3 tomorrow", "we have the room until four, so let's keep moving"
    clauses = _clauses_with_times(s.text)
    out: list[_Said] = []
    for t in times:
        if s.index in actions and _DUE_BEFORE_TIME.search(s.text[: t.start]):
            continue  # "by 3 pm tomorrow" is a due time, not an event
        clause = _clause_at(s.text, clauses, t.start)
        out.append(_Said(s, t.hhmm, 0, t.meridiem, _clause_event(s.text, clause, t.spoken), clause))
    if not times and last_timed_turn is not None and s.turn - last_timed_turn <= RELATIVE_REACH_TURNS:
        for r in find_relative(s.text)[:1]:
            clause = _clause_at(s.text, clauses, r.start)
            out.append(_Said(s, None, r.minutes, False, _clause_event(s.text, clause, r.spoken), clause))
    return out


def _clause_at(text: str, clauses: list[tuple[str, int, int]], at: int) -> str:
    return next((c for c, a, b in clauses if a <= at < b), text)


def _clause_event(text: str, clause: str, spoken: str) -> str:
    event = _event_text(clause, spoken)
    return event if len(event.split()) >= 2 else _event_text(text, spoken)


def timeline(sentences: Sequence[Sentence], actions: set[int], analysis_from: int | None = None) -> list[TimelineFind]:
    """`analysis_from`: the first sentence of the root-cause analysis (the first why). Past that point a time
    earlier than the latest event, in a clause that narrates nothing, is a remark about the story already
    told ("it goes to an inbox nobody reads at six in the morning"), not a late event ("I only heard at
    three")."""
    out: list[TimelineFind] = []
    seen: set[str] = set()
    previous: int | None = None
    latest: int | None = None
    last_timed_turn: int | None = None
    for s in sentences:
        said = _said_times(s, actions, last_timed_turn)
        for item in said:
            if item.hhmm is None:
                if previous is None:
                    continue
                hhmm = shift(f"{previous // 60:02d}:{previous % 60:02d}", item.offset)
            else:
                hhmm = resolve_after(previous, item.hhmm, item.fixed)
            value = int(hhmm[:2]) * 60 + int(hhmm[3:])
            previous = value
            retold = (
                analysis_from is not None
                and s.index > analysis_from
                and latest is not None
                and value < latest
                and not _told_in_past(item.clause)
            )
            latest = value if latest is None else max(latest, value)
            # A time said again later ("…saw it at 13:53 and nobody was told") is the same event retold.
            if hhmm in seen or retold:
                continue
            seen.add(hhmm)
            out.append(TimelineFind(s.index, hhmm, item.event))
        if said:
            last_timed_turn = s.turn
    return out


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
