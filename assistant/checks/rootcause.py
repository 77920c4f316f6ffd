"""Blameless checks: a root cause must be systemic, and no item may blame a person.

The template's rule: "Human error" is never an acceptable root cause, and a 5-whys chain must not
stop at a person. What is checked is the systemic cause, or the last answer when there is none.

Person detection is deliberately narrow, to keep false alarms rare:
- an attendee's name (full or first name) anywhere in the cause: the cause names a person;
- a role or pronoun ("the engineer", "the on-call person", "someone", "he") as the subject of a
  human failure ("forgot", "didn't check"), after "because"/"by", or ending the sentence;
- any capitalised word that is the subject of a failure only a person can have ("David forgot
  to ..."). Capitalised words followed by other verbs are not flagged: "Kubernetes restarted the
  pod" or "Terraform didn't validate it" is a system, and product names are capitalised too.
"We"/"they" are not flagged: a team owning a gap is how blameless causes are phrased.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.checks.text import name_key, straighten_quotes
from assistant.domain.postmortem import Flag, RootCause

_HUMAN_ERROR = re.compile(
    r"\b(?:human|operator|user|pilot|manual|engineer|people|personnel) (?:error|mistake|failure)s?|"
    r"\bhuman factors?\b|\bmade (?:a|an) (?:mistake|error|typo)\b|\bmistake by\b|"
    r"\bcareless(?:ness|ly)?\b|\bnegligen(?:ce|t)\b|\binattenti(?:on|ve)\b|"
    r"\b(?:didn't|did not|wasn't|was not|weren't|were not|not) (?:pay|paying) attention\b|"
    r"\black of (?:attention|care|diligence)\b|\bfat[- ]?finger(?:ed|ing)?\b|\bsloppy\b|"
    r"\b(?:wasn't|was not|weren't|were not|not) careful\b",
    re.I,
)

# What a person does wrong, as opposed to a system ("forgot" vs "timed out").
_HUMAN_FAILURE = (
    r"(?:forgot|forgets|forget|neglected|overlooked|ignored|misread|mistyped|fat[- ]?fingered|"
    r"messed up|screwed up|made (?:a|an) (?:mistake|error|typo)|"
    r"(?:didn't|did not|failed to|forgot to|never|should have|should've) (?:\w+ )?"
    r"(?:check|checked|test|tested|notice|noticed|review|reviewed|read|follow|followed|verify|"
    r"verified|validate|validated|look|looked|update|updated|run|double-check|known|caught|"
    r"catch|ask|asked|tell|told|wait|waited|pay attention|paying attention)|"
    r"(?:pushed|deployed|typed|ran|deleted|merged|applied|picked) the wrong|was careless|"
    r"wasn't careful|was not careful)"
)

_ROLE = (
    r"(?:(?:the|an?|our|that|this|one|some) (?:new |junior |senior |on-?call |on call )?"
    r"(?:engineer|developer|dev|operator|intern|new hire|contractor|admin|administrator|"
    r"sysadmin|on-?call(?: person| engineer)?|deployer|reviewer|employee|staff member|"
    r"team member|person|guy|dba|sre)|someone|somebody|he|she|him|her)"
)
_ROLE_SUBJECT = re.compile(rf"\b{_ROLE}(?: \w+)? {_HUMAN_FAILURE}\b", re.I)
_ROLE_AFTER = re.compile(rf"\b(?:because(?: of)?|by|blame|blamed on|due to) {_ROLE}\b", re.I)
_ROLE_AT_END = re.compile(rf"\b{_ROLE}[\s.!?]*$", re.I)
# Only failures a system cannot have: "Terraform didn't validate it" is a system, not a person.
_ONLY_HUMAN_FAILURE = (
    r"(?:forgot|forgets|neglected|overlooked|misread|mistyped|fat[- ]?fingered|messed up|"
    r"screwed up|made (?:a|an) (?:mistake|error|typo)|didn't notice|did not notice|"
    r"(?:didn't|did not|wasn't|was not) pay(?:ing)? attention|should(?: have|'ve) known|"
    r"was careless|wasn't careful|was not careful|(?:pushed|deployed|typed|ran) the wrong)"
)
_NOT_A_NAME = r"(?:We|They|It|This|That|There|These|Those|Nobody|Our|The|A|An|No|Nothing|Everyone)"
_NAME_SUBJECT = re.compile(rf"\b(?!{_NOT_A_NAME}\b)[A-Z][a-z]+(?: [A-Z][a-z]+)? {_ONLY_HUMAN_FAILURE}\b")

_BLAME = re.compile(
    r"\b(?P<who>[\w]+)'s fault\b|\bat fault\b|\bfault of\b|\bblam(?:e|ed|es|ing)\b|"
    r"\bscrewed up\b|\bmessed up\b|\bdropped the ball\b|\bcareless(?:ness|ly)?\b|"
    r"\bincompeten(?:t|ce)\b|\bshould(?: have|'ve) known better\b|\bshould(?: have|'ve) known\b|"
    r"\bstupid\b|\bidiot(?:ic)?\b|\blazy\b|\bsloppy\b|\bclueless\b|\bnegligen(?:t|ce)\b",
    re.I,
)
# "nobody's fault", "we're not blaming anyone": a blameless statement, not blame.
_NEGATED = re.compile(
    r"\b(?:not|no|nobody|no one|noone|never|isn't|wasn't|aren't|don't|didn't|won't|without|"
    r"nobodys|anyone)\b[\w\s']{0,20}$",
    re.I,
)
_NO_ONE = frozenset({"nobody", "noone", "anyone", "anybody", "nobodys", "no-one"})
# "X screwed up" needs a person-ish subject; "the deploy messed up the cache" is not blame.
_PERSON_VERB = re.compile(r"\b(?:screwed up|messed up|dropped the ball)\b", re.I)


def cause_text(root: RootCause) -> str:
    """The text the chain ends in: the systemic cause, or the last why's answer."""
    if root.systemic_cause is not None and root.systemic_cause.text.strip():
        return root.systemic_cause.text
    for why in reversed(root.whys):
        if why.answer.strip():
            return why.answer
    return ""


