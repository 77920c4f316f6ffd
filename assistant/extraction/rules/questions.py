"""Open questions: raised and not answered in the meeting.

A question is open when it is said to be ("we did not settle that"), or when nobody answers it; a
question answered in the next turns, or later ("to answer Priya's question…"), is not. Questions that
run the meeting ("what worked?"), the 5-whys questions and requests ("can you…?") are not open questions.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from assistant.checks.support import content_words
from assistant.extraction.rules.dialogue import DONT_KNOW
from assistant.extraction.rules.lexicon import tidy
from assistant.extraction.rules.sentences import Sentence, next_turns, rest_of_turn

_FACILITATION_Q = re.compile(
    r"^(?:(?:okay|ok|so|and|now|then|alright|right|great|next)[,]?\s+)*(?:what (?:else )?(?:worked|went well|went right|"
    r"went wrong|went badly|didn't work|did not work|could we improve|helped|hurt)|anything else|any (?:other|more|final)|"
    r"any questions|questions|does (?:that|this) (?:sound|work|make sense)|(?:is )?everyone (?:ok|okay|agree|happy)|"
    r"are we (?:agreed|good|aligned|done)|right|ok|okay|yes|no|ready|who (?:wants|would like) to (?:start|go)|"
    r"shall we (?:start|begin|move)|can (?:you|everyone) hear|how (?:are|was|is) (?:you|everyone|your)|did you (?:have|get)|"
    r"what(?:'s| is) next|what should we do next|where (?:were|was) we|who's next|what do you think|thoughts|"
    r"agreed|makes sense|fair|sound good|can we (?:start|begin|move on)|what about you|how about you|"
    r"anything (?:else )?(?:we|you|i) (?:can't|cannot|can not|couldn't) answer|what (?:else )?(?:is|remains) (?:still )?open|what time is it|(?:can|could|may) i (?:ask|add|jump in|say)|quick question\W*$|is that (?:right|correct|everything)|did i (?:miss|get)|should we (?:start|begin|move on|wrap))\b",
    re.I,
)
_REQUEST = re.compile(r"^(?:(?:\w+),\s+)?(?:can|could|would|will) you\b|\bcan you\b.*,\s*\w+\?$", re.I)
_WHY = re.compile(r"\b(?:why|how come)\b", re.I)
_PROPOSAL_Q = re.compile(
    r"^(?:(?:okay|ok|so|and|then|well)[,]?\s+)*(?:should we|shall we|could we|can we|do we want to|what if we|how about)\b",
    re.I,
)
# A statement that is an open question ("We still don't know why the replica lagged.").
_DECLARED_OPEN = re.compile(
    r"\b(?:open question|(?:one|another|a) (?:big |remaining |last )?question (?:remains|is still)|"
    r"we (?:still )?(?:don't|do not) (?:yet )?know (?:why|whether|if|how|who|what|when)|"
    r"(?:it's|it is) (?:still )?(?:unclear|not clear) (?:why|whether|if|how|who|what)|(?:i|we) (?:keep |still |do |really )?wonder(?:ing)? (?:whether|if|why|how)|"
    r"nobody knows (?:why|whether|if|how)|no one knows (?:why|whether|if|how)|remains to be seen|"
    r"we need to figure out (?:why|whether|if|how|who)|still an open|unanswered|the question is (?:whether|if)|"
    r"(?:i|we) (?:still )?(?:don't|do not) (?:really )?understand|(?:i'm|i am|we're|we are) still not sure (?:why|whether|if|how))\b",
    re.I,
)
_LATER_ANSWER = re.compile(
    r"\b(?:to answer|answer(?:ing)? (?:to )?(?:your|that|the|\w+'s) (?:earlier )?question|(?:on|about|to|for|re) (?:your|the|that|\w+'s) (?:\w+ )?question|"
    r"coming back to|back to (?:your|the|\w+'s) question|on (?:your|the|\w+'s) (?:earlier )?question|you asked (?:earlier|about|whether|if)|"
    r"(?:turns|turned) out|i (?:just )?checked|i looked (?:it )?up|i found out|i confirmed|i can confirm|"
    r"the answer (?:is|was)|so the answer|quick update on|update on the)\b",
    re.I,
)


_LABEL_BEFORE = re.compile(
    r"\b(?:open|remaining|unanswered|last) questions?\s*[.:,]?\s*$|"
    r"\b(?:i|we) (?:can't|cannot|couldn't|can not) (?:answer|close|settle|resolve)(?: (?:yet|today|here))?\s*[.:,]?\s*$",
    re.I,
)


_LABEL_ONLY = re.compile(
    r"^\W*(?:(?:one|another|an|a|the|my|our|last|final)\s+)?(?:open|remaining|unanswered|last|final)?\s*questions?\W*$",
    re.I,
)


@dataclass
class QuestionFind:
    sentence: int
    text: str
    cited: list[int]


def _overlap(a: str, b: str) -> float:
    wa, wb = set(content_words(a)), set(content_words(b))
    return len(wa & wb) / len(wa) if wa else 0.0


def _answered_later(sentences: Sequence[Sentence], q: Sentence) -> bool:
    for s in sentences[q.index + 1 :]:
        if s.turn <= q.turn:
            continue
        if s.is_question:
            if _overlap(q.text, s.text) >= 0.5:
                return True  # asked again later ("so, why did the failover not kick in?"): judged there
            continue
        overlap = _overlap(q.text, s.text)
        if _LATER_ANSWER.search(s.text):
            # "Coming back to your question. No, partner calls go through…": the answer may be the
            # next sentence of that turn.
            said = " ".join(x.text for x in [s, *rest_of_turn(sentences, s.index)[:1]])
            if max(overlap, _overlap(q.text, said)) >= 0.3:
                return True
        if overlap >= 0.6 and s.speaker != q.speaker and not DONT_KNOW.search(s.text):
            return True  # "all 640 double charges were refunded": the question's words, stated
    return False


def _small_talk(sentences: Sequence[Sentence], q: Sentence) -> bool:
    """Before the meeting gets going ("…how a game can last five days and end in a draw"): in the
    opening tenth, and none of its words come up again in the meeting."""
    if q.index >= max(len(sentences) // 10, 3):
        return False
    words = _topic_words(q.text)
    later = {w for x in sentences[q.index + 3 :] for w in _topic_words(x.text)}
    return bool(words) and not words & later


_GENERIC = frozenset(
    [
        "still",
        "anyone",
        "someone",
        "somebody",
        "everyone",
        "nobody",
        "whether",
        "really",
        "think",
        "thing",
        "things",
        "something",
        "understand",
        "would",
        "could",
        "should",
        "there",
        "their",
        "those",
        "these",
        "about",
        "maybe",
        "actually",
        "happen",
        "happened",
        "know",
    ]
)


def _topic_words(text: str) -> set[str]:
    """Words that carry a topic (the incident's or the weekend's), not the asking."""
    return {w for w in content_words(text) if len(w) >= 5 and w not in _GENERIC}


def find_open_questions(sentences: Sequence[Sentence], skip: set[int], why_questions: set[int]) -> list[QuestionFind]:
    out: list[QuestionFind] = []
    for s in sentences:
        if s.index in skip or s.index in why_questions:
            continue
        declared = bool(_DECLARED_OPEN.search(s.text))
        if not (s.is_question or declared):
            continue
        if s.is_question and (
            _FACILITATION_Q.search(s.text) or _REQUEST.search(s.text) or len(content_words(s.text)) < 2
        ):
            continue
        if declared and not s.is_question and _LABEL_ONLY.match(s.text):
            continue  # "One open question." — the label; the question is the next sentence
        own = rest_of_turn(sentences, s.index)
        others = [x for x in next_turns(sentences, s.index, 2) if x.speaker is None or x.speaker != s.speaker]
        # "Two I can't close. Do we…? — And why didn't…?": a label covers the questions right after it.
        labelled = any(_LABEL_BEFORE.search(x.text) for x in sentences[max(0, s.index - 4) : s.index])
        marked_open = declared or labelled or any(DONT_KNOW.search(x.text) for x in own[:2])
        if not marked_open:
            first_reply = others[0] if others else None
            reply_turn = [x for x in others if first_reply is not None and x.turn == first_reply.turn]
            if first_reply is not None and not any(DONT_KNOW.search(x.text) for x in reply_turn):
                continue  # somebody answered it
            if first_reply is None and own:
                continue  # the speaker answered it themselves (a rhetorical question)
        if _PROPOSAL_Q.search(s.text) and not marked_open:
            continue  # an unanswered proposal is not a question the meeting left open
        if _answered_later(sentences, s):
            continue
        if _small_talk(sentences, s):
            continue
        text = tidy(s.text)
        if not text.endswith("?") and s.is_question:
            text += "?"
        prev = out[-1] if out else None
        if (
            prev is not None
            and prev.sentence == s.index - 1
            and sentences[prev.sentence].turn == s.turn
            and (_STUB.match(prev.text) or _BACK_REF.search(s.text))
        ):
            # "What about the people who unsubscribed again? Do we ask them back, or is that worse?": one
            # question in two sentences.
            out[-1] = QuestionFind(prev.sentence, f"{prev.text} {text}", [*prev.cited, s.index])
            continue
        out.append(QuestionFind(s.index, text, [s.index]))
    return out


_STUB = re.compile(r"^(?:and\s+)?(?:what|how) about\b", re.I)
_BACK_REF = re.compile(r"\b(?:them|they|those|it|that one|this one)\b", re.I)
