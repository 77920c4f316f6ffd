"""Evidence verification: find the model's quote in the transcript, in code.

The quote is compared as a sequence of normalised tokens (lowercase, no punctuation) against the
whole transcript concatenated, so a quote may span segment boundaries. An exact token match is
tried first; then a fuzzy one (difflib ratio >= 0.8), because the model may paraphrase slightly
and the transcript is what the ASR heard.

Cost: fuzzy matching never slides SequenceMatcher over every window (quadratic on a two-hour
meeting). Each quote token votes for the alignment ("diagonal") its transcript occurrences
imply, as in FASTA-style seed search; only the few best-voted diagonals are scored with
SequenceMatcher. Building the index is O(n); a lookup is O(occurrences of the quote's tokens +
K·m²) for a quote of m tokens.

Among several matches the one inside or nearest the hint segments wins (the window the model was
shown), then the earliest. A fuzzy match keeps the model's quote as given; only its place and
times come from the transcript.
"""

from __future__ import annotations

import bisect
import difflib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from assistant.checks.text import tokens
from assistant.domain.postmortem import Evidence
from assistant.domain.transcript import Segment

FUZZY_CUTOFF = 0.8
_CANDIDATES = 8  # best-voted diagonals scored with SequenceMatcher, plus as many near the hints
_COMMON_TOKEN_LIMIT = 200  # tokens more frequent than this ("the") do not vote when rarer ones can


@dataclass(frozen=True)
class _Match:
    start: int  # token positions, end exclusive
    end: int
    ratio: float


