"""MiniLM embeddings of the training lines, cached on disk so that re-training does not embed again."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from assistant.extraction.linemodel import DIM, MAX_TOKENS, MiniLMEncoder, model_path


class EmbeddingCache:
    """Embeddings by text, in chunk files of one encoder configuration (resumable, append-only)."""

    def __init__(self, folder: Path, threads: int) -> None:
        digest = hashlib.sha256(model_path().read_bytes()).hexdigest()[:12]
        self.folder = folder / f"minilm-{digest}-t{MAX_TOKENS}"
        self.folder.mkdir(parents=True, exist_ok=True)
        self.encoder = MiniLMEncoder(threads=threads)
        self.rows: dict[str, np.ndarray] = {}
        for chunk in sorted(self.folder.glob("chunk-*.npz")):
            with np.load(chunk, allow_pickle=False) as z:
                for text, row in zip(z["texts"], z["emb"], strict=True):
                    self.rows[str(text)] = row

    def get(self, texts: Sequence[str], chunk: int = 4096) -> np.ndarray:
        todo = sorted({t for t in texts if t not in self.rows})
        t0 = time.perf_counter()
        for lo in range(0, len(todo), chunk):
            part = todo[lo : lo + chunk]
            emb = self.encoder.encode(part)
            n = len(list(self.folder.glob("chunk-*.npz")))
            tmp = self.folder / f"chunk-{n:05d}.tmp.npz"
            np.savez(tmp, texts=np.array(part), emb=emb)
            tmp.rename(self.folder / f"chunk-{n:05d}.npz")
            self.rows.update(zip(part, emb, strict=True))
            done = lo + len(part)
            rate = (time.perf_counter() - t0) / done * 1000
            print(f"  embedded {done}/{len(todo)} new texts ({rate:.1f} ms/text)", flush=True)
        if not texts:
            return np.zeros((0, DIM), dtype=np.float32)
        return np.stack([self.rows[t] for t in texts]).astype(np.float32)
