"""The extraction bench's answer cache: one JSON file per meeting, system, transcript source and clip, named
by a digest of everything that changes the system's LLM answers (an edited prompt or setting misses it)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from assistant.config import Settings
from bench.extraction_baseline import BASELINE_SYSTEM, BASELINE_USER, CONTEXT_MARGIN
from bench.extraction_runs import ENGINES, System

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
CACHE = RESULTS / "extraction_cache"


def prompts_digest(folder: Path) -> str:
    """Hash of every file in the prompts folder: editing a prompt invalidates our cached answers."""
    h = hashlib.sha1()
    for path in sorted(p for p in folder.iterdir() if p.is_file()):
        h.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()[:10]


RULES = ROOT / "assistant" / "extraction" / "rules"


def rules_digest() -> str:
    """Hash of the rules engine's source: a changed rule reads the meetings again instead of scoring
    cached items it no longer writes (the hybrid engine's items are the rules')."""
    h = hashlib.sha1()
    for path in sorted(RULES.glob("*.py")):
        h.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()[:10]


def system_digest(system: System, settings: Settings, prompts_folder: Path) -> str:
    """Everything that changes a system's LLM answers, besides the meeting: prompts and settings."""
    llm = settings.llm
    shared = f"{llm.gguf}|{llm.base_url}|{llm.model}|{llm.n_ctx}|{llm.max_output_tokens}|{llm.temperature}"
    if system in ENGINES:
        own = f"{prompts_digest(prompts_folder)}|{llm.window_tokens}|{llm.reasks}|{ENGINES[system]}"
        if ENGINES[system] == "hybrid":
            own += f"|{rules_digest()}"
    else:
        own = f"{BASELINE_SYSTEM}|{BASELINE_USER}|{CONTEXT_MARGIN}|{llm.reasks}"
    return hashlib.sha1(f"{shared}|{own}".encode()).hexdigest()[:10]


def cache_path(meeting_id: str, system: System, source: str, clip_label: str, digest: str) -> Path:
    return CACHE / f"{meeting_id}.{system}.{source}.{clip_label}.{digest}.json"


def write_json(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    tmp.replace(path)  # atomic: an interrupted run never leaves a half-written cache entry


def read_cache(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return None
    return data if isinstance(data, dict) else None


def failed(record: dict[str, Any]) -> bool:
    return bool(record.get("failed_windows") or record.get("error"))
