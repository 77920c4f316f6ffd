"""How alike two short statements are, for matching what the meeting said with the draft's items.

The sentence encoder the extraction already ships (all-MiniLM-L6-v2, `assistant.extraction.linemodel`)
scores paraphrases ("the alert went to the wrong channel" ~ "alert fires but pages the wrong channel");
rapidfuzz's token-set ratio keeps near-verbatim pairs high when the encoder is unsure of jargon. Numbers
and clock times are compared separately by the matcher: both scorers are blind to "14:38" vs "14:40".
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from typing import Protocol

import numpy as np
from rapidfuzz import fuzz

from assistant.extraction.rules.clock import find_times

_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_TIMEISH = re.compile(r"\b\d{1,2}[:.]\d\d\b|\b\d{3,4}\b(?=\s|$)")


class Encoder(Protocol):
    def encode(self, texts: Sequence[str]) -> np.ndarray: ...


@lru_cache(maxsize=1)
def default_encoder() -> Encoder:
    from assistant.extraction.linemodel import MiniLMEncoder

    return MiniLMEncoder()


def _words(text: str) -> str:
    # Clock times are compared on their own; left in, "at 14:38" vs "at 14:40" would lower the score of
    # the very pair that needs a correction. Other numbers stay: "v2.31" names what was deployed.
    lowered = text.lower()
    for mention in reversed(find_times(lowered)):
        lowered = lowered[: mention.start] + " " + lowered[mention.end :]
    return " ".join(lowered.split())


def similarity_matrix(a: Sequence[str], b: Sequence[str], encoder: Encoder | None = None) -> np.ndarray:
    """Scores in [0, 1]: rows for `a`, columns for `b`."""
    if not a or not b:
        return np.zeros((len(a), len(b)), dtype=np.float32)
    enc = encoder or default_encoder()
    left, right = [_words(t) for t in a], [_words(t) for t in b]
    vectors = enc.encode([*left, *right])
    cosine = np.clip(vectors[: len(a)] @ vectors[len(a) :].T, 0.0, 1.0)
    fuzzy = np.array([[fuzz.token_set_ratio(x, y) / 100.0 for y in right] for x in left], dtype=np.float32)
    # The token-set ratio is 1.0 whenever one side's words are a subset of the other's ("alert" vs "alert
    # fired at ..."): damp it so it only lifts pairs the encoder already finds related.
    return np.asarray(np.maximum(cosine, np.minimum(fuzzy, cosine + 0.15)), dtype=np.float32)


def clock_minutes(text: str | None) -> int | None:
    """Minutes after midnight of the first clock time in `text` ("14:38", "2:38 pm", "1438"), or None."""
    if not text:
        return None
    found = find_times(text) or find_times(f"at {text}")
    if not found:
        compact = re.fullmatch(r"\s*(\d{1,2})[.\-]?(\d\d)\s*", text)
        if not compact or int(compact[1]) > 23 or int(compact[2]) > 59:
            return None
        return int(compact[1]) * 60 + int(compact[2])
    hours, minutes = found[0].hhmm.split(":")
    return int(hours) * 60 + int(minutes)


def same_clock(a: int, b: int) -> bool:
    """Equal on a 12-hour dial too: "twenty to five" (04:40) said about a 16:40 draft row is the same time."""
    return a % 720 == b % 720


def numbers(text: str | None) -> list[float]:
    """The figures in `text` ("~8,400 sessions" -> [8400.0]); clock times are not figures."""
    if not text:
        return []
    cleaned = _TIMEISH.sub(" ", text) if find_times(text) else text
    values: list[float] = []
    for raw in _NUMBER.findall(cleaned):
        digits = raw.replace(",", "")
        try:
            values.append(float(digits))
        except ValueError:
            continue
    return values
