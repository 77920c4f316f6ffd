"""Snap near-misses of known names and terms to their spelling, after Whisper ("Pre-a" → "Priya").

The initial prompt already hints the vocabulary (attendees, `asr.vocabulary`), but a small model
still spells an unusual name as it sounds, and a wrong owner name is a wrong action item. This pass
compares word spans of each line with every term and replaces a span only when it is a close
spelling of the term *and* could not just as well be the ordinary words it looks like:

- the span's letters must be close to the term's (rapidfuzz's normalised Indel similarity), about as
  many, start with the same letter, and the term must be long enough to be distinctive (4+ letters);
- a span of ordinary English words is only snapped to a term of as many words ("pool savings" →
  "pool settings" when the vocabulary says so), never to a one-word name ("prior" stays "prior"
  when Priya attends): Whisper writes the dictionary word when it hears one, and a name it did not
  know comes out as a fragment or a misspelling, which is what this looks for;
- a span that already spells the term, differing only in case, gets the term's case.

Measured on fixture meetings by `bench/asr_models.py --snap` (name misses before/after, and WER, so
a snap that breaks ordinary words shows as a WER rise).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz.distance import Indel

from assistant.domain.transcript import Segment, Transcript, Word

MIN_LETTERS = 4
"""Shorter terms ("Tom", "Ana", "DNS") look like too many ordinary words to snap by spelling."""
SIMILARITY = 0.65
"""Normalised Indel similarity of letters: "prea"/"priya" 0.67 passes, "press"/"priya" 0.40 does not."""
SPLIT_SIMILARITY = 0.8
"""For a span of one word more than the term: "pg bouncer" → "pgbouncer" yes, "Sure I" → "Suresh" (0.73) no."""
_LETTERS = re.compile(r"[^a-z0-9]+")


def _letters(text: str) -> str:
    return _LETTERS.sub("", text.lower())


@dataclass(frozen=True)
class Term:
    text: str
    key: str
    words: int

    @staticmethod
    def of(text: str) -> Term:
        return Term(text.strip(), _letters(text), len(text.split()))


def known_terms(vocabulary: Sequence[str]) -> list[Term]:
    terms = {t.key: t for t in (Term.of(v) for v in vocabulary if v.strip()) if t.key}
    return sorted(terms.values(), key=lambda t: (-t.words, -len(t.key)))  # longest first: "pool settings" before "pool"


def snap_transcript(transcript: Transcript, vocabulary: Sequence[str]) -> Transcript:
    """`transcript` with near-miss spellings of `vocabulary` replaced; lines without a change are the same objects."""
    terms = known_terms(vocabulary)
    if not terms:
        return transcript
    segments = [snap_segment(s, terms) for s in transcript.segments]
    return transcript.model_copy(update={"segments": segments})


def snap_segment(segment: Segment, terms: Sequence[Term]) -> Segment:
    if not segment.words:
        return segment
    words = list(segment.words)
    changed = False
    i = 0
    while i < len(words):
        hit = _match_at(words, i, terms)
        if hit is None:
            i += 1
            continue
        span, term = hit
        words[i : i + span] = [_merged(words[i : i + span], term.text)]
        changed = True
        i += 1
    if not changed:
        return segment
    text = "".join(w.text for w in words).strip()
    return segment.model_copy(update={"words": words, "text": text})


def _match_at(words: Sequence[Word], i: int, terms: Sequence[Term]) -> tuple[int, Term] | None:
    for term in terms:
        for span in sorted({term.words, term.words + 1, max(1, term.words - 1)}):
            if i + span > len(words):
                continue
            tokens = [w.text.strip() for w in words[i : i + span]]
            if _snaps(tokens, term):
                return span, term
    return None


def _snaps(tokens: list[str], term: Term) -> bool:
    said = "".join(_letters(t) for t in tokens)
    if not said or any(t[-1:] in ".,!?;:" for t in tokens[:-1]):
        return False  # a name is never split by punctuation: "Sure, I" is two words, not "Suresh"
    core = " ".join(t.strip(".,!?;:\"'") for t in tokens)
    if said == term.key:
        return core != term.text and len(term.key) >= 2  # a case or hyphen fix only ("priya", "Pool-Settings")
    if len(term.key) < MIN_LETTERS or said[0] != term.key[0]:
        return False
    if abs(len(said) - len(term.key)) > max(1, len(term.key) // 4):
        return False  # "Sure" is not "Suresh": a near-miss has about the term's length
    # A span of more words than the term joins words that may each be real ("Sure I" ~ "Suresh"):
    # only a close spelling counts then.
    needed = SIMILARITY if len(tokens) <= term.words else SPLIT_SIMILARITY
    if Indel.normalized_similarity(said, term.key) < needed:
        return False
    plain_words = all(t.strip(".,!?;:\"'").isalpha() and t.strip(".,!?;:\"'").islower() for t in tokens)
    # Lowercase dictionary-looking words only snap to a term of as many words (see the module docstring).
    return not plain_words or len(tokens) == term.words > 1


def _merged(words: Sequence[Word], text: str) -> Word:
    first, last = words[0], words[-1]
    lead = first.text[: len(first.text) - len(first.text.lstrip())]
    stripped = last.text.rstrip()
    tail = stripped[len(stripped.rstrip(".,!?;:")) :]
    probability = min(w.probability for w in words)
    return Word(start=first.start, end=last.end, text=f"{lead}{text}{tail}", probability=probability)
