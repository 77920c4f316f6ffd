"""The embedded server's micro-batch (`--n_ubatch`): resident memory and prompt speed, ABBA.

    python -m bench.server_ubatch [--sizes 128,512] [--rounds 1]

llama.cpp sizes its compute buffer for a worst-case micro-batch, whose logits alone are
n_ubatch × vocabulary floats (306 MiB at 512 for Qwen2.5's 151,936 tokens). The pages are touched as
longer prompts arrive, so a long meeting's server grew by about that much. Each side starts a fresh
server with the assistant's own flags (`EmbeddedServer`) except `--n_ubatch`, sends prompts of growing
length (≈ 500-3,800 tokens, as live and file windows are; 48 output tokens, JSON mode) and records the
RSS after each and the wall time of all. Sides alternate A B B A so drift hits both.
Results: bench/results/server_ubatch.json.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import time
from pathlib import Path
from typing import Any
from unittest import mock

from openai import OpenAI

from assistant.config import load_settings
from assistant.extraction.embedded import EMBEDDED_MODEL_NAME, EmbeddedServer
from bench.procfs import rss_mb

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results" / "server_ubatch.json"
PROMPT_WORDS = [300, 750, 1200, 1650, 2100, 2250]
"""≈ 540, 1,250, 2,100, 2,780, 3,580 and 3,820 prompt tokens of README text."""


def _with_ubatch(cmd: list[str], size: int) -> list[str]:
    out = list(cmd)
    if "--n_ubatch" in out:
        out[out.index("--n_ubatch") + 1] = str(size)
    else:
        out += ["--n_ubatch", str(size)]
    return out


def one_side(size: int, text: list[str]) -> dict[str, Any]:
    os.environ.setdefault("ASSISTANT_CONFIG", str(ROOT / "tests" / "no-config.toml"))
    settings = load_settings()
    real_popen = subprocess.Popen  # the embedded server starts its child with subprocess.Popen

    def popen(cmd: list[str], **kw: Any) -> Any:
        return real_popen(_with_ubatch(cmd, size), **kw)

    with (
        mock.patch.object(subprocess, "Popen", popen),
        EmbeddedServer(settings.llm, settings.storage.cache_dir) as server,
    ):
        assert server.proc is not None
        pid = server.proc.pid
        client = OpenAI(base_url=server.base_url, api_key="x", timeout=1800)
        ready = rss_mb(pid)
        rows = []
        started = time.monotonic()
        for words in PROMPT_WORDS:
            body = " ".join((text * 40)[:words])
            t = time.monotonic()
            resp = client.chat.completions.create(
                model=EMBEDDED_MODEL_NAME,
                messages=[{"role": "user", "content": 'Summarise as JSON {"s": "..."}: ' + body}],
                max_tokens=48,
                response_format={"type": "json_object"},
            )
            assert resp.usage is not None
            rows.append({"prompt_tokens": resp.usage.prompt_tokens, "s": round(time.monotonic() - t, 1),
                         "rss_mb": round(rss_mb(pid), 1)})  # fmt: skip
        return {"n_ubatch": size, "ready_rss_mb": round(ready, 1), "peak_rss_mb": max(r["rss_mb"] for r in rows),
                "wall_s": round(time.monotonic() - started, 1), "requests": rows}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="128,512", help="A,B")
    parser.add_argument("--rounds", type=int, default=1, help="ABBA repeats")
    args = parser.parse_args()
    a, b = (int(x) for x in args.sizes.split(","))
    text = (ROOT / "README.md").read_text().split()
    runs = []
    for _ in range(args.rounds):
        for size in (a, b, b, a):
            run = one_side(size, text)
            print(json.dumps({k: v for k, v in run.items() if k != "requests"}), flush=True)
            runs.append(run)
    summary: dict[str, Any] = {}
    for size in (a, b):
        mine = [r for r in runs if r["n_ubatch"] == size]
        summary[str(size)] = {"peak_rss_mb_mean": round(statistics.fmean(r["peak_rss_mb"] for r in mine), 1),
                              "wall_s_mean": round(statistics.fmean(r["wall_s"] for r in mine), 1)}  # fmt: skip
    summary["wall_ratio"] = round(summary[str(a)]["wall_s_mean"] / summary[str(b)]["wall_s_mean"], 3)
    summary["peak_saved_mb"] = round(summary[str(b)]["peak_rss_mb_mean"] - summary[str(a)]["peak_rss_mb_mean"], 1)
    result = {"date": time.strftime("%Y-%m-%d %H:%M"), "cores": os.cpu_count(), "load_average": os.getloadavg(),
              "summary": summary, "runs": runs}  # fmt: skip
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
