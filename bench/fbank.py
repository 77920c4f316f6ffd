"""Speaker-embedding features: senko's C++ filterbank vs ours in numpy — memory kept and time, ABBA.

    python -m bench.fbank [--calls 300] [--embeds 40] [--rounds 1]

Live attribution embeds every transcript line. senko's library keeps memory on every extraction
call; `assistant/speakers/fbank.py` replaces it. Each side runs in a fresh process (so one side's
heap does not carry into the other): `--calls` feature extractions of fixture-audio lines of 2-15 s
(fixed seed, the same lines on both sides) with the RSS after 20 warm-up calls and at the end, then
`--embeds` whole line embeddings (features + CAM++, one torch thread as live mode runs it) timed.
Sides alternate A B B A. Results: bench/results/fbank.json.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

from bench.procfs import rss_mb

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results" / "fbank.json"
AUDIO = ROOT / "fixtures" / "meetings" / "queue-backlog" / "meeting.flac"
WARMUP = 20


def one_side(side: str, calls: int, embeds: int) -> dict[str, Any]:
    from assistant.audio.decode import decode_file
    from assistant.memory import limit_heap_growth
    from assistant.speakers.diarize import SpeakerDiarizer
    from assistant.speakers.fbank import subsegment_features

    limit_heap_growth()  # as the assistant runs
    diarizer = SpeakerDiarizer()
    diarizer.share_cpu()
    senko: Any = diarizer._senko
    audio = decode_file(AUDIO)
    rng = np.random.default_rng(7)
    lines = []
    for _ in range(calls):
        n = int(rng.uniform(2, 15) * 16_000)
        start = int(rng.uniform(0, audio.size - n))
        lines.append(np.ascontiguousarray(audio[start : start + n]))

    def features(line: np.ndarray) -> Any:
        windows = senko._generate_subsegments([(0.0, line.size / 16_000)], False)
        if side == "numpy":
            return subsegment_features(line, windows)
        return senko._extract_fbank_features(line, windows)

    for line in lines[:WARMUP]:
        features(line)
    warm = rss_mb()
    started = time.perf_counter()
    for line in lines[WARMUP:]:
        features(line)
    feature_ms = (time.perf_counter() - started) / (calls - WARMUP) * 1000
    after = rss_mb()
    started = time.perf_counter()
    for line in lines[:embeds]:
        flat, frames, offsets, dim = features(line)
        senko._generate_embeddings(flat, frames, [int(o) for o in offsets], dim)
    embed_ms = (time.perf_counter() - started) / embeds * 1000
    return {"side": side, "rss_warm_mb": round(warm, 1), "rss_after_mb": round(after, 1),
            "kept_kb_per_call": round((after - warm) * 1024 / (calls - WARMUP), 1),
            "feature_ms": round(feature_ms, 2), "embed_ms": round(embed_ms, 1)}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=300)
    parser.add_argument("--embeds", type=int, default=40)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--side", choices=("numpy", "senko"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.side:
        print(json.dumps(one_side(args.side, args.calls, args.embeds)))
        return
    runs = []
    for _ in range(args.rounds):
        for side in ("numpy", "senko", "senko", "numpy"):
            cmd = [sys.executable, "-m", "bench.fbank", "--side", side,
                   "--calls", str(args.calls), "--embeds", str(args.embeds)]  # fmt: skip
            out = subprocess.run(cmd, cwd=ROOT, check=True, capture_output=True, text=True).stdout
            run = json.loads(out.strip().splitlines()[-1])
            print(json.dumps(run), flush=True)
            runs.append(run)
    summary: dict[str, Any] = {}
    for side in ("numpy", "senko"):
        mine = [r for r in runs if r["side"] == side]
        summary[side] = {k: round(statistics.fmean(r[k] for r in mine), 2)
                         for k in ("kept_kb_per_call", "feature_ms", "embed_ms")}  # fmt: skip
    summary["feature_time_ratio"] = round(summary["numpy"]["feature_ms"] / summary["senko"]["feature_ms"], 3)
    summary["embed_time_ratio"] = round(summary["numpy"]["embed_ms"] / summary["senko"]["embed_ms"], 3)
    result = {"date": time.strftime("%Y-%m-%d %H:%M"), "cores": os.cpu_count(), "load_average": os.getloadavg(),
              "calls": args.calls, "embeds": args.embeds, "summary": summary, "runs": runs}  # fmt: skip
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
