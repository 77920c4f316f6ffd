"""Transcript corrections: a person's fix of what the recogniser heard ("Pre-a" → "Priya").

`transcript.jsonl` stays what the recogniser committed (append-only, never rewritten); the fixes live
beside it in `corrections.json` (segment id → corrected text, with the original), replaced atomically.
Every view of the session — review, exports, checks, search — reads the corrected lines, and the
original is always there to show or to restore.

When a line changes, the items citing it are re-checked: their quote is re-aligned to the corrected
text (rapidfuzz's partial alignment finds the span of the new line that the old quote covered), so the
flags (owner named? due date said? evidence supports it?) describe what was really said.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Iterable, Sequence

from pydantic import BaseModel, Field
from rapidfuzz import fuzz

from assistant.domain.postmortem import Item, Postmortem
from assistant.domain.transcript import Segment

CORRECTIONS_FILE = "corrections.json"
MAX_LINE_CHARS = 2000
"""A transcript line is a sentence or a few: a longer "correction" is a paste gone wrong."""


class LineCorrection(BaseModel):
    text: str
    original: str
    corrected_at: dt.datetime


class Corrections(BaseModel):
    """Segment id → its correction. JSON object keys are strings; pydantic converts them back to ints."""

    lines: dict[int, LineCorrection] = Field(default_factory=dict)

    def corrected(self, segments: Iterable[Segment]) -> list[Segment]:
        """`segments` with corrected text (new objects only for corrected lines). Word timings of a
        corrected line are dropped: they belong to the words that were misheard."""
        out = []
        for seg in segments:
            fix = self.lines.get(seg.id)
            out.append(seg if fix is None else seg.model_copy(update={"text": fix.text, "words": []}))
        return out

    def terms(self) -> list[str]:
        """The phrases people typed in place of what was heard, for the vocabulary of later sessions:
        each replaced or inserted run of words ("Pre-a" → "Priya" gives "Priya"). Ordinary lowercase
        words replaced word for word take the word before them along ("pool savings" → "pool settings" gives "pool
        settings"): the snap pass changes dictionary words only as whole phrases. Pure deletions and
        case-only changes give nothing."""
        found: list[str] = []
        for fix in self.lines.values():
            found += changed_phrases(fix.original, fix.text)
        return list(dict.fromkeys(found))


_WORD = re.compile(r"[\w'’.-]+")


def changed_phrases(before: str, after: str) -> list[str]:
    old = [w.strip(".") for w in _WORD.findall(before)]
    new = [w.strip(".") for w in _WORD.findall(after)]
    matcher = difflib.SequenceMatcher(a=[w.lower() for w in old], b=[w.lower() for w in new], autojunk=False)
    phrases = []
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op not in ("replace", "insert"):
            continue
        if op == "replace" and a2 - a1 == b2 - b1 == 1 and old[a1].lower() == new[b1].lower():
            continue
        if a2 - a1 == b2 - b1 and all(w.isalpha() and w.islower() for w in new[b1:b2]):
            if b1 > 0:
                b1 -= 1
            elif b2 < len(new):
                b2 += 1
            else:
                continue
        words = [w for w in new[b1:b2] if w]
        if words and len(words) <= 4:  # a name or a term, not a rewritten sentence
            phrases.append(" ".join(words))
    return phrases


def check_text(text: str) -> str:
    """The corrected text as stored: one line, stripped. ValueError with the reason when it cannot be."""
    line = " ".join(text.split())
    if not line:
        raise ValueError("a transcript line cannot be empty (reject the items it supports instead)")
    if len(line) > MAX_LINE_CHARS:
        raise ValueError(f"a transcript line is at most {MAX_LINE_CHARS} characters")
    return line


def citing(pm: Postmortem, segment_id: int) -> list[Item]:
    """The items whose evidence cites the line."""
    return [item for item in pm.all_items() if segment_id in item.evidence.segment_ids]


def realign_quotes(items: Sequence[Item], segments: Sequence[Segment]) -> None:
    """Point each item's quote at the corrected words: the span of its cited lines (now corrected) that
    best matches the old quote, widened to whole words; the whole cited text when nothing matches well."""
    by_id = {s.id: s for s in segments}
    for item in items:
        lines = [by_id[i].text.strip() for i in item.evidence.segment_ids if i in by_id]
        text = " ".join(line for line in lines if line)
        if not text:
            continue
        quote = item.evidence.quote.strip()
        item.evidence.quote = _best_span(quote, text) if quote else text
        item.evidence.verified = True  # the quote is now taken from the cited lines themselves


_MIN_ALIGNMENT = 60.0


def _best_span(quote: str, text: str) -> str:
    if quote.lower() in text.lower():
        start = text.lower().index(quote.lower())
        return text[start : start + len(quote)]
    alignment = fuzz.partial_ratio_alignment(quote.lower(), text.lower())
    if alignment is None or alignment.score < _MIN_ALIGNMENT:
        return text
    start, end = alignment.dest_start, alignment.dest_end
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    while end < len(text) and not text[end].isspace():
        end += 1
    return text[start:end].strip()
