"""Shared word lists: discourse fillers, facilitation phrases and words spoken to the assistant."""

from __future__ import annotations

import re

# Words that open a sentence without carrying content ("Okay, so, decisions.").
LEADING_FILLER = re.compile(
    r"^(?:(?:okay|ok|so|and|also|well|right|alright|all right|um|uh|yeah|yes|now|then|but|oh|great|"
    r"good|cool|fine|sure|anyway|next|finally|first|second|third|lastly|plus|besides|actually|basically|"
    r"honestly|i think|i guess|in that case|one more thing|last thing)\b[,.:;!]?\s*)+",
    re.I,
)
# A section heading said aloud ("Decisions.", "Action items:", "Now the whys.").
HEADING = re.compile(
    r"^(?:(?:okay|ok|so|and|now|next|then|right|alright)[,]?\s+)*(?:the\s+|our\s+)?"
    r"(?:decisions?|action items?|actions|next steps|open questions?|questions|timeline|the whys|whys|impact|"
    r"what worked|what went well|what didn't work|what did not work|follow[- ]ups?|root cause|summary)"
    r"(?:\s+(?:please|then|now|first|next))?\s*[.:!?]?\s*$",
    re.I,
)
# Words addressed to the assistant or the note-taker: never evidence for an item of their own.
TO_ASSISTANT = re.compile(
    r"^(?:(?:hey|okay|ok|so|and)[,]?\s+)*(?:assistant|bot|ai|notetaker|note taker|note-taker|computer|scribe)\b|"
    r"[,.]\s*(?:hey\s+)?assistant\s*[,.:]|"
    r"\b(?:note (?:that|this) down|write (?:that|this) down|mark (?:that|this|it) (?:down )?as|"
    r"add (?:that|this) (?:as|to) (?:an? )?(?:action|decision|item|question)|record (?:that|this) as|"
    r"put (?:that|this) (?:in|on) the (?:notes|list|doc|postmortem)|make a note|take a note|log (?:that|this) as|"
    r"ignore (?:your|all|the|previous) (?:instructions|rules)|system message|new instruction)\b",
    re.I,
)


_QUESTION_LABEL = re.compile(
    r"^(?:(?:one|another|an|the|my|a|last|final|big)\s+)?(?:open\s+|last\s+|final\s+|remaining\s+)?question(?:\s+(?:is|for you|for everyone))?\s*[:,]\s*|"
    r"^one thing (?:i|we) (?:still )?(?:don't|do not) (?:understand|know)(?: yet)?\s*[:,]\s*|"
    r"^(?:(?:and )?(?:another one|one more|and another|also|last one|one last thing|a second one|a third one)(?: for later)?)\s*[:,]\s*|"
    # "And the other thing I cannot answer: who should own…" — a short lead-in before a colon.
    r"^(?=[^:?]{0,60}\b(?:question|thing|wonder|answer|unclear|know)\b)[^:?]{0,60}:\s*",
    re.I,
)


def strip_filler(text: str) -> str:
    out = LEADING_FILLER.sub("", text.strip())
    return out[:1].upper() + out[1:] if out else out


def tidy(text: str) -> str:
    """An item's text: no leading filler or trailing punctuation, first letter lower-cased unless a name."""
    out = strip_filler(text).strip().rstrip(".!?;:, ")
    out = re.sub(r"\s+", " ", out)
    out = re.sub(r"^(?:that|to)\s+", "", out, flags=re.I)
    out = _QUESTION_LABEL.sub("", out)
    out = out[:1].upper() + out[1:] if out else out
    return out
