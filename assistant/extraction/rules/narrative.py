"""The incident's story: timeline (spoken clock times), impact figures, the whys, the systemic cause,
what worked and what did not. All of it is read from the words by code; none of it needs a model."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from assistant.extraction.rules.dialogue import DONT_KNOW
from assistant.extraction.rules.impact import Figure, impact
from assistant.extraction.rules.lexicon import tidy
from assistant.extraction.rules.sentences import Sentence, next_turns
from assistant.extraction.rules.timeline import TimelineFind, timeline
from assistant.extraction.rules.worked import worked_didnt

__all__ = ["Figure", "Narrative", "TimelineFind", "WhyFind", "impact", "read_narrative", "timeline"]


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
        timeline=timeline(sentences, actions, min(asked) if asked else None),
        impact=impact(sentences),
        whys=chain,
        systemic=systemic(sentences),
        worked=worked,
        didnt=didnt,
        why_questions=asked,
    )
