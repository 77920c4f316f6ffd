"""Text normalisation shared by the checks, so every check compares words the same way."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable

# Apostrophes are dropped rather than split on, so "don't" and "dont" (both common in ASR output)
# become the same token; every other non-word character separates tokens.
_APOSTROPHES = re.compile(r"['\u2018\u2019\u02bc`]")
_SEPARATORS = re.compile(r"[^\w]+|_")

# Diarization labels ("SPEAKER_00", "spk 2") are not names: they can neither own an item nor attend.
_SPEAKER_LABEL = re.compile(r"^(?:speaker|spk|spkr|s|unknown|person|voice)[\s_-]*\d*$", re.I)

# Names are compared on a lighter normalisation: case and spacing only, keeping hyphens.
_NAME_NOISE = re.compile(r"[^\w\s'-]|_")


def tokens(text: str) -> list[str]:
    """Lowercase word tokens of `text`, punctuation removed."""
    return [t for t in _SEPARATORS.split(_APOSTROPHES.sub("", text.lower())) if t]


def straighten_quotes(text: str) -> str:
    """Curly apostrophes to straight ones, so patterns can spell "i'll" once."""
    return _APOSTROPHES.sub("'", text)


def name_key(name: str) -> str:
    """A person's name reduced for comparison: "  Sarah  LEE." -> "sarah lee"."""
    cleaned = _NAME_NOISE.sub(" ", straighten_quotes(name).lower())
    return " ".join(cleaned.split())


def is_speaker_label(name: str) -> bool:
    """True for anonymous diarization labels, which say who spoke but not their name."""
    return bool(_SPEAKER_LABEL.match(name.strip()))


def similar(a: str, b: str) -> float:
    """difflib ratio of two strings (0..1)."""
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()


def contains_name(name: str, words: Iterable[str], cutoff: float = 0.8) -> bool:
    """True when `name` (or its first name) is among `words`, allowing small ASR misspellings."""
    name_tokens = tokens(name)
    if not name_tokens:
        return False
    vocabulary = set(words)
    if all(t in vocabulary for t in name_tokens) or name_tokens[0] in vocabulary:
        return True
    # Names shorter than four letters fuzz into ordinary words ("al" ~ "all"): exact only.
    first = name_tokens[0]
    if len(first) < 4:
        return False
    return bool(difflib.get_close_matches(first, vocabulary, n=1, cutoff=cutoff))
