"""Word error rate with the normalisation the AMI references need (case, punctuation, fillers).

The alignment is jiwer's (rapidfuzz's Levenshtein in C); only the normalisation is ours. Measured
against the hand-written dynamic programme this replaced: the same WER and error count on the 14
real reference/Whisper pairs (the shared ASR clips, three fixture meetings) and on 23,000 random
pairs, ~40x faster.
"""

from __future__ import annotations

import re

import jiwer

FILLERS = frozenset({"um", "uh", "mm", "hmm", "mmhmm", "mm-hmm", "uhhuh", "ah", "er", "erm", "oh"})
_NUMBERS = {
    "zero": "0", "one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6",
    "seven": "7", "eight": "8", "nine": "9", "ten": "10",
}  # fmt: skip


def normalise(text: str) -> list[str]:
    text = text.lower().replace("_", "")
    text = re.sub(r"[^a-z0-9' ]+", " ", text)
    words = [w.strip("'") for w in text.split()]
    return [_NUMBERS.get(w, w) for w in words if w and w not in FILLERS]


def edit_distance(ref: list[str], hyp: list[str]) -> int:
    """Word substitutions + deletions + insertions turning `ref` into `hyp` (normalised words)."""
    # Normalised words hold no spaces, so joining and jiwer's whitespace split give the lists back.
    out = jiwer.process_words(" ".join(ref), " ".join(hyp))
    return out.substitutions + out.deletions + out.insertions


def wer(reference: str, hypothesis: str) -> float:
    ref, hyp = normalise(reference), normalise(hypothesis)
    if not ref:
        # Kept from before jiwer, which counts the inserted words here: an empty reference is 0 or 1.
        return 0.0 if not hyp else 1.0
    return edit_distance(ref, hyp) / len(ref)
