"""Decisions: what the group settled, said outright ("we decided…") or proposed and not turned down.

A proposal someone rejects ("should we freeze all deploys?" — "no, let's not") is not a decision,
and neither is a question about whether something was decided.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from assistant.extraction.rules.dialogue import Reply, reply_to
from assistant.extraction.rules.lexicon import tidy
from assistant.extraction.rules.sentences import Sentence, next_turns, rest_of_turn

EXPLICIT = re.compile(
    r"\b(?:we(?:'ve| have)?\s+(?:all\s+|also\s+|just\s+|now\s+)*(?:decided|agreed|agree|settled on|concluded|committed to|chose|chosen)"
    r"(?:\s+(?:on|that|to|we))?|we(?:'re| are)\s+going\s+(?:to\s+go\s+)?with|we(?:'ll| will)\s+go\s+with|"
    r"(?:the|our|my)\s+decision\s+(?:is|was|then is)|it's decided|it is decided|let's agree(?:\s+(?:that|to|on))?|"
    r"we're agreed|we are agreed|everyone agrees|(?:so\s+)?the plan is|going forward,?\s+(?=we|every|all|no|any)|"
    r"from now on,?|(?:so\s+)?(?:that(?:'s| is)|it(?:'s| is)|this is) settled\s*[:,]?|decision,? then\s*[:,]|let's go with|let us go with|"
    r"what we (?:have |'ve )?decided is(?: this)?\s*[:,]?|the (?:new )?rule (?:is|will be)|we will no longer|we'll no longer|decided:|decision:|"
    r"(?:so\s+)?that's (?:the|our) decision|we're (?:going to|gonna) (?=make|require|keep|stop|move|switch|freeze|"
    r"roll|ban|block|enforce|adopt|standardi[sz]e|mandate))\s*",
    re.I,
)
_NOT_DECIDED = re.compile(
    r"\b(?:haven't|have not|didn't|did not|never|not yet|couldn't|could not|can't|cannot)\s+(?:\w+\s+)?"
    r"(?:decided|agreed|agree|decide|settled|settle)\b|\bundecided\b|\bno decision\b",
    re.I,
)
PROPOSAL = re.compile(
    r"^(?:(?:okay|ok|so|and|also|then|well|maybe|um|i think|i guess|honestly)[,]?\s+)*"
    r"(?:let's|let us|i propose(?:\s+that)?(?:\s+we)?|i suggest(?:\s+that)?(?:\s+we)?|how about(?:\s+we)?|what if we|"
    r"maybe we (?:should|could)|why don't we|i'd like (?:us )?to|can we agree(?:\s+(?:that|to|on))?|should we|shall we|could we|"
    r"do we want to|we could)\s+",
    re.I,
)
_MEETING_MOVE = re.compile(
    r"^(?:leave (?:it|that|this|them)|hold (?:it|that|this)|table (?:it|that|this)|start|begin|move on|move to (?:the|our) next|be honest|face it|go (?:on|ahead|back|through|over|around|first|next)\b|look|talk|turn|switch|get|hear|recap|review|wrap|do the|take|walk|jump|dig|"
    r"focus|continue|keep|come back|go back|see|discuss|think|not decide|park|skip|pause|break|circle|spend|"
    r"pick|try to|run through|finish|close|end|call it|stop|quickly|first|now|spend|capture|note|list|"
    r"make sure we|check in|also talk|get started|kick off)\b",
    re.I,
)


# "Here is where we landed. Every charge call carries…": the rest of the turn states the decisions.
DECISION_LEAD = re.compile(
    r"\b(?:here(?:'s| is) where we (?:landed|ended up|are)|(?:so )?(?:the |our )?decisions? (?:are|is|then|so far)\b|to recap(?: the decisions)?|"
    r"what we (?:decided|agreed)(?: is| was)?|we(?:'re| are) landing on|here(?:'s| is) (?:the plan|what we(?:'ll| will) do))\W*",
    re.I,
)
# "…stays off until it has a dry run. Everyone fine with that?": the sentence before is the proposal.
CONSENT_Q = re.compile(
    r"\b(?:(?:is )?every(?:one|body) (?:fine|ok|okay|good|happy|alright|on board|in agreement) with (?:that|this)|"
    r"(?:does|do) (?:every(?:one|body)|we all|you all) agree|any objections?|(?:are|is) (?:we|everyone) (?:all )?(?:agreed|aligned|ok|okay|good)"
    r"(?: with (?:that|this))?|can we (?:all )?agree on (?:that|this)|(?:does )?(?:that|this) sound (?:good|ok|okay|fair|right)|"
    r"agreed|objections|are we okay with that|can everyone live with (?:that|this)|all in favou?r)\W*$",
    re.I,
)
# A cue in the middle of a sentence ("…will page, from now on, not warn"): the decision is the whole sentence.
_INLINE_CUE = re.compile(r",?\s*\b(?:from now on|going forward|as of today|effective (?:today|immediately))\b,?", re.I)


_NEXT_ONE = re.compile(
    r"^(?:and\s+)?(?:the\s+)?(?:second|next|other|third|last)\s+(?:one|decision)\s*[:,]\s*|^(?:and\s+)?also\s*[:,]\s*",
    re.I,
)


@dataclass
class DecisionFind:
    sentence: int
    text: str
    cited: list[int]


@dataclass
class Rejected:
    sentence: int
    text: str


def find_decisions(sentences: Sequence[Sentence], skip: set[int]) -> tuple[list[DecisionFind], list[Rejected]]:
    found: list[DecisionFind] = []
    rejected: list[Rejected] = []
    for s in sentences:
        if s.index in skip:
            continue
        after = [*rest_of_turn(sentences, s.index), *next_turns(sentences, s.index, 2)]
        lead = DECISION_LEAD.search(s.text)
        if lead is not None:
            tail = s.text[lead.end() :].strip()
            stated = [x for x in rest_of_turn(sentences, s.index)[:3] if x.index not in skip and not x.is_question]
            for x in stated:
                if len(x.text.split()) >= 4 and not PROPOSAL.search(x.text):
                    cue = EXPLICIT.search(x.text)
                    text = tidy(_INLINE_CUE.sub("", x.text) if cue is None or cue.start() > 0 else x.text[cue.end() :])
                    found.append(DecisionFind(x.index, text, [s.index, x.index]))
                    skip = skip | {x.index}
            if len(tail.split()) >= 4:
                found.append(DecisionFind(s.index, tidy(tail), [s.index]))
            continue
        follow = _NEXT_ONE.match(s.text)
        if follow and found and found[-1].sentence == s.index - 1 and sentences[s.index - 1].turn == s.turn:
            text = tidy(s.text[follow.end() :])  # "…And the second one: backup jobs get their credentials…"
            if len(text.split()) >= 3:
                found.append(DecisionFind(s.index, text, [s.index]))
                continue
        cues = list(EXPLICIT.finditer(s.text))
        if cues and not _NOT_DECIDED.search(s.text) and not s.is_question:
            # "We decided to freeze deploys, and we also agreed that…": one decision per cue.
            texts = []
            for k, m in enumerate(cues):
                stop = cues[k + 1].start() if k + 1 < len(cues) else len(s.text)
                part = re.sub(
                    r",?\s*(?:and|but)?\s*(?:we\s+)?(?:also\s+)?$", "", s.text[m.end() : stop].strip(), flags=re.I
                )
                texts.append(tidy(part))
            texts = [t for t in texts if len(t.split()) >= 2]
            if len(cues) == 1 and _INLINE_CUE.fullmatch(cues[0].group(0).strip()) and cues[0].start() > 0:
                texts = [tidy(_INLINE_CUE.sub("", s.text))]
            if texts:
                found.extend(DecisionFind(s.index, t, [s.index]) for t in texts)
                continue
        if CONSENT_Q.search(s.text) and s.index > 0 and sentences[s.index - 1].turn == s.turn:
            proposal = sentences[s.index - 1]
            if proposal.index not in skip and not proposal.is_question and len(proposal.text.split()) >= 4:
                verdict = reply_to(s, next_turns(sentences, s.index, 2))
                if verdict is Reply.AGREE:
                    found.append(DecisionFind(proposal.index, tidy(proposal.text), [proposal.index, s.index]))
                elif verdict is Reply.REFUSE:
                    rejected.append(Rejected(proposal.index, tidy(proposal.text)))
            continue
        p = PROPOSAL.search(s.text)
        if p is None:
            continue
        rest = s.text[p.end() :]
        if _MEETING_MOVE.match(rest) or len(rest.split()) < 2:
            continue
        reply = reply_to(s, after)
        text = tidy(rest)
        if reply is Reply.REFUSE:
            rejected.append(Rejected(s.index, text))
        elif reply is Reply.AGREE or (
            not s.is_question
            and p.group(0).lower().lstrip().startswith(("let's", "let us"))
            and s.index >= len(sentences) // 20  # the opening lines set the agenda ("Let's review Monday's outage")
        ):
            agreed = next((a.index for a in after if a.speaker != s.speaker), None)
            found.append(
                DecisionFind(
                    s.index, text, [s.index] + ([agreed] if agreed is not None and reply is Reply.AGREE else [])
                )
            )
    return found, rejected
