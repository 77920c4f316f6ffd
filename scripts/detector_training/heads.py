"""The detector's heads: one logistic regression per kind on a line's embedding and a few text features,
trained with scikit-learn (here only: the runtime scores with numpy), C chosen by cross-validation."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from assistant.extraction.detector import KINDS, extra_features, sigmoid
from detector_training.ami import Unit
from detector_training.metrics import average_precision


@dataclass
class Config:
    unit: str = "sentence"  # what the heads are trained on: "sentence" or "turn"
    features: tuple[str, ...] = ("qmark", "log_words")
    position: bool = False  # experiment only: the runtime API scores texts without meeting context
    question_label: str = "question"  # or "problem" (every problems item)
    C: float = 1.0


def design(units: Sequence[Unit], emb: np.ndarray, cfg: Config, mean: np.ndarray, std: np.ndarray) -> np.ndarray:
    cols = [extra_features([u.text for u in units], cfg.features).astype(np.float64)]
    if cfg.position:
        cols.append(np.array([[u.position] for u in units]))
    extras = (np.hstack(cols) - mean) / std
    return np.hstack([emb.astype(np.float64), extras])


def scaling(units: Sequence[Unit], cfg: Config) -> tuple[np.ndarray, np.ndarray]:
    cols = [extra_features([u.text for u in units], cfg.features).astype(np.float64)]
    if cfg.position:
        cols.append(np.array([[u.position] for u in units]))
    x = np.hstack(cols)
    return x.mean(axis=0), np.maximum(x.std(axis=0), 1e-6)


def labels(units: Sequence[Unit], kind: str, cfg: Config) -> np.ndarray:
    name = cfg.question_label if kind == "question" else kind
    return np.array([name in u.labels for u in units], dtype=np.int64)


def fit(x: np.ndarray, y: np.ndarray, C: float) -> tuple[np.ndarray, float]:
    from sklearn.linear_model import LogisticRegression  # type: ignore[import-untyped]

    clf = LogisticRegression(C=C, class_weight="balanced", max_iter=2000, solver="lbfgs")
    clf.fit(x, y)
    return clf.coef_[0].astype(np.float64), float(clf.intercept_[0])


@dataclass
class Trained:
    cfg: Config
    W: np.ndarray
    b: np.ndarray
    mean: np.ndarray
    std: np.ndarray


def train(units: Sequence[Unit], emb: np.ndarray, cfg: Config, C: dict[str, float] | None = None) -> Trained:
    mean, std = scaling(units, cfg)
    x = design(units, emb, cfg, mean, std)
    ws, bs = [], []
    for kind in KINDS:
        w, b = fit(x, labels(units, kind, cfg), (C or {}).get(kind, cfg.C))
        ws.append(w)
        bs.append(b)
    return Trained(cfg, np.stack(ws), np.array(bs), mean, std)


def predict(model: Trained, units: Sequence[Unit], emb: np.ndarray) -> np.ndarray:
    return sigmoid(design(units, emb, model.cfg, model.mean, model.std) @ model.W.T + model.b)


def turn_max(sent_units: Sequence[Unit], probs: np.ndarray, turns: Sequence[Unit]) -> np.ndarray:
    index = {(u.meeting, u.turn): i for i, u in enumerate(turns)}
    out = np.zeros((len(turns), probs.shape[1]))
    rows = np.array([index[(u.meeting, u.turn)] for u in sent_units])
    np.maximum.at(out, rows, probs)
    return out


def grouped_cv_C(units: Sequence[Unit], emb: np.ndarray, cfg: Config, grid: Sequence[float]) -> dict[str, Any]:
    """Per kind, the C with the best mean average precision over 3 folds of whole meetings."""
    meetings = sorted({u.meeting for u in units})
    fold_of = {m: i % 3 for i, m in enumerate(meetings)}
    folds = np.array([fold_of[u.meeting] for u in units])
    report: dict[str, Any] = {}
    for kind in KINDS:
        y = labels(units, kind, cfg)
        scores = {}
        for C in grid:
            aps = []
            for f in range(3):
                tr, te = folds != f, folds == f
                tr_units = [u for u, k in zip(units, tr, strict=True) if k]
                te_units = [u for u, k in zip(units, te, strict=True) if k]
                mean, std = scaling(tr_units, cfg)
                w, b = fit(design(tr_units, emb[tr], cfg, mean, std), y[tr], C)
                s = sigmoid(design(te_units, emb[te], cfg, mean, std) @ w + b)
                aps.append(average_precision(y[te], s))
            scores[C] = float(np.mean(aps))
        best = max(scores, key=lambda c: scores[c])
        report[kind] = {"C": best, "cv_ap": scores}
        print(f"  CV {kind}: " + ", ".join(f"C={c}: AP {v:.3f}" for c, v in scores.items()), flush=True)
    return report
