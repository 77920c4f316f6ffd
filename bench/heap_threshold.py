"""Cost of the fixed glibc mmap threshold (`assistant/memory.py`): speed and memory, same run.

    nice -n 10 python -m bench.heap_threshold [--audio FILE] [--repeats 2] [--lines 80]

Each sample is a fresh child process (the setting is process-wide and cannot be undone), in ABBA
order (default, fixed, fixed, default, ...) so drift in the shared CPU's load hits both sides alike:
1. transcription of the fixture with tiny.en (model load excluded): wall and CPU seconds;
2. `--lines` speaker embeddings of lines 0.5-15 s long (random, same seed), as live attribution does.
Reported: fixed ÷ default medians for time, and the peak RSS (VmHWM) of each child.
Results: bench/results/heap_threshold.json.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results" / "heap_threshold.json"

CHILD = r"""
import json, os, sys, time
from pathlib import Path
if sys.argv[1] == "fixed":
    from assistant.memory import limit_heap_growth
    assert limit_heap_growth()
import numpy as np
from assistant.audio.decode import decode_file
from assistant.config import load_settings
from assistant.transcription.whisper import WhisperTranscriber
audio = decode_file(Path(sys.argv[2]))
out = {}
_s = load_settings()
t = WhisperTranscriber(_s.asr, _s.storage.cache_dir)
t.transcribe(audio[: 16000 * 5])  # load and warm up outside the timing
w, c = time.perf_counter(), time.process_time()
t.transcribe(audio)
out["asr_wall_s"], out["asr_cpu_s"] = time.perf_counter() - w, time.process_time() - c
if int(sys.argv[3]):
    from assistant.speakers.diarize import SpeakerDiarizer
    d = SpeakerDiarizer(); d.share_cpu()
    rng = np.random.default_rng(0)
    d.embed(audio[: 16000 * 3])
    w, c = time.perf_counter(), time.process_time()
    for _ in range(int(sys.argv[3])):
        length = float(rng.uniform(0.5, 15.0)); start = float(rng.uniform(0, audio.size / 16000 - 16))
        d.embed(audio[int(start * 16000): int((start + length) * 16000)])
    out["embed_wall_s"], out["embed_cpu_s"] = time.perf_counter() - w, time.process_time() - c
for line in open("/proc/self/status"):
    if line.startswith("VmHWM"):
        out["peak_rss_mb"] = int(line.split()[1]) / 1024
print(json.dumps(out))
"""


def sample(mode: str, audio: Path, lines: int) -> dict[str, Any]:
    proc = subprocess.run([sys.executable, "-c", CHILD, mode, str(audio), str(lines)], capture_output=True,
                          text=True, cwd=ROOT, check=False)  # fmt: skip
    if proc.returncode != 0:
        raise SystemExit(f"child failed: {proc.stderr[-800:]}")
    return dict(json.loads(proc.stdout.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--audio", type=Path, default=ROOT / "fixtures" / "meetings" / "queue-backlog" / "meeting.flac")
    parser.add_argument("--repeats", type=int, default=2, help="ABBA blocks")
    parser.add_argument("--lines", type=int, default=80, help="speaker embeddings per sample (0: skip)")
    args = parser.parse_args()
    runs: dict[str, list[dict[str, Any]]] = {"default": [], "fixed": []}
    for _ in range(args.repeats):
        for mode in ("default", "fixed", "fixed", "default"):
            runs[mode].append(sample(mode, args.audio, args.lines))
            print(mode, json.dumps(runs[mode][-1]), flush=True)

    def med(mode: str, key: str) -> float:
        return float(statistics.median(float(r[key]) for r in runs[mode]))

    keys = [k for k in runs["default"][0] if k != "peak_rss_mb"]
    summary = {f"{k}_ratio_fixed_over_default": round(med("fixed", k) / med("default", k), 3) for k in keys}
    summary.update({f"peak_rss_mb_{m}": round(med(m, "peak_rss_mb")) for m in runs})
    result = {"audio": str(args.audio.relative_to(ROOT)) if args.audio.is_relative_to(ROOT) else str(args.audio),
              "lines": args.lines, "repeats": args.repeats, "summary": summary, "runs": runs}  # fmt: skip
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
