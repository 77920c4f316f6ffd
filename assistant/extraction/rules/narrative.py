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
    r"to sum (?:it )?up|to summari[sz]e|"
    # The families a facilitator closes the analysis with: where the digging ends ("at the bottom of all
    # this", "when you get down to it"), their own verdict ("here's where I land", "my read is"), the
    # pieces joined ("if I join the dots", "putting it all together", "the common thread is").
    r"(?:so\s+)?what (?:it|this|that|all this) (?:all\s+|really\s+)?(?:comes|boils) down to is(?: this| that)?|"
    r"at the (?:bottom|heart|root|core) of (?:it all|all (?:of )?(?:this|that|it)|everything|the problem|it|this)(?:,?\s*then)?(?:,?\s+(?:is|was))?(?: that)?|"
    r"when you get (?:right )?down to it|at its (?:core|heart)|"
    r"here'?s where I (?:land|come out|end up)|where I (?:land|come out|end up) is(?: that)?|"
    r"here'?s my (?:take|read|conclusion|verdict)|my (?:take|read|conclusion|verdict|summary)(?: of it)? is(?: that)?|"
    r"if (?:I|we|you) (?:join|connect|link) (?:up )?(?:the|all the|those) dots|(?:joining|connecting) (?:up )?the dots|"
    r"(?:if (?:I|we) )?put(?:ting)? (?:it|all this|all that|this) (?:all )?together|"
    r"the (?:common|red) thread(?: here)? is(?: that)?|what ties (?:it|this|all this) (?:all )?together is(?: that)?|"
    r"the (?:pattern|takeaway|big picture|through-line)(?: here)? is(?: that)?|"
    r"where (?:that|this|it|all (?:of )?this) leaves us(?: is)?|(?:that|this) leaves us with|"
    r"(?:I would|I'd|let me|we could|we can|I'll) (?:put|phrase|frame|state|word|sum up|describe) (?:the (?:systemic |root |underlying )?cause|it|that)"
    r"(?: like this| as follows| this way| as)?|the way I(?:'d| would) put it)\s*(?:,?\s*then)?\s*[:,.]?\s*",
    re.I,
)
# "Assistant, put that down as the systemic cause", "That's the real problem.": the sentence before is the cause.
_SYSTEMIC_BACKREF = re.compile(
    r"\b(?:that(?:'s| is| was)|(?:put|note|write|mark|log|record|take) (?:that|this) (?:down )?as|call (?:that|this))\s+"
    r"(?:the|our|your)\s+(?:systemic|root|underlying|real|core|actual)\s+(?:cause|problem|issue)\b",
    re.I,
)
# "Why don't we just…?", "Why not keep…?": a proposal put as a question, not a why to answer.
_PROPOSAL_WHY = re.compile(
    r"^(?:(?:so|and|but|okay|ok|then|well|hmm)[,]?\s+)*why (?:(?:don't|do not|can't|cannot|wouldn't|shouldn't) (?:we|you|i)\b|"
    r"not\s+(?:just\s+)?[a-z]{3,})",  # "Why not?" alone asks one level deeper
    re.I,
)
_ANSWER_OPENING = re.compile(r"^(?:(?:well|so|um|uh|honestly)[,]?\s+)*(?:because|since|cause)\b", re.I)


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
        if _PROPOSAL_WHY.search(s.text):
            continue  # its reply is the reason a proposal is turned down, not a cause
        replies = [r for r in next_turns(sentences, s.index, 1) if s.speaker is None or r.speaker != s.speaker]
        if not replies or replies[0].is_question:
            continue
        # "Because we didn't know it was going away" answers; a bare "we don't know" does not.
        if DONT_KNOW.search(replies[0].text) and not _ANSWER_OPENING.search(replies[0].text):
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


_NOT_A_CAUSE = re.compile(
    r"^(?:let's|let us|what|how|who|which|i (?:suggest|propose) we|next)\b",
    re.I,
)


def _cause_in(sentences: Sequence[Sentence], s: Sentence) -> tuple[int, str] | None:
    m = _SYSTEMIC.search(s.text)
    if m is None or s.is_question or _NOT_A_CAUSE.match(s.text[m.end() :]):
        return None  # "Putting it all together, let's agree the actions": the meeting moving on
    if len(s.text[m.end() :].split()) >= 3:
        return s.index, tidy(s.text[m.end() :])
    # The cue is the whole sentence ("So here's where I land."): the speaker's next sentence says it.
    nxt = sentences[s.index + 1] if s.index + 1 < len(sentences) else None
    if nxt is not None and nxt.turn == s.turn and not nxt.is_question and len(nxt.text.split()) >= 5:
        return nxt.index, tidy(nxt.text)
    return None


def _cause_before(sentences: Sequence[Sentence], s: Sentence) -> tuple[int, str] | None:
    """The statement a confirmation ("that's the root cause") points back to: the last substantive
    sentence before it, skipping short agreements ("That's it.")."""
    for prev in reversed(sentences[max(0, s.index - 3) : s.index]):
        if prev.is_question or len(prev.text.split()) < 6:
            continue
        return _cause_in(sentences, prev) or (prev.index, tidy(prev.text))
    return None


def systemic(sentences: Sequence[Sentence]) -> tuple[int, str] | None:
    for s in reversed(sentences):
        if _SYSTEMIC_BACKREF.search(s.text) and len(s.text.split()) <= 12:
            found = _cause_before(sentences, s)
            if found:
                return found
        found = _cause_in(sentences, s)
        if found:
            return found
    return None


def read_narrative(sentences: Sequence[Sentence], actions: set[int], items: set[int]) -> Narrative:
    chain, asked = whys(sentences)
    # Action sentences are never points (detect drops them anyway); excluding them here also keeps them
    # from being joined onto a point as its continuation.
    worked, didnt = worked_didnt(sentences, items | asked | actions)
    return Narrative(
        timeline=timeline(sentences, actions, min(asked) if asked else None),
        impact=impact(sentences),
        whys=chain,
        systemic=systemic(sentences),
        worked=worked,
        didnt=didnt,
        why_questions=asked,
    )
