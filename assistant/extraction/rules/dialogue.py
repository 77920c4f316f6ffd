"""How people answer each other: agreement, refusal, "I don't know", and who was spoken to.

A proposal becomes a decision only when nobody turns it down; a question is open only when the
answers do not answer it; an owner may be given by addressing someone ("Marco, can you…").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from enum import Enum

from assistant.extraction.rules.sentences import Sentence

_LEAD = (
    r"^(?:(?:well|so|um|uh|hmm|oh|honestly|i mean|actually|look|okay|ok|all right|alright|right|yeah|yes|no)[,.!]?\s+)*"
)
AGREE = re.compile(
    _LEAD + r"(?:yes\b|yeah\b|yep\b|yup\b|sure\b|agreed\b|agree\b|i agree|sounds (?:good|right|fine|great)|"
    r"that works|works for me|fine by me|fine with me|makes sense|good idea|great idea|let's do (?:it|that)|"
    r"will do|on it|absolutely|definitely|of course|totally|exactly|i can do that|i'll do (?:it|that)|"
    r"happy to|i'm in|i can live with (?:that|it|this)|(?:we'll|let's|we can) do it your way|fair enough|"
    r"count me in|no objection|no objections|deal\b|perfect|correct\b|right\b|okay\b|ok\b|fine\b|"
    r"(?:both of )?(?:those|these|that|this) stands?\b|i'm with (?:you|\w+) on (?:that|this)|i am with (?:you|\w+) on (?:that|this)|"
    r"i'll take it|i can take it|i'll own it|i can own it|i've got it|got it|consider it done|\+1)",
    re.I,
)
REFUSE = re.compile(
    r"^(?:(?:well|so|um|uh|hmm|honestly|actually|look|i mean|please|oh|sorry|then)[,.]?\s+)*(?:no\b|nope\b|nah\b|"
    r"let's not|let us not|i don't think (?:so|we should|that's|that is|it's|it is)|i do not think (?:so|we should)|"
    r"i'd rather not|i would rather not|i wouldn't|i would not|not a good idea|bad idea|i disagree|"
    r"disagree\b|that's overkill|that is overkill|too (?:risky|much|drastic|heavy)|we shouldn't|we should not|"
    r"not (?:yet|now|for this)|hold off|i'm not sure that|i am not sure that|i'm against|i am against|"
    r"i can't|i cannot|i can not|i won't be able|not me)",
    re.I,
)
# Later in a reply: a refusal does not have to come first ("Honestly, I'd rather we didn't.").
REFUSE_ANYWHERE = re.compile(
    r"\b(?:let's not|let us not|i'd rather (?:not|we didn't)|overkill|too risky|not a good idea|bad idea|"
    r"we shouldn't|we should not|i don't think we should|i do not think we should|that would (?:hurt|block|slow)|"
    r"instead,? let's|rather than that|no,? let's)\b",
    re.I,
)
DONT_KNOW = re.compile(
    r"\b(?:(?:i|we) (?:really |honestly |just |still )?(?:don't|do not|didn't|did not) know\b|neither do i|nor do i|"
    r"(?:nobody|no one|none of us) (?:here )?(?:can|could|is able to|will be able to) (?:decide|answer|say|tell)|can't decide|cannot decide|"
    r"(?:agreed|so|okay),? (?:that's |it's |that is )?open\b|^(?:also|still|that's|that is|it's|both|this one is)\s+(?:still\s+)?open\b|i don't know|i do not know|don't know yet|do not know yet|no idea|no clue|not a clue|not sure|nobody (?:has )?(?:checked|looked)|(?:we |i )?(?:haven't|have not) (?:checked|looked)|unclear|good question|"
    r"we don't know|we do not know|nobody knows|no one knows|hard to say|can't say|cannot say|open question|"
    r"we didn't settle|we did not settle|not settled|don't have an answer|do not have an answer|no answer|"
    r"still (?:open|unclear|unknown|undecided)|to be decided|tbd|need to find out|have to find out|"
    r"park (?:it|that|this)|hold (?:that|it|this)(?: one| thought| for now)?\b|leave (?:it|that|this) (?:for now|there|for later)|take (?:it|that|this) offline|revisit|come back to (?:it|that|this) later|"
    r"let's not decide|we'll see|who knows|we can't answer|we cannot answer|we can not answer|can't answer that|cannot answer that|"
    r"(?:stays?|remains?|is still|are still|left|leave (?:it|that|this|them|those)|keep (?:it|that|this|them|those)) open|open as well|leave (?:it|that|this) open|keep (?:it|that|this) open|nobody has an answer|haven't decided|have not decided|"
    r"no consensus|not agreed|we disagree|we don't agree)\b",
    re.I,
)


class Reply(Enum):
    AGREE = "agree"
    REFUSE = "refuse"
    NONE = "none"


def reply_to(proposal: Sentence, after: Sequence[Sentence]) -> Reply:
    """How the next speakers took a proposal: the first reply by someone else that takes a side."""
    for s in after:
        if proposal.speaker is not None and s.speaker == proposal.speaker:
            # The proposer taking it back ("…actually, no, forget it") counts; more of their own turn does not.
            if re.search(r"\b(?:forget it|never mind|scratch that|on second thought)\b", s.lower):
                return Reply.REFUSE
            continue
        if REFUSE.search(s.text) or REFUSE_ANYWHERE.search(s.text):
            return Reply.REFUSE
        if AGREE.search(s.text):
            return Reply.AGREE
    return Reply.NONE


# Words a sentence may open with before the name it calls ("Okay Omar, …", "So, Marco: …").
_OPENERS = r"(?:(?:okay|ok|so|and|alright|right|then|also|now|well|great)[,]?\s+)*"


def vocative(text: str, names: Sequence[str]) -> str | None:
    """The attendee a sentence opens by calling, the name set off by punctuation: "Omar, …", "Okay
    Omar: …", "Omar?". Sure enough to name a voice from who answers (assistant.speakers.vocatives)."""
    for name in names:
        if re.match(rf"^{_OPENERS}{re.escape(name.split()[0])}\s*[,:?]", text, re.I):
            return name
    return None


def addressee(text: str, names: Sequence[str]) -> str | None:
    """The attendee a sentence is addressed to: a `vocative`, or the name without its comma (ASR drops
    it: "Marco can you…") or closing the sentence ("…can you own it, Marco?"). Looser, so the action
    rules also want a request in the same sentence; a "Thanks, Marco." would not do to name a voice."""
    if called := vocative(text, names):
        return called
    for name in names:
        first = re.escape(name.split()[0])
        if re.match(rf"^{_OPENERS}{first}\s", text, re.I) or re.search(rf",\s*{first}\s*[?.!]?$", text, re.I):
            return name
    return None
