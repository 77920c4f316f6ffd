"""Live-mode latency: committed-text lag and utterance → proposal latency, at real-time pace.

    python -m bench.live_latency [--meeting tls-cert] [--minutes N] [--mic] [--no-llm] [--speed S] [--out FILE]

Feeds a fixture meeting through the same source interface as the microphone (`record --headless
--from-file`, real-time pace), or with `--mic` through the virtual PulseAudio microphone, and
reads the run's own measurements from its JSON lines: lag samples (audio received − committed end),
proposal latency (wall time from the end of the evidence utterance to the proposal arriving) and,
for `--minutes N` > meeting length, lag drift (first vs last fifth of the run). Writes
bench/results/live_latency[-mic].json (or `--out`). `--speed S` plays the file S times faster than real time
(not a latency figure any more: for smoke runs).
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from assistant.audio.decode import SAMPLE_RATE, decode_file
from bench.fixture_script import read_script

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"


def _looped(meeting: Path, minutes: float, out: Path) -> Path:
    """The meeting repeated to `minutes` (a long meeting for drift), as 16-bit WAV."""
    import wave

    audio = decode_file(meeting)
    reps = max(1, int(np.ceil(minutes * 60 * SAMPLE_RATE / audio.size)))
    long = np.tile(audio, reps)[: int(minutes * 60 * SAMPLE_RATE)]
    with wave.open(str(out), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(SAMPLE_RATE)
        w.writeframes((np.clip(long, -1, 1) * 32767).astype("<i2").tobytes())
    return out


def _pct(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 2)


def run(args: argparse.Namespace) -> dict[str, Any]:
    meeting_dir = ROOT / "fixtures" / "meetings" / args.meeting
    attendees = ",".join(read_script(meeting_dir / "script.txt").attendees)
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        audio = meeting_dir / "meeting.flac"
        if args.minutes:
            audio = _looped(audio, args.minutes, tmp / "long.wav")
        cmd = [sys.executable, "-m", "assistant", "record", "--headless", "--sessions-dir", str(tmp / "s"),
               "--session", "bench", "--attendees", attendees]  # fmt: skip
        if args.no_llm:
            cmd.append("--no-llm")
        env = dict(os.environ)
        mic = None
        if args.mic:
            sys.path.insert(0, str(ROOT))
            from tests.support.virtual_mic import VirtualMic

            mic = VirtualMic(tmp / "pulse")
            mic.start()
            env.update(mic.env)
        else:
            cmd += ["--from-file", str(audio), *(["--speed", str(args.speed)] if args.speed != 1 else [])]
        started = time.monotonic()
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True, env=env)
        records: list[tuple[float, dict[str, Any]]] = []
        assert proc.stdout is not None
        player = None
        for line in proc.stdout:
            rec = json.loads(line)
            records.append((time.monotonic() - started, rec))
            if rec["type"] == "session" and mic is not None:
                time.sleep(8)
                player = mic.play(audio)
            if player is not None and player.poll() is not None:
                proc.send_signal(signal.SIGINT)  # the meeting is over: finalise
                player = None
            if rec["type"] in ("segment", "proposal"):
                print(f"{records[-1][0]:7.1f}s {rec['type']}: {str(rec.get('text'))[:70]}", flush=True)
        proc.wait()
        if mic is not None:
            mic.stop()
    stats = next(r for _, r in records if r["type"] == "stats")
    lags = [r["lag_s"] for _, r in records if r["type"] == "lag"]
    latencies = [r["latency_s"] for _, r in records if r["type"] == "proposal" and r.get("latency_s") is not None
                 and r["kind"] in ("decision", "action_item", "open_question")]  # fmt: skip
    fifth = max(1, len(lags) // 5)
    result = {
        "meeting": args.meeting, "minutes": args.minutes or None, "source": "virtual mic" if args.mic else "file",
        "llm": not args.no_llm, "lag_samples": len(lags),
        "lag_p50_s": _pct(lags, 0.5), "lag_p95_s": _pct(lags, 0.95),
        "lag_first_fifth_mean_s": round(statistics.fmean(lags[:fifth]), 2) if lags else None,
        "lag_last_fifth_mean_s": round(statistics.fmean(lags[-fifth:]), 2) if lags else None,
        "proposal_latency_p50_s": _pct(latencies, 0.5), "proposal_latency_p95_s": _pct(latencies, 0.95),
        "proposals": len(latencies), "engine_stats": stats,
    }  # fmt: skip
    return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--meeting", default="tls-cert")
    parser.add_argument("--minutes", type=float, default=0.0, help="loop the meeting to this length (drift)")
    parser.add_argument("--mic", action="store_true", help="through the virtual PulseAudio microphone")
    parser.add_argument("--no-llm", action="store_true")
    parser.add_argument("--speed", type=float, default=1.0, help="play the file this many times faster (smoke runs)")
    parser.add_argument("--out", type=Path, default=None, help="result file (default: bench/results/live_latency…)")
    args = parser.parse_args(argv)
    if args.mic and args.speed != 1:
        parser.error("--speed plays a file: not with --mic")
    result = run(args)
    name = "live_latency" + ("-mic" if args.mic else "") + (f"-{int(args.minutes)}min" if args.minutes else "")
    out: Path = args.out or RESULTS / f"{name}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