class TranscriptIndex:
    """Token index of a transcript, built once and reused for many quotes (see `apply_checks`)."""

    def __init__(self, segments: Sequence[Segment]) -> None:
        self._segments = list(segments)
        self._tokens: list[str] = []
        self._owner: list[int] = []  # token position -> index into self._segments
        self._starts: list[float] = []
        self._ends: list[float] = []
        self._ranges: dict[int, tuple[int, int]] = {}  # segment id -> token range
        for index, segment in enumerate(self._segments):
            first = len(self._tokens)
            for token, start, end in _timed_tokens(segment):
                self._tokens.append(token)
                self._owner.append(index)
                self._starts.append(start)
                self._ends.append(end)
            self._ranges[segment.id] = (first, len(self._tokens))
        self._positions: dict[str, list[int]] = {}
        for position, token in enumerate(self._tokens):
            self._positions.setdefault(token, []).append(position)

    def locate(self, quote: str, hint_ids: Sequence[int] = ()) -> Evidence:
        """Evidence for `quote`: verified with its segments and times, or unverified at the hints."""
        words = tokens(quote)
        hint = self._hint_span(hint_ids)
        match = self._exact(words, hint) if words else None
        if match is None and words:
            match = self._fuzzy(words, hint)
        if match is None:
            return self._unverified(quote, hint_ids)
        segment_ids = list(dict.fromkeys(self._segments[i].id for i in self._owner[match.start : match.end]))
        return Evidence(
            segment_ids=segment_ids,
            start=self._starts[match.start],
            end=self._ends[match.end - 1],
            quote=quote,
            verified=True,
        )

    # --- matching ------------------------------------------------------------------------------

    def _exact(self, words: list[str], hint: tuple[int, int] | None) -> _Match | None:
        # Anchor on the quote's rarest token: few occurrences to check, each in O(m).
        anchor = min(range(len(words)), key=lambda i: len(self._positions.get(words[i], ())))
        matches = []
        for position in self._positions.get(words[anchor], ()):
            start = position - anchor
            if start >= 0 and self._tokens[start : start + len(words)] == words:
                matches.append(_Match(start, start + len(words), 1.0))
        return min(matches, key=lambda m: (_distance(m, hint), m.start), default=None)

    def _fuzzy(self, words: list[str], hint: tuple[int, int] | None) -> _Match | None:
        found: list[_Match] = []
        for diagonal in self._candidate_diagonals(words, hint):
            match = self._score(words, diagonal)
            if match is not None and match.ratio >= FUZZY_CUTOFF:
                found.append(match)
        return min(found, key=lambda m: (_distance(m, hint), -m.ratio, m.start), default=None)

    def _candidate_diagonals(self, words: list[str], hint: tuple[int, int] | None) -> list[int]:
        """Alignments (transcript position of the quote's first token) worth scoring."""
        m = len(words)
        counts = [len(self._positions.get(w, ())) for w in words]
        rare_exists = any(0 < c <= _COMMON_TOKEN_LIMIT for c in counts)
        votes: Counter[int] = Counter()
        for i, word in enumerate(words):
            if rare_exists and counts[i] > _COMMON_TOKEN_LIMIT:
                continue
            for position in self._positions.get(word, ()):
                votes[position - i] += 1
        if not votes:
            return []
        # An inserted or dropped word shifts the diagonal, so neighbouring diagonals pool votes.
        band = max(2, m // 4)
        pooled = _pool(votes, band)
        ranked = sorted(pooled, key=lambda d: (-pooled[d], d))
        chosen = _spread(ranked, m, _CANDIDATES)
        if hint is not None:
            near = [d for d in ranked if hint[0] - m <= d <= hint[1]]
            chosen += [d for d in _spread(near, m, _CANDIDATES) if d not in chosen]
        return chosen

    def _score(self, words: list[str], diagonal: int) -> _Match | None:
        """Best span around one alignment: SequenceMatcher blocks, then the tightest good span."""
        m = len(words)
        pad = max(3, m // 2)
        lo = max(0, diagonal - pad)
        region = self._tokens[lo : min(len(self._tokens), diagonal + m + pad)]
        matcher = difflib.SequenceMatcher(None, words, region, autojunk=False)
        blocks = [b for b in matcher.get_matching_blocks() if b.size]
        best: tuple[float, int, int] | None = None
        # Consecutive runs of blocks bound candidate spans; estimate each by its matched share.
        for i in range(len(blocks)):
            matched = 0
            for j in range(i, len(blocks)):
                matched += blocks[j].size
                span = blocks[j].b + blocks[j].size - blocks[i].b
                estimate = 2 * matched / (m + span)
                if best is None or estimate > best[0]:
                    best = (estimate, blocks[i].b, blocks[j].b + blocks[j].size)
        if best is None:
            return None
        start, end = lo + best[1], lo + best[2]
        ratio = difflib.SequenceMatcher(None, words, self._tokens[start:end], autojunk=False).ratio()
        return _Match(start, end, ratio)

    # --- hints and the not-found case ----------------------------------------------------------

    def _hint_span(self, hint_ids: Sequence[int]) -> tuple[int, int] | None:
        ranges = [self._ranges[i] for i in hint_ids if i in self._ranges]
        if not ranges:
            return None
        return min(r[0] for r in ranges), max(r[1] for r in ranges)

    def _unverified(self, quote: str, hint_ids: Sequence[int]) -> Evidence:
        by_id = {s.id: s for s in self._segments}
        hinted = [by_id[i] for i in dict.fromkeys(hint_ids) if i in by_id]
        return Evidence(
            segment_ids=[s.id for s in hinted],
            start=min((s.start for s in hinted), default=None),
            end=max((s.end for s in hinted), default=None),
            quote=quote,
            verified=False,
        )


def locate_quote(quote: str, segments: Sequence[Segment], hint_ids: Sequence[int] = ()) -> Evidence:
    """Find `quote` in `segments` (exact, then fuzzy); see the module docstring."""
    return TranscriptIndex(segments).locate(quote, hint_ids)


def _timed_tokens(segment: Segment) -> list[tuple[str, float, float]]:
    """Tokens of a segment with times: per word when the words still spell the segment text.

    Word timestamps give precise start/end; if the text was edited after transcription the
    words are stale, so fall back to the segment's own times.
    """
    text_tokens = tokens(segment.text)
    if segment.words:
        timed = [(t, w.start, w.end) for w in segment.words for t in tokens(w.text)]
        if [t for t, _, _ in timed] == text_tokens:
            return timed
    return [(t, segment.start, segment.end) for t in text_tokens]


def _distance(match: _Match, hint: tuple[int, int] | None) -> int:
    """Tokens between a match and the hint span (0 when they overlap, or without hints)."""
    if hint is None:
        return 0
    if match.end <= hint[0]:
        return hint[0] - match.end + 1
    if match.start >= hint[1]:
        return match.start - hint[1] + 1
    return 0


def _pool(votes: Counter[int], band: int) -> dict[int, int]:
    """Votes within `band` of each diagonal, by prefix sums over the sorted diagonals."""
    keys = sorted(votes)
    prefix = [0]
    for d in keys:
        prefix.append(prefix[-1] + votes[d])
    return {d: prefix[bisect.bisect_right(keys, d + band)] - prefix[bisect.bisect_left(keys, d - band)] for d in keys}


def _spread(diagonals: list[int], width: int, limit: int) -> list[int]:
    """Up to `limit` diagonals, skipping any within `width` of one already taken."""
    chosen: list[int] = []
    for d in diagonals:
        if all(abs(d - c) >= width for c in chosen):
            chosen.append(d)
            if len(chosen) == limit:
                break
    return chosen
