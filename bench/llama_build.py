"""llama.cpp built for this CPU (`GGML_NATIVE=ON`) vs the portable build (AVX2 only), ABBA.

    python -m bench.llama_build --native DIR [--portable DIR] [--meeting tls-cert] [--rounds 1]

DIR is a folder holding a `llama_cpp` package (`pip install --no-deps --target DIR <wheel>`); without
`--portable` the side is the virtualenv's own. Each side starts the embedded server exactly as the
assistant does (same flags, same weights) with that package first on PYTHONPATH and measures:
- prompt speed: three ~1,100-word prompts of README text, each with a fresh first line (no prefix
  cache), 1 output token;
- generation speed: a short prompt asking for a long list, at most 200 output tokens (the model stops
  after 56: a short figure; the extraction row below is the one a user feels);
- the real thing: full extraction of every file window of a fixture meeting (transcribed once with
  tiny.en), as `assistant process` sends them;
- the server's peak resident memory (the Q4_K weights are repacked differently per instruction set).
Sides alternate A B B A so machine drift hits both. Results: bench/results/llama_build.json.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import threading
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from openai import OpenAI

from assistant.config import load_settings
from assistant.domain.postmortem import MeetingDetails
from assistant.domain.transcript import Segment
from assistant.extraction.factory import make_extractor
from assistant.extraction.windows import make_windows
from assistant.llm_backend import open_llm
from bench.live_focus import transcribe_fixture
from bench.procfs import child_server, rss_mb

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results" / "llama_build.json"


class _Peak(threading.Thread):
    """Peak RSS of the embedded server (a child of this process) while a side runs."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.peak = 0.0
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(0.5):
            pid = child_server(os.getpid())
            if pid is not None:
                self.peak = max(self.peak, rss_mb(pid))


def _package_of(path: str | None) -> str:
    env = {**os.environ, "PYTHONPATH": path or ""}
    code = "import llama_cpp, os; print(os.path.dirname(llama_cpp.__file__))"
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    return done.stdout.strip()


def one_side(name: str, path: str | None, segments: list[Segment], details: MeetingDetails) -> dict[str, Any]:
    settings = load_settings()
    # The server is launched with os.environ: the side's package shadows the virtualenv's.
    os.environ["PYTHONPATH"] = path or ""
    peak = _Peak()
    peak.start()
    text = (ROOT / "README.md").read_text().split()
    row: dict[str, Any] = {"side": name}
    try:
        with ExitStack() as stack:
            client = open_llm(settings, stack)
            raw = OpenAI(base_url=client.base_url, api_key="x", timeout=1800)

            def ask(content: str, max_tokens: int) -> tuple[float, int, int]:
                t = time.perf_counter()
                resp = raw.chat.completions.create(model=client.model, messages=[{"role": "user", "content": content}],
                                                   max_tokens=max_tokens, temperature=0.0)  # fmt: skip
                assert resp.usage is not None
                return time.perf_counter() - t, resp.usage.prompt_tokens, resp.usage.completion_tokens

            ask("Say OK.", 1)  # weights paged in before anything is timed
            # A fresh first line each time: nothing of the prompt is in the server's prefix cache.
            notes = [f"Note {n} of {time.time()}:\n" + " ".join(text[n * 50 : n * 50 + 1100]) for n in range(3)]
            prompt = [ask(note, 1) for note in notes]
            row["prompt_tok_per_s"] = round(sum(p for _, p, _ in prompt) / sum(s for s, _, _ in prompt), 1)
            s, _, done = ask("List the numbers from 1 to 300 in words, comma separated.", 200)
            row["gen_tok_per_s"] = round(done / s, 1)
            row["gen_tokens"] = done
            extractor = make_extractor(client, settings)
            windows = make_windows(segments, settings.llm.window_tokens)
            before = client.usage.completion_tokens
            t = time.perf_counter()
            for window in windows:
                extractor.extract_window(window, details)
            row["extraction_s"] = round(time.perf_counter() - t, 1)
            row["extraction_windows"] = len(windows)
            row["extraction_completion_tokens"] = client.usage.completion_tokens - before
    finally:
        peak.done.set()
        peak.join()
        os.environ.pop("PYTHONPATH", None)
    row["server_peak_rss_mb"] = round(peak.peak, 1)
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--native", required=True, help="folder with the native build's llama_cpp package")
    parser.add_argument("--portable", default=None, help="folder with the portable build (default: the venv's)")
    parser.add_argument("--meeting", default="tls-cert")
    parser.add_argument("--rounds", type=int, default=1, help="ABBA repeats")
    args = parser.parse_args()
    os.environ.setdefault("ASSISTANT_CONFIG", str(ROOT / "tests" / "no-config.toml"))
    sides = {"portable": args.portable, "native": args.native}
    packages = {name: _package_of(path) for name, path in sides.items()}
    assert packages["portable"] != packages["native"], f"both sides import {packages['native']}"
    settings = load_settings()
    segments, details = transcribe_fixture(args.meeting, settings)
    runs = []
    for _ in range(args.rounds):
        for name in ("portable", "native", "native", "portable"):
            run = one_side(name, sides[name], segments, details)
            print(json.dumps(run), flush=True)
            runs.append(run)
    keys = ["prompt_tok_per_s", "gen_tok_per_s", "extraction_s", "server_peak_rss_mb"]
    summary: dict[str, Any] = {
        name: {k: round(statistics.fmean(r[k] for r in runs if r["side"] == name), 1) for k in keys} for name in sides
    }
    summary["ratio_native_vs_portable"] = {k: round(summary["native"][k] / summary["portable"][k], 3) for k in keys}
    result = {"date": time.strftime("%Y-%m-%d %H:%M"), "cores": os.cpu_count(), "load_average": os.getloadavg(),
              "packages": packages, "summary": summary, "runs": runs}  # fmt: skip
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
