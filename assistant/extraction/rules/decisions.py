"""Decisions: what the group settled, said outright ("we decided…") or proposed and not turned down.

A proposal someone rejects ("should we freeze all deploys?" — "no, let's not") is not a decision,
and neither is a question about whether something was decided.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from assistant.extraction.rules.clock import find_times
from assistant.extraction.rules.dialogue import REFUSE, Reply, reply_to
from assistant.extraction.rules.lexicon import tidy
from assistant.extraction.rules.sentences import Sentence, next_turns, rest_of_turn

EXPLICIT = re.compile(
    r"\b(?:we(?:'ve| have)?\s+(?:all\s+|also\s+|just\s+|now\s+)*(?:decided|agreed|agree|settled on|concluded|committed to|chose|chosen)"
    r"(?:\s+(?:on|that|to|we))?|we(?:'re| are)\s+going\s+(?:to\s+go\s+)?with|we(?:'ll| will)\s+go\s+with|"
    r"(?:the|our|my)\s+decision\s+(?:is|was|then is)|it's decided|it is decided|let's agree(?:\s+(?:that|to|on))?|"
    r"we're agreed|we are agreed|everyone agrees|(?:so\s+)?the plan is|going forward,?\s+(?=we|every|all|no|any)|"
    r"from now on,?|(?:so\s+)?(?:that(?:'s| is)|it(?:'s| is)|this is) settled\s*[:,]?|(?:and\s+)?(?:so\s+)?that's that\s*:|that(?:'s| is) (?:the call|final)\s*:|decision,? then\s*[:,]|let's go with|let us go with|"
    r"what we (?:have |'ve )?decided is(?: this)?\s*[:,]?|the (?:new )?rule (?:is|will be)|we will no longer|we'll no longer|decided:|decision:|"
    r"(?:so\s+)?that's (?:the|our) decision|(?:the\s+)?consensus is(?:\s+that)?|(?:so\s+)?that(?:'s| is) the plan(?:,?\s+then)?\b|we have (?:a )?consensus (?:on|that)|we're (?:going to|gonna) (?=make|require|keep|stop|move|switch|freeze|"
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
    r"do we want to|we could|my (?:proposal|suggestion|recommendation|preference|view|vote) is(?:\s+that)?|"
    r"what i'd (?:like|propose|suggest|want) is(?:\s+for)?|i'd (?:propose|suggest|recommend)(?:\s+that)?(?:\s+we)?)\s+",
    re.I,
)
# Proposals put as a view ("My view is that…") are argued over before anyone agrees: read more replies.
_ARGUED = re.compile(r"^(?:(?:okay|ok|so|and|well)[,]?\s+)*(?:my |what i'd |i'd )", re.I)
_MEETING_MOVE = re.compile(
    r"^(?:leave (?:it|that|this|them)|hold (?:it|that|this)|table (?:it|that|this)|start|begin|move on|move to (?:the|our) next|be honest|face it|go (?:on|ahead|back|through|over|around|first|next)\b|look|talk|turn|switch|get|hear|recap|review|wrap|do the|take|walk|jump|dig|"
    r"focus|continue|keep|come back|go back|see|discuss|think|not decide|park|skip|pause|break|circle|spend|"
    r"pick|try to|run through|finish|close|end|call it|stop|quickly|first|now|spend|capture|note|list|"
    r"make sure we|check in|also talk|get started|kick off|not (?:start|go|get|do) (?:that|this|there|into)|"
    r"do (?:this|it|that) in (?:order|turn|steps)|go in order)\b|^not\W*(?:\w+\W*)?$",
    re.I,
)
# An agenda, not a decision: "Let's have the sequence of events first, then the damage, then…".
_AGENDA = re.compile(
    r"\b(?:timeline|sequence|what happened|impact|damage|whys?|root cause|causes?|action items|actions|lessons|"
    r"what went (?:well|wrong)|follow-?ups?)\b.*\b(?:first|then|next|after that|last|before)\b|"
    r"\b(?:first|in order)\b.*\b(?:timeline|sequence|what happened|impact|damage|whys?|root cause|action items)\b",
    re.I,
)
# "let's go with option B" / "the second option": a choice named by its label, stated earlier.
_OPTION_REF = re.compile(
    r"^(?:with\s+)?(?:the\s+)?(?:(?:option|plan|approach|proposal|choice|variant)\s+(?P<k>[a-d]|be|bee|see|sea|\d|one|two|three|four)\b|"
    r"(?P<o>first|second|third|fourth|1st|2nd|3rd)\s+(?:option|one|idea|approach|proposal|choice))",
    re.I,
)
_ORDINALS = {
    "1": "one", "2": "two", "3": "three", "4": "four", "first": "one", "second": "two", "third": "three",
    "fourth": "four", "1st": "one", "2nd": "two", "3rd": "three", "a": "a", "b": "b", "c": "c", "d": "d",
    "be": "b", "bee": "b", "see": "c", "sea": "c",
}  # fmt: skip
_LETTER_OF = {"one": "a", "two": "b", "three": "c", "four": "d"}


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
    r"agreed|objections|are we okay with that|can everyone live with (?:that|this)|all in favou?r|"
    r"(?:shall|can|should) we (?:say|call) (?:that|it|this)(?:'s| is)? (?:agreed|settled|decided)|(?:nobody|no one|anyone) objects?|"
    r"^(?:so\s+)?(?:every(?:one|body)|all|folks|team|y'all)|^yes|^(?:are )?we good|^all good|^okay)\W*$",
    re.I,
)
# "I think we all agree that X?" asked of the room: X is decided when the room says yes.
AGREE_Q = re.compile(
    r"^(?:(?:okay|ok|so|and|right|alright|then)[,]?\s+)*(?:i think\s+|i take it\s+|i guess\s+)?"
    r"(?:we (?:all )?agree|are we (?:all )?agreed|do we (?:all )?agree|can we (?:all )?agree|(?:does )?every(?:one|body) agrees?|"
    r"we're (?:all )?agreed|we are (?:all )?agreed)\s+(?:that|on|to)\s+",
    re.I,
)
# "…, I could live with that." / "…, that works for me.": the proposer's own endorsement, not content.
_ENDORSED = re.compile(
    r",?\s*(?:(?:i|we)\s+(?:could|can)\s+live with (?:that|it|this)|that works for me|i'm (?:fine|happy|okay) with (?:that|it|this)|"
    r"i'd (?:be )?(?:fine|happy|okay) with (?:that|it|this))\W*$",
    re.I,
)
# "…That has to be a firm rule now.": the sentence before is the decision.
_RULE_TAG = re.compile(
    r"^(?:and\s+)?(?:that|this)(?:'s| is| has to be| should be| must be| needs to be| will be)\s+(?:a|the|our)\s+"
    r"(?:firm |hard |new |standing |team )?(?:rule|policy|standard)\b|^make (?:that|it) (?:a|the) (?:rule|policy)\b",
    re.I,
)
# "So we're going with all three.": a cue over decisions already stated, not a new one.
_REFERENCE_ONLY = re.compile(
    r"^(?:all|both|each|these|those|that|this|it|them)(?:\s+(?:of them|two|three|four|of those|of these|then|ones?))?\W*$",
    re.I,
)
_LEADING_AND = re.compile(r"^(?:and|also|plus)[,]?\s+", re.I)
_INSTEAD = re.compile(r"^(?:instead|rather|what we do instead is|what we should do is)[,:]?\s+", re.I)
# A rule, not a remark: who or what it covers, and a verb in the present or future.
_RULE = re.compile(
    r"\b(?:every|each|any|all|no|nobody|always|never|only|until|at least|within|from now on|going forward)\b.*"
    r"\b(?:gets?|goes|go|becomes?|runs?|must|has to|have to|needs? to|will|stays?|moves?|pages?|waits?|is told|gets told|requires?)\b|"
    r"\b(?:gets?|goes|becomes?|must|has to|needs? to|will|stays?|requires?)\b.*"
    r"\b(?:every|each|any|all|always|never|only|until|at least|within|from now on|going forward)\b",
    re.I,
)
# "Once we decided, …" / "At ten to three we decided to roll back": said of the incident, not decided now.
_NARRATED = re.compile(r"\b(?:once|when|after|before|until|since|as soon as|because|by the time)\s+(?:we\s+)?$", re.I)
# A cue in the middle of a sentence ("…will page, from now on, not warn"): the decision is the whole sentence.
_INLINE_CUE = re.compile(r",?\s*\b(?:from now on|going forward|as of today|effective (?:today|immediately))\b,?", re.I)


_NEXT_ONE = re.compile(
    r"^(?:and\s+)?(?:the\s+)?(?:second|next|other|third|last)\s+(?:one|decision)\s*[:,]\s*|^(?:and\s+)?also\s*[:,]\s*|"
    r"^(?:and\s+)?(?:second(?:ly)?|third(?:ly)?|fourth|next|finally|lastly)\s*[:,]\s*",
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


_NEXT_OPTION = re.compile(
    r",?\s*\b(?:option|plan)\s+(?:[a-d]|be|bee|see|sea|\d|one|two|three|four)\b[,:]?|[,.]\s*(?:one|two|three|first|second|third)(?:ly)?\s*[,:]",
    re.I,
)


def option_stated(sentences: Sequence[Sentence], before: int, text: str) -> tuple[str, int] | None:
    """What "option B" / "the second option" was, from where the options were laid out (at most 20
    sentences back): "Option B is a run record…", "Option B, it keeps…", "Two, a nightly contract test…"."""
    ref = _OPTION_REF.match(text)
    if ref is None:
        return None
    key = _ORDINALS[(ref.group("k") or ref.group("o")).lower()]
    letter = _LETTER_OF.get(key, key)
    number = next((n for n, x in _LETTER_OF.items() if x == key), key)
    ordinal = "|".join(o for o, n in _ORDINALS.items() if n == number and len(o) > 3)
    spoken = {"b": "b|be|bee", "c": "c|see|sea"}.get(letter, letter)  # how the ASR writes "option B"
    label = re.compile(
        rf"(?:^|[,;:.]\s*|\b(?:and|or|then|so)\s+)(?:(?:option|plan|approach|proposal|choice|variant)\s+(?:{spoken}|{number})\b|"
        rf"{number}\b(?=\s*[,:])|(?:{ordinal or number})(?:ly)?\b(?=\s*[,:]))"
        r"\s*[,:]?\s*(?:is\s+(?:to\s+)?|would be\s+|means\s+|was\s+)?",
        re.I,
    )
    for s in reversed(sentences[max(0, before - 20) : before + 1]):
        m = label.search(s.text)
        if m is None or (m.start() > 0 and s.index == before):
            continue
        # Without full stops the ASR runs the options together: "Option A, we… option B, it keeps…".
        said = _NEXT_OPTION.split(s.text[m.end() :], maxsplit=1)[0]
        if len(said.split()) >= 3:
            head = f"Option {letter.upper()}: " if ref.group("k") else ""
            return head + tidy(said), s.index
    return None


def _with_option(sentences: Sequence[Sentence], d: DecisionFind) -> DecisionFind:
    stated = option_stated(sentences, d.sentence, d.text)
    if stated is None:
        return d
    text, where = stated
    return DecisionFind(d.sentence, text, sorted({*d.cited, where}))


def _counter_proposal(sentences: Sequence[Sentence], s: Sentence, after: Sequence[Sentence]) -> DecisionFind | None:
    """ "No. <a rule instead>." in the turn that turned a proposal down, and the room agrees: the rule
    is the decision ("Should we ban dropping columns?" — "No. Dropping a column becomes its own deploy…"
    — "Fine by me.")."""
    turn = [x for x in sentences[max(0, s.index - 4) : s.index] if x.turn == s.turn]
    opened = turn[0] if turn else s
    if s.is_question or len(s.text.split()) < 6 or not (REFUSE.search(opened.text) or _INSTEAD.match(s.text)):
        return None
    if s.index == opened.index and not _INSTEAD.match(s.text):
        return None  # "No, that just moves the problem": the refusal itself states no rule
    if opened.index == 0 or not sentences[opened.index - 1].is_question or not _RULE.search(s.text):
        return None  # the refusal answers a proposal, and what follows it reads as a rule
    if rest_of_turn(sentences, s.index):
        return None  # only the turn's last word is what the room answers
    replies = [a for a in after if a.turn != s.turn][:1]
    if not replies or reply_to(s, replies) is not Reply.AGREE:
        return None
    text = tidy(_INSTEAD.sub("", s.text))
    return DecisionFind(s.index, text, [s.index, replies[0].index])


def _narrated(sentence: str, cue_start: int) -> bool:
    """The cue tells the incident ("at ten to three we decided…", "once we decided, …"), not the meeting."""
    before = sentence[:cue_start]
    return bool(_NARRATED.search(before) or find_times(before))


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
        if (
            follow
            and found
            and s.index - found[-1].sentence <= 3
            and sentences[found[-1].sentence].speaker == s.speaker
        ):  # "Decision, then: … — Good. — And the second one: …": a short reply may come between
            text = tidy(s.text[follow.end() :])  # "…And the second one: backup jobs get their credentials…"
            if len(text.split()) >= 3:
                found.append(DecisionFind(s.index, text, [s.index]))
                continue
        if _RULE_TAG.search(s.text) and s.index > 0 and sentences[s.index - 1].turn == s.turn:
            ruled = sentences[s.index - 1]  # "Privacy gets told within the hour. That has to be a firm rule."
            if ruled.index not in skip and not ruled.is_question and len(ruled.text.split()) >= 4:
                found.append(DecisionFind(ruled.index, tidy(_LEADING_AND.sub("", ruled.text)), [ruled.index, s.index]))
                continue
        counter = _counter_proposal(sentences, s, after)
        if counter is not None and s.index not in skip:
            found.append(counter)
            continue
        agree_q = AGREE_Q.match(s.text)
        tagged = bool(after) and after[0].turn == s.turn and bool(CONSENT_Q.search(after[0].text))
        if agree_q and (s.is_question or tagged) and len(s.text[agree_q.end() :].split()) >= 3:
            verdict = reply_to(s, [a for a in after if a.turn != s.turn])
            text = tidy(s.text[agree_q.end() :].rstrip("?"))
            if verdict is Reply.AGREE:
                found.append(DecisionFind(s.index, text, [s.index]))
            elif verdict is Reply.REFUSE:
                rejected.append(Rejected(s.index, text))
            continue
        cues = [m for m in EXPLICIT.finditer(s.text) if not _narrated(s.text, m.start())]
        cues = [m for m in cues if not s.text[m.end() :].lstrip().startswith((",", ";"))]
        if cues and not _NOT_DECIDED.search(s.text) and not s.is_question:
            # "We decided to freeze deploys, and we also agreed that…": one decision per cue.
            texts = []
            for k, m in enumerate(cues):
                stop = cues[k + 1].start() if k + 1 < len(cues) else len(s.text)
                part = re.sub(
                    r",?\s*(?:and|but)?\s*(?:we\s+)?(?:also\s+)?$", "", s.text[m.end() : stop].strip(), flags=re.I
                )
                texts.append(tidy(part))
            texts = [t for t in texts if len(t.split()) >= 2 and not _REFERENCE_ONLY.match(t)]
            if len(cues) == 1 and _INLINE_CUE.fullmatch(cues[0].group(0).strip()) and cues[0].start() > 0:
                texts = [tidy(_INLINE_CUE.sub("", s.text))]
            if texts:
                found.extend(DecisionFind(s.index, t, [s.index]) for t in texts)
                continue
            prev = sentences[s.index - 1] if s.index else None
            if (
                prev is not None
                and prev.turn == s.turn
                and prev.index not in skip
                and not prev.is_question
                and len(prev.text.split()) >= 5
                and all(d.sentence != prev.index for d in found)
            ):  # "…not to the list. Okay, that's the plan then.": the cue closes what was just said
                found.append(DecisionFind(prev.index, tidy(_LEADING_AND.sub("", prev.text)), [prev.index, s.index]))
                continue
            nxt = rest_of_turn(sentences, s.index)[:1]
            if nxt and nxt[0].index not in skip and not nxt[0].is_question and len(nxt[0].text.split()) >= 4:
                # "…so that's settled then. If a change goes bad, we roll back first.": the cue ends its
                # sentence (the ASR puts full stops where it likes), the decision is the next one.
                found.append(DecisionFind(nxt[0].index, tidy(nxt[0].text), [s.index, nxt[0].index]))
                skip = skip | {nxt[0].index}
                continue
        if CONSENT_Q.search(s.text) and s.index > 0 and sentences[s.index - 1].turn == s.turn:
            proposal = sentences[s.index - 1]
            if proposal.index not in skip and not proposal.is_question and len(proposal.text.split()) >= 4:
                verdict = reply_to(s, next_turns(sentences, s.index, 2))
                said = tidy(_ENDORSED.sub("", proposal.text))
                if verdict is Reply.AGREE:
                    found.append(DecisionFind(proposal.index, said, [proposal.index, s.index]))
                elif verdict is Reply.REFUSE:
                    rejected.append(Rejected(proposal.index, said))
            continue
        p = PROPOSAL.search(s.text)
        if p is None:
            continue
        rest = s.text[p.end() :]
        if _MEETING_MOVE.match(rest) or len(rest.split()) < 2 or _AGENDA.search(rest):
            continue
        argued = _ARGUED.match(s.text) is not None
        reply = reply_to(
            s, [*rest_of_turn(sentences, s.index), *next_turns(sentences, s.index, 4)] if argued else after
        )
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
    return [_with_option(sentences, d) for d in found], rejected
