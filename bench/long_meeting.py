"""Long meetings: memory, lag drift and LLM input over a meeting of N minutes, live and imported.

    nice -n 10 python -m bench.long_meeting [--minutes 120] [--speed 2] [--meeting queue-backlog]
        [--skip-live] [--skip-final-pass] [--skip-process] [--process-llm embedded|canned] [--own-server]
        [--tokens 30,60,120] [--sample-s 5]

A fixture meeting is looped to `--minutes` (16 kHz WAV) and:
1. fed through the live engine (`assistant record --headless --from-file --speed S`: the same source
   interface as the microphone, S times faster than real time) with the embedded model, until the
   end of the file, then the final pass and exports, as a user's Ctrl-C would;
2. imported as a file (`assistant process`), which must complete.

The embedded llama.cpp server is started by the benchmark (same code, same flags as the assistant's
own) behind a pass-through proxy that counts the tokens of every request, so the server's memory is
sampled alongside the assistant's. Measured:
- resident memory (RSS of the assistant process tree + the LLM server) every `--sample-s`: peak, and
  the first vs the last fifth of the live run (flat = no leak). `--from-file` decodes as it plays, like
  a microphone delivers, so the figures are the microphone's;
- the facilitator names the first voice (`--name-first-speaker`), so live speaker attribution embeds
  and matches every line, as in a meeting where voices are named;
- lag (audio received − committed text end, from the `lag` lines): first vs last fifth of the meeting;
- LLM input tokens per window (live and final pass) and in total, against the meeting length.

`--tokens M1,M2,...` measures the input side exactly and cheaply, without generating anything: the
fixture's transcript (Whisper, once) tiled to each length, cut into the file pipeline's windows and
into live windows as the scheduler sends them when the model is slower than speech (always full:
`max_lines` new lines + context + up to 25 known items), every prompt built by the real Extractor and
counted with the model's own tokenizer. Linear = tokens per minute constant across lengths.

On 2 shared cores one window of the 1.5B model takes 1-8 minutes, so the live run with the real model
lags far behind speech; `--skip-final-pass` stops the run when its final pass starts (the live figures
are complete by then) and `--process-llm canned` imports the file with an instant stand-in LLM, to show
that a long import completes (decode, transcription, windows, exports) in bounded memory when the real
model's hours of generation cannot be afforded.
`--own-server` lets the assistant start its embedded server itself, as a user's does (no proxy, so no
token counts): its RSS is split out of the assistant's process tree, and the final pass's pause of the
server while re-diarizing shows in the samples (server 0 MB).
Results are merged into bench/results/long_meeting.json under "<minutes>min" (and "tokens",
"<minutes>min-import", "<minutes>min-own-server").
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from assistant.config import load_settings
from assistant.extraction.embedded import EMBEDDED_MODEL_NAME, EmbeddedServer
from bench.fixture_script import meeting_script
from bench.live_latency import _looped
from bench.long_meeting_tokens import token_budget
from bench.procfs import child_server, tree_rss_mb

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results" / "long_meeting.json"


class Sampler(threading.Thread):
    """Samples (t, assistant MB, server MB) until stopped. `server_pid` None: the server is the
    assistant's own child (paused and restarted by it), split out of the assistant's tree."""

    def __init__(self, pid: int, server_pid: int | None, every_s: float) -> None:
        super().__init__(daemon=True)
        self.pid, self.server_pid, self.every_s = pid, server_pid, every_s
        self.samples: list[tuple[float, float, float]] = []
        self.started = time.monotonic()
        self._halt = threading.Event()

    def _sample(self) -> tuple[float, float]:
        if self.server_pid is not None:
            return tree_rss_mb(self.pid), tree_rss_mb(self.server_pid)
        tree = tree_rss_mb(self.pid)
        child = child_server(self.pid)
        server = tree_rss_mb(child) if child else 0.0
        return tree - server, server

    def run(self) -> None:
        while not self._halt.is_set():
            assistant, server = self._sample()
            self.samples.append((round(time.monotonic() - self.started, 1), round(assistant, 1), round(server, 1)))
            self._halt.wait(self.every_s)

    def stop(self) -> None:
        self._halt.set()
        self.join()


def _fifths(values: list[float]) -> tuple[float | None, float | None]:
    if not values:
        return None, None
    k = max(1, len(values) // 5)
    return round(statistics.fmean(values[:k]), 2), round(statistics.fmean(values[-k:]), 2)


def _memory(samples: list[tuple[float, float, float]], upto_s: float | None = None) -> dict[str, Any]:
    rows = [s for s in samples if upto_s is None or s[0] <= upto_s] or samples
    totals = [a + b for _, a, b in rows]
    first, last = _fifths(totals)
    return {
        "samples": len(rows),
        "peak_total_mb": max(totals), "peak_assistant_mb": max(a for _, a, _ in rows),
        "peak_llm_server_mb": max(b for _, _, b in rows),
        "total_first_fifth_mean_mb": first, "total_last_fifth_mean_mb": last,
    }  # fmt: skip


def _tokens(usages: list[dict[str, Any]]) -> dict[str, Any]:
    prompt = [int(u.get("prompt_tokens") or 0) for u in usages]
    first, last = _fifths([float(p) for p in prompt])
    return {
        "windows": len(prompt), "prompt_tokens_total": sum(prompt),
        "completion_tokens_total": sum(int(u.get("completion_tokens") or 0) for u in usages),
        "prompt_tokens_per_window_mean": round(statistics.fmean(prompt), 1) if prompt else None,
        "prompt_tokens_per_window_max": max(prompt, default=None),
        "per_window_first_fifth_mean": first, "per_window_last_fifth_mean": last,
    }  # fmt: skip


def _spawn(cmd: list[str]) -> subprocess.Popen[str]:
    # The server behind the proxy is the embedded one: give it the embedded request timeout. With the
    # remote default (300 s) a slow window is abandoned and re-sent while the single slot still
    # generates it (seen in the first 2-hour run: 2 of its windows were generated twice).
    env = {**os.environ, "ASSISTANT_CONFIG": str(ROOT / "tests" / "no-config.toml"), "ASSISTANT_LLM__TIMEOUT_S": "1800"}
    return subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT)


def run_live(args: argparse.Namespace, audio: Path, tmp: Path, proxy: Any, server_pid: int | None) -> dict[str, Any]:
    attendees = _attendees(args.meeting)
    # Without a proxy the assistant starts (and pauses) its own embedded server, as a user's would.
    llm = [] if proxy is None else ["--llm-url", proxy.base_url, "--llm-model", EMBEDDED_MODEL_NAME,
                                    "--structured-output", "json_object"]  # fmt: skip
    cmd = [sys.executable, "-m", "assistant", "record", "--headless", "--from-file", str(audio),
           "--speed", str(args.speed), "--sessions-dir", str(tmp / "sessions"), "--session", "long",
           "--attendees", attendees, "--name-first-speaker", attendees.split(",")[0].strip(), *llm]  # fmt: skip
    started = time.monotonic()
    proc = _spawn(cmd)
    sampler = Sampler(proc.pid, server_pid, args.sample_s)
    sampler.start()
    records: list[tuple[float, dict[str, Any]]] = []
    assert proc.stdout is not None
    for line in proc.stdout:
        rec = json.loads(line)
        records.append((time.monotonic() - sampler.started, rec))
        if rec["type"] in ("llm_status", "warning", "error", "final_pass", "finalised") or (
            rec["type"] == "lag" and len(records) % 200 == 0
        ):
            print(f"{records[-1][0]:8.1f}s {json.dumps(rec)[:150]}", flush=True)
        if (rec["type"] == "final_pass" and args.skip_final_pass) or (
            rec["type"] == "speakers_final_pass" and args.skip_rediarization
        ):
            proc.kill()  # the live figures are complete; a benchmark folder, nothing to keep
            break
    rc = proc.wait()
    sampler.stop()
    stderr = proc.stderr.read() if proc.stderr else ""
    wall = time.monotonic() - started

    # The live phase ends with the transcriber's last line; the final pass (re-diarization, then the
    # whole-meeting extraction) follows and is reported apart.
    final_at = next((t for t, r in reversed(records) if r["type"] == "lag"), None)
    usages: list[dict[str, Any]] = proxy.usages if proxy is not None else []
    times: list[float] = proxy.request_times if proxy is not None else []
    final_req = next((i for i, t in enumerate(times) if final_at and t - sampler.started >= final_at),
                     len(usages))  # fmt: skip
    lags = [(r["audio_end_s"], r["lag_s"]) for _, r in records if r["type"] == "lag"]
    lag_values = [lag for _, lag in sorted(lags)]
    first, last = _fifths(lag_values)
    stats = next((r for _, r in records if r["type"] == "stats"), {})
    return {
        "exit_code": rc, "stderr_tail": stderr[-500:], "wall_s": round(wall, 1),
        "live_phase_s": round(final_at, 1) if final_at else None,
        "final_pass_s": round(wall - final_at, 1) if final_at else None,
        "segments": sum(1 for _, r in records if r["type"] == "segment"),
        "proposals": sum(1 for _, r in records if r["type"] == "proposal"),
        "llm_failures": sum(1 for _, r in records if r["type"] == "llm_status" and r["state"] != "recovered"),
        "lag_samples": len(lag_values), "lag_first_fifth_mean_s": first, "lag_last_fifth_mean_s": last,
        "lag_max_s": max(lag_values, default=None),
        "memory_live_phase": _memory(sampler.samples, final_at),
        "memory_whole_run": _memory(sampler.samples),
        "rss_series": sampler.samples[:: max(1, len(sampler.samples) // 200)],
        "llm_live": _tokens(usages[:final_req]), "llm_final_pass": _tokens(usages[final_req:]),
        "llm_server": "the assistant's own (paused while re-diarizing)" if proxy is None else "bench's, via proxy",
        "engine_stats": stats,
    }  # fmt: skip


def run_process(args: argparse.Namespace, audio: Path, tmp: Path, proxy: Any, server_pid: int) -> dict[str, Any]:
    if args.process_llm == "canned":
        from tests.support.canned_llm import CannedLlm
        from tests.support.openai_proxy import OpenAIProxy

        with CannedLlm(EMPTY_ANSWER) as canned, OpenAIProxy(canned.base_url) as canned_proxy:
            result = _process(args, audio, tmp, canned_proxy, -1)  # no LLM server to sample
        result["llm"] = "canned stand-in (instant, empty answers): pipeline mechanics, not model time"
        return result
    return _process(args, audio, tmp, proxy, server_pid)


EMPTY_ANSWER = json.dumps({
    "summary": None, "impact": {k: None for k in ("duration", "users_affected", "revenue", "sla", "tickets")},
    "timeline": [], "whys": [], "systemic_cause": None, "what_worked": [], "what_didnt": [], "decisions": [],
    "action_items": [], "open_questions": [], "follow_up": [],
})  # fmt: skip


def _process(args: argparse.Namespace, audio: Path, tmp: Path, proxy: Any, server_pid: int) -> dict[str, Any]:
    before = len(proxy.usages)
    out = tmp / "process-out"
    cmd = [sys.executable, "-m", "assistant", "process", str(audio), "-o", str(out),
           "--attendees", _attendees(args.meeting), "--llm-url", proxy.base_url, "--llm-model", EMBEDDED_MODEL_NAME,
           "--structured-output", "json_object", *(["--no-speakers"] if args.process_no_speakers else [])]  # fmt: skip
    started = time.monotonic()
    proc = _spawn(cmd)
    sampler = Sampler(proc.pid, server_pid, args.sample_s)
    sampler.start()
    _stdout, stderr = proc.communicate()
    sampler.stop()
    wall = time.monotonic() - started
    result: dict[str, Any] = {"exit_code": proc.returncode, "wall_s": round(wall, 1), "stderr_tail": stderr[-300:]}
    pm_path = out / f"{audio.stem}.postmortem.json"
    if pm_path.is_file():
        pm = json.loads(pm_path.read_text())
        transcript = json.loads((out / f"{audio.stem}.transcript.json").read_text())
        result.update(windows=len(pm["windows"]), windows_ok=sum(1 for w in pm["windows"] if w["ok"]),
                      transcript_duration_s=transcript["duration"], segments=len(transcript["segments"]))  # fmt: skip
    result.update(memory=_memory(sampler.samples), llm_usage=_tokens(proxy.usages[before:]))
    return result


def _attendees(meeting: str) -> str:
    """The `--attendees` value for a fixture meeting."""
    return ",".join(meeting_script(meeting).attendees)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--minutes", type=float, default=120.0)
    parser.add_argument("--speed", type=float, default=2.0, help="live feed, times real time")
    parser.add_argument("--meeting", default="queue-backlog")
    parser.add_argument("--sample-s", type=float, default=5.0)
    parser.add_argument("--skip-live", action="store_true")
    parser.add_argument("--skip-final-pass", action="store_true", help="stop the live run when its final pass starts")
    parser.add_argument("--skip-rediarization", action="store_true",
                        help="stop the live run earlier, when its final speaker re-diarization starts")  # fmt: skip
    parser.add_argument("--skip-process", action="store_true")
    parser.add_argument("--own-server", action="store_true",
                        help="live: the assistant runs its own embedded server (pauses it while re-diarizing); "
                             "no token counts")  # fmt: skip
    parser.add_argument("--process-llm", choices=["embedded", "canned"], default="embedded")
    parser.add_argument("--process-no-speakers", action="store_true", help="import without diarization")
    parser.add_argument("--tokens", help="comma-separated meeting lengths in minutes: exact prompt-token budget only")
    args = parser.parse_args()
    if args.own_server and not args.skip_process:
        parser.error("--own-server is for the live run: add --skip-process (the import uses the proxied server)")
    sys.path.insert(0, str(ROOT))
    from tests.support.openai_proxy import OpenAIProxy

    os.environ.setdefault("ASSISTANT_CONFIG", str(ROOT / "tests" / "no-config.toml"))
    settings = load_settings()
    if args.tokens:
        budget = token_budget(args.meeting, [float(m) for m in args.tokens.split(",")], settings)
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        merged = json.loads(RESULTS.read_text()) if RESULTS.is_file() else {}
        merged["tokens"] = budget
        RESULTS.write_text(json.dumps(merged, indent=2) + "\n")
        return
    result: dict[str, Any] = {"minutes": args.minutes, "speed": args.speed, "meeting": args.meeting,
                              "date": time.strftime("%Y-%m-%d %H:%M"), "cores": os.cpu_count(),
                              "skip_final_pass": args.skip_final_pass, "skip_rediarization": args.skip_rediarization,
                              "process_llm": args.process_llm,
                              "process_speakers": not args.process_no_speakers}  # fmt: skip
    with ExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="long-meeting-")))
        audio = _looped(ROOT / "fixtures" / "meetings" / args.meeting / "meeting.flac", args.minutes, tmp / "long.wav")
        proxy, server_pid = None, None
        if not args.own_server:  # else the assistant starts its own server (and there is no import)
            server = stack.enter_context(EmbeddedServer(settings.llm, settings.storage.cache_dir))
            assert server.proc is not None
            proxy, server_pid = stack.enter_context(OpenAIProxy(server.base_url)), server.proc.pid
        result["load_average_start"] = os.getloadavg()
        if not args.skip_live:
            result["live"] = run_live(args, audio, tmp, proxy, server_pid)
            print(json.dumps({k: v for k, v in result["live"].items() if k != "rss_series"}, indent=2), flush=True)
        if not args.skip_process:
            assert server_pid is not None
            result["process"] = run_process(args, audio, tmp, proxy, server_pid)
            print(json.dumps(result["process"], indent=2), flush=True)
        result["load_average_end"] = os.getloadavg()
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    merged = json.loads(RESULTS.read_text()) if RESULTS.is_file() else {}
    # An import-only run is kept apart, so it never replaces a live run of the same length.
    suffix = "-import" if args.skip_live else "-own-server" if args.own_server else ""
    merged[f"{args.minutes:g}min{suffix}"] = result
    RESULTS.write_text(json.dumps(merged, indent=2) + "\n")
    print(f"written: {RESULTS}")


if __name__ == "__main__":
    main()