def check_root_cause(root: RootCause, attendees: Sequence[str] = ()) -> list[Flag]:
    """ROOT_CAUSE_HUMAN_ERROR and/or ROOT_CAUSE_PERSON for the end of the chain."""
    text = straighten_quotes(cause_text(root))
    flags: list[Flag] = []
    if _HUMAN_ERROR.search(text):
        flags.append(Flag.ROOT_CAUSE_HUMAN_ERROR)
    if _names_person(text, attendees):
        flags.append(Flag.ROOT_CAUSE_PERSON)
    return flags


def _names_person(text: str, attendees: Sequence[str]) -> bool:
    if not text.strip():
        return False
    if _mentions_attendee(text, attendees):
        return True
    return any(p.search(text) for p in (_ROLE_SUBJECT, _ROLE_AFTER, _ROLE_AT_END, _NAME_SUBJECT))


def _mentions_attendee(text: str, attendees: Sequence[str]) -> bool:
    lowered = name_key(text)
    for attendee in attendees:
        key = name_key(attendee)
        if not key:
            continue
        for name in {key, key.split()[0]}:
            if re.search(rf"\b{re.escape(name)}(?:'s)?\b", lowered):
                return True
    return False


def blaming_flags(text: str, attendees: Sequence[str] = ()) -> list[Flag]:
    """[BLAMING_LANGUAGE] when `text` blames a person ("it was David's fault"), else []."""
    text = straighten_quotes(text)
    for match in _BLAME.finditer(text):
        if _NEGATED.search(text[: match.start()]):
            continue
        who = match.group("who")
        if who is not None and who.lower() in _NO_ONE | {"it", "that", "this"}:
            continue
        if _PERSON_VERB.fullmatch(match.group(0)) and not _person_before(text[: match.start()], attendees):
            continue
        return [Flag.BLAMING_LANGUAGE]
    return []


def _person_before(prefix: str, attendees: Sequence[str]) -> bool:
    """Whether the words just before a verb are a person: a name, a role or a pronoun."""
    words = prefix.split()[-3:]
    if not words:
        return False
    tail = " ".join(words)
    if re.search(rf"(?:{_ROLE}|\b(?:you|they|i|we))\s*$", tail, re.I):
        return True
    if _mentions_attendee(tail, attendees):
        return True
    last = words[-1]
    return last[:1].isupper() and last.isalpha() and last.lower() not in {"it", "this", "that"}
