"""Peak memory of transcribing a long file: 5-minute pieces (the product) vs the whole file at once.

    nice -n 10 python -m bench.import_memory [--minutes 20] [--meeting queue-backlog]

Each side in a fresh child process (peak RSS = VmHWM), same looped fixture, same tiny.en settings.
Results: bench/results/import_memory.json.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.live_latency import _looped

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results" / "import_memory.json"

CHILD = r"""
import json, sys, time
from pathlib import Path
from assistant.memory import limit_heap_growth
limit_heap_growth()  # as the CLI does
from assistant.config import load_settings
from assistant.transcription import file as file_module
if sys.argv[2] == "whole":
    file_module.PIECE_S = 1e9
started = time.perf_counter()
transcript = file_module.transcribe_file(Path(sys.argv[1]), load_settings(), [])
peak = next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM"))
print(json.dumps({"segments": len(transcript.segments), "duration_s": transcript.duration,
                  "peak_rss_mb": round(peak / 1024), "wall_s": round(time.perf_counter() - started, 1)}))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--minutes", type=float, default=20.0)
    parser.add_argument("--meeting", default="queue-backlog")
    args = parser.parse_args()
    out: dict[str, object] = {"minutes": args.minutes, "meeting": args.meeting}
    with tempfile.TemporaryDirectory() as tmp:
        audio = _looped(
            ROOT / "fixtures" / "meetings" / args.meeting / "meeting.flac", args.minutes, Path(tmp) / "a.wav"
        )
        for mode in ("pieces", "whole"):
            env = {
                "ASSISTANT_CONFIG": str(ROOT / "tests" / "no-config.toml"),
                "PATH": "/usr/bin:/bin",
                "HOME": str(Path.home()),
            }
            proc = subprocess.run([sys.executable, "-c", CHILD, str(audio), mode], capture_output=True, text=True,
                                  cwd=ROOT, env=env, check=False)  # fmt: skip
            if proc.returncode != 0:
                raise SystemExit(proc.stderr[-800:])
            out[mode] = json.loads(proc.stdout.strip().splitlines()[-1])
            print(mode, out[mode], flush=True)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(out, indent=2) + "\n")


if __name__ == "__main__":
    main()
