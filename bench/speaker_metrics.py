"""Scoring for speaker attribution: DER with a collar, label mapping, word-attribution accuracy."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
from scipy.optimize import linear_sum_assignment

from assistant.speakers.attribute import TurnIndex
from assistant.speakers.model import Turn

STEP_S = 0.01


def read_rttm(path: Path) -> list[Turn]:
    turns = []
    for line in path.read_text().splitlines():
        parts = line.split()
        if len(parts) >= 8 and parts[0] == "SPEAKER":
            start, duration = float(parts[3]), float(parts[4])
            turns.append(Turn(parts[7], start, start + duration))
    return turns


def _frames(turns: Sequence[Turn], labels: Sequence[str], n: int) -> np.ndarray:
    """Boolean matrix [speaker, frame]: who speaks in each 10 ms frame."""
    grid = np.zeros((len(labels), n), dtype=bool)
    where = {lb: i for i, lb in enumerate(labels)}
    for t in turns:
        grid[where[t.speaker], round(t.start / STEP_S) : round(t.end / STEP_S)] = True
    return grid


def mapping(ref: Sequence[Turn], hyp: Sequence[Turn]) -> dict[str, str]:
    """Hypothesis label -> reference speaker maximising shared speech time (Hungarian)."""
    ref_labels = sorted({t.speaker for t in ref})
    hyp_labels = sorted({t.speaker for t in hyp})
    if not ref_labels or not hyp_labels:
        return {}
    n = int(max(max(t.end for t in ref), max(t.end for t in hyp)) / STEP_S) + 1
    r, h = _frames(ref, ref_labels, n), _frames(hyp, hyp_labels, n)
    overlap = h.astype(np.int32) @ r.T.astype(np.int32)
    rows, cols = linear_sum_assignment(-overlap)
    return {hyp_labels[i]: ref_labels[j] for i, j in zip(rows, cols, strict=True)}


def der(ref: Sequence[Turn], hyp: Sequence[Turn], collar: float = 0.25) -> dict[str, float]:
    """Diarization error rate (NIST style, frame-based): (miss + false alarm + confusion) / reference
    speech, frames within `collar` s of a reference boundary excluded, overlapping speech scored."""
    best = mapping(ref, hyp)
    ref_labels = sorted({t.speaker for t in ref})
    n = int(max([t.end for t in ref] + [t.end for t in hyp] + [0.0]) / STEP_S) + 2
    r = _frames(ref, ref_labels, n)
    mapped = [Turn(best.get(t.speaker, f"_unmapped_{t.speaker}"), t.start, t.end) for t in hyp]
    hyp_labels = sorted({t.speaker for t in mapped})
    h = _frames(mapped, hyp_labels, n)
    scored = np.ones(n, dtype=bool)
    c = round(collar / STEP_S)
    for t in ref:
        for edge in (t.start, t.end):
            i = round(edge / STEP_S)
            scored[max(0, i - c) : i + c] = False
    n_ref = r.sum(axis=0)
    n_hyp = h.sum(axis=0)
    correct = np.zeros(n, dtype=np.int32)
    for j, lb in enumerate(ref_labels):
        if lb in hyp_labels:
            correct += (r[j] & h[hyp_labels.index(lb)]).astype(np.int32)
    miss = np.maximum(n_ref - n_hyp, 0)
    fa = np.maximum(n_hyp - n_ref, 0)
    conf = np.minimum(n_ref, n_hyp) - correct
    total = float(n_ref[scored].sum())
    parts = {
        k: float(v[scored].sum()) / total if total else 0.0
        for k, v in (("miss", miss), ("false_alarm", fa), ("confusion", conf))
    }
    return {"der": sum(parts.values()), **parts, "scored_speech_s": total * STEP_S}


def word_accuracy(
    words: Sequence[tuple[float, float]], hyp_labels: Sequence[str | None], ref: Sequence[Turn], best: dict[str, str]
) -> dict[str, float]:
    """Share of words whose attributed speaker (mapped to a reference speaker) is the reference speaker
    of the turn the word overlaps most. Words outside every reference turn are left out."""
    ref_index = TurnIndex(ref)
    right = total = 0
    for (start, end), label in zip(words, hyp_labels, strict=True):
        truth = _overlapping(ref_index, start, end)
        if truth is None:
            continue
        total += 1
        right += int(label is not None and best.get(label) == truth)
    return {"accuracy": right / total if total else 0.0, "words": total}


def _overlapping(index: TurnIndex, start: float, end: float) -> str | None:
    near = any(min(end, t.end) > max(start, t.start) - 0.2 for t in index.turns)
    return index.speaker_at(start, end) if near else None
