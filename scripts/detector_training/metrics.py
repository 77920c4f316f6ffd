"""How well a head's scores rank and flag the gold lines: AUC, average precision, and the two operating
thresholds (best F1; the highest that still reaches RECALL_TARGET)."""

from __future__ import annotations

from typing import Any

import numpy as np

RECALL_TARGET = 0.8


def auc(y: np.ndarray, s: np.ndarray) -> float:
    pos, neg = int(y.sum()), int(len(y) - y.sum())
    if pos == 0 or neg == 0:
        return float("nan")
    order = np.argsort(s, kind="mergesort")
    ranks = np.empty(len(s), dtype=np.float64)
    sorted_s = s[order]
    _, first, counts = np.unique(sorted_s, return_index=True, return_counts=True)
    avg = first + (counts - 1) / 2.0 + 1.0
    ranks[order] = np.repeat(avg, counts)
    return float((ranks[y == 1].sum() - pos * (pos + 1) / 2.0) / (pos * neg))


def pr_curve(y: np.ndarray, s: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(thresholds, precision, recall) at each distinct score, descending."""
    order = np.argsort(-s, kind="mergesort")
    ss, yy = s[order], y[order]
    tp = np.cumsum(yy)
    fp = np.cumsum(1 - yy)
    last = np.r_[np.flatnonzero(np.diff(ss) != 0), len(ss) - 1]  # last index of each distinct score
    tp, fp, th = tp[last], fp[last], ss[last]
    precision = tp / np.maximum(tp + fp, 1)
    recall = tp / max(int(y.sum()), 1)
    return th, precision, recall


def average_precision(y: np.ndarray, s: np.ndarray) -> float:
    _, p, r = pr_curve(y, s)
    return float(np.sum(np.diff(np.r_[0.0, r]) * p))


def at_threshold(y: np.ndarray, s: np.ndarray, t: float) -> dict[str, float]:
    pred = s >= t
    tp = float((pred & (y == 1)).sum())
    p = tp / max(float(pred.sum()), 1.0)
    r = tp / max(float(y.sum()), 1.0)
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    return {"threshold": float(t), "precision": p, "recall": r, "f1": f1, "flagged": float(pred.mean())}


def tune(y: np.ndarray, s: np.ndarray) -> dict[str, dict[str, float]]:
    th, p, r = pr_curve(y, s)
    f1 = np.where(p + r > 0, 2 * p * r / np.maximum(p + r, 1e-12), 0.0)
    best = int(np.argmax(f1))
    ok = np.flatnonzero(r >= RECALL_TARGET)
    rec = int(ok[0]) if len(ok) else len(th) - 1  # highest threshold reaching the recall target
    return {"f1": at_threshold(y, s, float(th[best])), "recall": at_threshold(y, s, float(th[rec]))}


def evaluate(y: np.ndarray, s: np.ndarray, thresholds: dict[str, float] | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"n": len(y), "positives": int(y.sum()), "auc": auc(y, s), "ap": average_precision(y, s)}
    if y.sum() == 0:
        return out
    if thresholds is None:
        out.update(tune(y, s))
    else:
        out.update({mode: at_threshold(y, s, t) for mode, t in thresholds.items()})
    return out


def fmt(kind: str, m: dict[str, Any]) -> str:
    s = f"{kind:9s} n={m['n']:6d} pos={m['positives']:4d} AUC {m['auc']:.3f} AP {m['ap']:.3f}"
    for mode in ("f1", "recall"):
        if mode in m:
            x = m[mode]
            s += (
                f" | {mode}: t={x['threshold']:.3f} P {x['precision']:.3f} R {x['recall']:.3f} F1 {x['f1']:.3f}"
                f" flag {x['flagged']:.1%}"
            )
    return s
