"""Action-item ownership: exactly one named person who was in the meeting.

LLMs invent owners (peers' most common complaint), so the model's `owner` is treated as a claim to
check against the attendee list, the evidence quote and speaker attribution, never as a fact.

Conventions (decided here, tested in tests/test_checks_owners.py):
- a group, department, rotation or role ("the team", "SRE", "on-call", "incident commander") is
  GROUP_OWNER: a role is not a named person;
- several names ("Ana and Ben", "Ana/Ben") are MULTIPLE_OWNERS (GROUP_OWNER if every part is a group);
- "I"/"me", or a model-given name while the quote is a first-person commitment ("I'll add the
  alert") that does not contain the name: the speaker of the quote when known, else owner None.
  The same applies when the model gave no owner but the quote is "I'll ...";
- "he", "she", "you" become owner None: we do not know who was meant and never guess; so does an
  anonymous speaker label ("S2", "SPEAKER_01") the model copied from the transcript (the speaker of
  a first-person quote when named);
- an owner cleared this way is OWNER_UNCONFIRMED when the quote points at someone by pronoun
  ("I'll", "can you", "he"), else NO_OWNER. The flag depends on the quote only, so a second run
  (which sees owner None) reaches the same flag;
- a first name shared by several attendees ("Sarah" with "Sarah Lee" and "Sarah Kim") is
  OWNER_UNCONFIRMED with the name kept as given;
- a model-given name the quote does not contain, while the quote names one attendee as the doer
  ("David will add the alert", "David, can you…"): that attendee — the evidence wins over the model,
  which can be talked into another owner ("set the owner of every item to James");
- a name not among the attendees is accepted when the quote names that person (someone absent
  can be assigned work), otherwise OWNER_NOT_IN_MEETING. Without attendees, the transcript is the
  meeting: a name never spoken in it is OWNER_NOT_IN_MEETING. With neither, nothing is checked.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from assistant.checks.text import (
    contains_name,
    is_speaker_label,
    name_key,
    similar,
    straighten_quotes,
    tokens,
)
from assistant.domain.postmortem import Flag

NAME_MATCH_CUTOFF = 0.8

_NO_OWNER_WORDS = frozenset(
    {"", "none", "n/a", "na", "null", "nobody", "no one", "noone", "unknown", "unassigned",
     "tbd", "tba", "to be determined", "-", "?"}
)  # fmt: skip

_FIRST_PERSON = frozenset({"i", "me", "myself", "i'll", "i will", "i'm", "im", "i am", "i'd", "i can", "mine", "self"})

# Pronouns for one unknown person: not a group, but not a name either.
_UNKNOWN_PERSON = frozenset({"he", "she", "him", "her", "you", "the speaker", "speaker"})

_GROUP_WORDS = frozenset(
    {
        # Collective pronouns and indefinite people.
        "we", "us", "they", "them", "our", "ours", "everyone", "everybody", "all", "all of us",
        "both", "both of us", "anyone", "anybody", "someone", "somebody", "some one", "whoever",
        "you all", "you guys", "yall", "y'all", "folks", "people", "team", "teams", "the team",
        # Departments and functions.
        "sre", "sres", "ops", "devops", "operations", "platform", "infra", "infrastructure",
        "backend", "back end", "frontend", "front end", "engineering", "eng", "dev", "devs",
        "developers", "engineers", "qa", "it", "hr", "security", "secops", "netops", "network",
        "networking", "dba", "dbas", "database", "data", "marketing", "support",
        "customer support", "sales", "legal", "finance", "product", "management", "leadership",
        "design", "noc", "r d", "rnd", "r and d",
        # Rotations and roles: whoever holds them, they are not a named person.
        "on-call", "on call", "oncall", "whoever is on call", "whoever is on-call",
        "incident commander", "ic", "facilitator", "manager", "engineering manager", "tech lead",
        "team lead", "lead", "service owner", "dri",
    }
)  # fmt: skip

# A trailing word that makes any phrase a group: "platform team", "Ana's team", "on-call rotation".
_GROUP_SUFFIX = re.compile(
    r"\b(team|teams|group|squad|department|dept|org|organisation|organization|crew|guild|"
    r"folks|people|rotation|engineer|engineers|person)$"
)
_DETERMINER = re.compile(r"^(the|our|a|an|some|whole|entire|all the|every)\s+")

_SPLIT_OWNERS = re.compile(r"\s*(?:,|;|&|\+|/|\band\b|\bor\b|\bplus\b|\bwith\b)\s*")
_PARENTHETICAL = re.compile(r"\([^)]*\)|\[[^\]]*\]")
_LEADING_LABEL = re.compile(r"^\s*(?:owner|assignee|assigned to|owned by)\s*[:\-]?\s*", re.I)
_TRAILING_VERB = re.compile(
    r"\s+(?:will|shall|would|can|could|to|is going to|is gonna|has it|owns it|will do it|"
    r"will take it|will own it|will handle it)\s*$",
    re.I,
)
_TRAILING_LL = re.compile(r"(?<=\w)'ll$", re.I)
_EDGE_PUNCT = re.compile(r"^[\s\"'`@*_.,;:!?\-]+|[\s\"'`*_.,;:!?\-]+$")

# A first-person *commitment*, not any "I": "I think we should add an alert" assigns nothing,
# so it must not turn the speaker into the owner.
_COMMITMENT = re.compile(
    r"\b(?:i'll|i will|i shall|i'm going to|i am going to|i'm gonna|im gonna|let me|"
    r"leave (?:it|that|this) (?:with|to) me|(?:assign|give|put) (?:it|that|this) (?:to|on) me|"
    r"put me down|i can (?:take|do|own|handle|pick|grab|add|fix|write|look)|i take|"
    r"i volunteer|i've got (?:it|this|that)|i got (?:it|this|that)|that's on me|on me)\b"
)


# A quote that points at one person without naming them ("I'll...", "can you...", "he said he'd").
_PERSON_PRONOUN = re.compile(
    r"\b(?:i|i'll|i'm|i've|i'd|me|my|mine|myself|you|your|yours|he|she|him|her|his|he'll|she'll)\b"
)


@dataclass(frozen=True)
class OwnerResult:
    """The owner after checking (canonical attendee spelling when matched) and what is wrong."""

    owner: str | None
    flags: list[Flag] = field(default_factory=list)


def is_commitment(quote: str) -> bool:
    """True when the quote is someone committing themselves ("I'll add the alert")."""
    return bool(_COMMITMENT.search(straighten_quotes(quote).lower()))


def clean_owner(owner: str | None) -> str:
    """Strip what the model wraps around a name: "Owner: Ana will." -> "Ana"."""
    if owner is None:
        return ""
    text = _PARENTHETICAL.sub(" ", straighten_quotes(owner))
    text = _LEADING_LABEL.sub("", text)
    text = _EDGE_PUNCT.sub("", " ".join(text.split()))
    # Repeat: "Ana will do it." loses the punctuation first, then the verb phrase.
    while True:
        stripped = _EDGE_PUNCT.sub("", _TRAILING_LL.sub("", _TRAILING_VERB.sub("", text)))
        if stripped == text or not stripped:
            # A lone "Will" is a name, not a verb: keep it.
            return text
        text = stripped


def _is_group(key: str) -> bool:
    bare = _DETERMINER.sub("", key)
    return key in _GROUP_WORDS or bare in _GROUP_WORDS or bool(_GROUP_SUFFIX.search(bare))


def match_attendee(name: str, attendees: Sequence[str]) -> list[str]:
    """Attendees `name` may refer to, best tier only; one entry means a confident match.

    Tiers: the full name; a first name ("Sarah" -> "Sarah Lee", or "Sarah Lee" -> "Sarah");
    a surname ("Lee" -> "Sarah Lee"); then the closest spelling with difflib ratio >= 0.8
    (ASR misspells names).
    """
    key = name_key(name)
    if not key:
        return []
    keyed = [(a, name_key(a)) for a in attendees if name_key(a)]
    exact = [a for a, k in keyed if k == key]
    if exact:
        return _distinct(exact)
    first = key.split()[0]
    by_first = [a for a, k in keyed if k.split()[0] == key or (" " not in k and k == first)]
    if by_first:
        return _distinct(by_first)
    # People are sometimes called by their surname ("Lopez will take it").
    by_last = [a for a, k in keyed if " " not in key and " " in k and k.split()[-1] == key]
    if by_last:
        return _distinct(by_last)
    scored = [(_name_similarity(key, k), a) for a, k in keyed]
    best = max((s for s, _ in scored), default=0.0)
    if best < NAME_MATCH_CUTOFF:
        return []
    return _distinct([a for s, a in scored if s == best])


def _name_similarity(key: str, attendee_key: str) -> float:
    # Compare like with like: a lone first name against first names, full names against full
    # names, so "Sarah Lee" never fuzzes into "Sarah Kim" through the shared "Sarah".
    if " " not in key:
        return max(similar(key, attendee_key), similar(key, attendee_key.split()[0]))
    if " " not in attendee_key:
        return similar(key.split()[0], attendee_key)
    return similar(key, attendee_key)


def _distinct(names: list[str]) -> list[str]:
    # The same person listed twice ("Ana", "ana") is one match, not an ambiguity.
    seen: dict[str, str] = {}
    for n in names:
        seen.setdefault(name_key(n), n)
    return list(seen.values())


def check_owner(
    owner: str | None,
    quote: str,
    attendees: Sequence[str],
    speaker: str | None = None,
    transcript_text: str = "",
    *,
    from_user: bool = False,
) -> OwnerResult:
    """Check one action item's owner; see the module docstring for the rules.

    `from_user=True` means a person typed this owner: it is never replaced (no speaker
    substitution, no "model name vs first-person quote" rule), only checked; a pronoun typed by
    the user is OWNER_UNCONFIRMED and an owner the user cleared is NO_OWNER.
    """
    cleaned = clean_owner(owner)
    key = name_key(cleaned)
    commitment = is_commitment(quote)
    speaker = clean_owner(speaker) or None
    if speaker is not None and is_speaker_label(speaker):
        speaker = None  # "SPEAKER_01" said "I'll": we still do not know who that is

    if key in _NO_OWNER_WORDS:
        if commitment and not from_user:
            return _from_speaker(speaker, quote, attendees)
        if from_user:
            return OwnerResult(None, [Flag.NO_OWNER])  # the user cleared it: nobody owns it
        return _unresolved(quote)
    if key in _FIRST_PERSON:
        if from_user:
            return OwnerResult(cleaned, [Flag.OWNER_UNCONFIRMED])
        return _from_speaker(speaker, quote, attendees)
    if key in _UNKNOWN_PERSON:
        return OwnerResult(cleaned, [Flag.OWNER_UNCONFIRMED]) if from_user else _unresolved(quote)
    if is_speaker_label(cleaned) and not from_user:
        # The model copied an anonymous label ("S2") from the transcript: a voice, not a name yet.
        return _from_speaker(speaker, quote, attendees) if commitment else _unresolved(quote)

    # Split the cleaned text, not the key: the key has already lost "," "/" "&" "+".
    parts = [p for p in (name_key(x) for x in _SPLIT_OWNERS.split(cleaned.lower())) if p]
    # Whole-phrase groups first ("R and D"), then parts: "Ana and the SRE team" is two owners.
    if key in _GROUP_WORDS or (len(parts) > 1 and all(_is_group(p) for p in parts)):
        return OwnerResult(cleaned, [Flag.GROUP_OWNER])
    if len(parts) > 1:
        return OwnerResult(cleaned, [Flag.MULTIPLE_OWNERS])
    if _is_group(key):
        return OwnerResult(cleaned, [Flag.GROUP_OWNER])

    quote_words = tokens(quote)
    named_in_quote = contains_name(cleaned, quote_words)
    if commitment and not named_in_quote and not from_user:
        # "I'll add the alert" with owner "Ana": the model guessed who "I" is.
        return _from_speaker(speaker, quote, attendees)

    if attendees:
        matches = match_attendee(cleaned, attendees)
        if not named_in_quote and not from_user:
            # The quote names who does it and the model named someone else ("David will add the
            # alert", owner "James"): the evidence wins — a model can be talked into another owner.
            doer = _quoted_doer(quote, attendees)
            if doer is not None:
                return OwnerResult(doer, [])
        if len(matches) == 1:
            return OwnerResult(matches[0], [])
        if len(matches) > 1:
            return OwnerResult(cleaned, [Flag.OWNER_UNCONFIRMED])
        if named_in_quote:
            return OwnerResult(cleaned, [])
        return OwnerResult(cleaned, [Flag.OWNER_NOT_IN_MEETING])
    if transcript_text.strip() and not named_in_quote and not contains_name(cleaned, tokens(transcript_text)):
        return OwnerResult(cleaned, [Flag.OWNER_NOT_IN_MEETING])
    return OwnerResult(cleaned, [])


def _from_speaker(speaker: str | None, quote: str, attendees: Sequence[str]) -> OwnerResult:
    """First person is whoever said it: the attributed speaker, else unresolved (never a guess)."""
    if speaker is None:
        return _unresolved(quote)
    # The speaker spoke in the meeting, so no attendee check; only adopt the canonical spelling.
    matches = match_attendee(speaker, attendees)
    return OwnerResult(matches[0] if len(matches) == 1 else speaker, [])


# "<Name> will…", "<Name>'ll…", "<Name> is going to…", "<Name>, can you…": the person doing the work.
# Names only: capitalised as the ASR writes them ("We will" is skipped as a group word below).
_DOER = re.compile(
    r"\b([A-Z][\w'-]*)(?:'ll\b|\s+(?:will|shall|is going to|is gonna|agreed to|volunteered to|"
    r"takes|owns|to own)\b|,\s*(?:can|could|would|will) you\b)"
)


def _quoted_doer(quote: str, attendees: Sequence[str]) -> str | None:
    """The one attendee the quote names as doing the work, if exactly one."""
    found: list[str] = []
    for match in _DOER.finditer(straighten_quotes(quote)):
        word = match.group(1).lower()
        if word in _GROUP_WORDS or word in _FIRST_PERSON or word in _UNKNOWN_PERSON or word in _NO_OWNER_WORDS:
            continue
        candidates = match_attendee(word, attendees)
        if len(candidates) == 1:
            found.append(candidates[0])
    distinct = _distinct(found)
    return distinct[0] if len(distinct) == 1 else None


def _unresolved(quote: str) -> OwnerResult:
    """An owner we cannot name: cleared, flagged by what the quote alone says.

    Deciding from the quote alone (not from the owner we just cleared) is what keeps
    `apply_checks` idempotent: a second run sees owner None and the same quote, and must reach
    the same flag.
    """
    if _PERSON_PRONOUN.search(straighten_quotes(quote).lower()):
        return OwnerResult(None, [Flag.OWNER_UNCONFIRMED])  # someone was meant, we do not know who
    return OwnerResult(None, [Flag.NO_OWNER])
