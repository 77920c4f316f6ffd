"""Streaming vs offline WER on the real clips in /work/shared/data/asr, and live lag.

Each clip is transcribed offline (the import pipeline) and streamed at simulated real-time pace:
audio "arrives" on a simulated clock, each process() call advances that clock by the compute time
it really took, and the stream waits (in simulated time, for free) while less than a step has
arrived. Lag is then what a listener would see: audio received when an update is delivered − the
point up to which the transcript was final. Word latency is delivery time − the word's end.

    python -m bench.streaming_wer [--beam N] [--clips ID,ID] [--block 0.5] [--dump DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import cast

import numpy as np

from assistant.audio.decode import SAMPLE_RATE, Audio, decode_file
from assistant.config import load_settings
from assistant.transcription.streaming import LIVE_STREAM, StreamingTranscriber, StreamOptions
from assistant.transcription.whisper import WhisperTranscriber
from bench.wer import edit_distance, normalise

DATA = Path(os.environ.get("ASR_DATA", "/work/shared/data/asr"))
GOAL_RATIO = 1.10


@dataclass
class ClipResult:
    clip: str
    ref_words: int
    offline_errors: int
    stream_errors: int
    audio_s: float
    offline_s: float
    stream_compute_s: float
    passes: int
    behind_passes: int
    lags: list[float] = field(default_factory=list)
    word_latencies: list[float] = field(default_factory=list)


def clips(selected: set[str] | None) -> list[dict[str, str]]:
    """Single-speaker clips and the AMI mixtures (multi-speaker single channel)."""
    out = []
    for line in (DATA / "manifest.jsonl").read_text(encoding="utf-8").splitlines():
        entry = json.loads(line)
        if selected is not None:
            if entry["id"] in selected:
                out.append(entry)
        elif entry["speakers"] == 1 or entry["id"].startswith("ami_"):
            out.append(entry)
    return out


def stream_realtime(streamer: StreamingTranscriber, audio: Audio, block_s: float) -> tuple[str, ClipResult]:
    duration = audio.size / SAMPLE_RATE
    block = round(block_s * SAMPLE_RATE)
    now = 0.0  # simulated wall clock = seconds of audio that have arrived so far
    fed = 0
    texts: list[str] = []
    result = ClipResult("", 0, 0, 0, duration, 0.0, 0.0, 0, 0)

    def deliver(update_audio_end: float, update_lag: float, words_end: list[float]) -> None:
        received = min(now, duration)
        final_until = update_audio_end - update_lag
        result.lags.append(max(0.0, received - final_until))
        result.word_latencies.extend(max(0.0, now - end) for end in words_end)

    while fed < audio.size:
        # Blocks arrive every block_s; hand over everything that has arrived by `now`.
        arrived = min(audio.size, max(fed + block, int(now * SAMPLE_RATE) // block * block))
        if arrived > fed:
            now = max(now, arrived / SAMPLE_RATE)
            streamer.insert_audio(audio[fed:arrived])
            fed = arrived
        if not streamer.ready and fed < audio.size:
            continue
        update = streamer.process()
        now += update.compute_s
        result.passes += 1
        result.behind_passes += update.behind
        result.stream_compute_s += update.compute_s
        texts += [s.text for s in update.committed]
        deliver(update.audio_end_s, update.lag_s, [w.end for s in update.committed for w in s.words])
    update = streamer.finish()
    now += update.compute_s
    result.stream_compute_s += update.compute_s
    texts += [s.text for s in update.committed]
    deliver(update.audio_end_s, update.lag_s, [w.end for s in update.committed for w in s.words])
    return " ".join(texts), result


def run_clip(
    entry: dict[str, str],
    transcriber: WhisperTranscriber,
    beam: int | None,
    block_s: float,
    dump: Path | None,
    stream_options: StreamOptions | None = None,
) -> ClipResult:
    audio = decode_file(DATA / entry["audio"])
    reference = normalise(entry["reference_text"])
    started = time.perf_counter()
    offline = transcriber.transcribe(audio).text
    offline_s = time.perf_counter() - started
    options: StreamOptions = {**LIVE_STREAM, **(stream_options or {})}
    if beam is not None:
        options["beam_size"] = beam
    streamer = StreamingTranscriber(transcriber, **options)
    streamed, result = stream_realtime(streamer, audio, block_s)
    result.clip = entry["id"]
    result.ref_words = len(reference)
    result.offline_errors = edit_distance(reference, normalise(offline))
    result.stream_errors = edit_distance(reference, normalise(streamed))
    result.offline_s = offline_s
    if dump is not None:  # the texts, to see what the errors are (e.g. cross-talk, "Thank you.")
        dump.mkdir(parents=True, exist_ok=True)
        text = f"REFERENCE\n{entry['reference_text']}\n\nOFFLINE\n{offline}\n\nSTREAMING\n{streamed}\n"
        (dump / f"{entry['id']}.txt").write_text(text, encoding="utf-8")
    return result


def pct(values: list[float], q: float) -> float:
    return float(np.percentile(values, q)) if values else 0.0


COLUMNS = f"{'clip':36} {'words':>5} {'offline':>7} {'stream':>7} {'lag p50':>7} {'p95':>5} {'RTF':>5} behind"


def row(name: str, words: int, offline: float, stream: float, lags: list[float], rtf: float, behind: str) -> str:
    lag = f"{pct(lags, 50):7.2f} {pct(lags, 95):5.2f}"
    return f"{name:36} {words:5d} {offline:7.3f} {stream:7.3f} {lag} {rtf:5.2f} {behind}"


def group(clip: str) -> str:
    if "headset" in clip:
        return "headsets (others' cross-talk unscored)"
    return "AMI mixed channel" if clip.startswith("ami_") else "read/public speech"


def pooled(name: str, results: list[ClipResult]) -> tuple[str, float]:
    """One table row over several clips (WER = total errors / total reference words) and the ratio."""
    words = sum(r.ref_words for r in results)
    offline = sum(r.offline_errors for r in results) / words
    stream = sum(r.stream_errors for r in results) / words
    lags = [x for r in results for x in r.lags]
    rtf = sum(r.stream_compute_s for r in results) / sum(r.audio_s for r in results)
    behind = f"{sum(r.behind_passes for r in results)}/{sum(r.passes for r in results)}"
    ratio = stream / offline if offline else (1.0 if stream == offline else float("inf"))
    return row(name, words, offline, stream, lags, rtf, behind) + f"  ratio {ratio:.2f}", ratio


def report(results: list[ClipResult], beam: int) -> float:
    print(f"\nbeam {beam}: WER = errors / reference words; RTF = stream compute / audio")
    print(COLUMNS)
    print("-" * len(COLUMNS))
    for r in results:
        rtf = r.stream_compute_s / r.audio_s
        behind = f"{r.behind_passes}/{r.passes}"
        print(
            row(
                r.clip,
                r.ref_words,
                r.offline_errors / r.ref_words,
                r.stream_errors / r.ref_words,
                r.lags,
                rtf,
                behind,
            )
        )
    print("-" * len(COLUMNS))
    for name in dict.fromkeys(group(r.clip) for r in results):
        print(pooled(name, [r for r in results if group(r.clip) == name])[0])
    line, ratio = pooled("all (pooled)", results)
    print(line)
    verdict = "meets" if ratio <= GOAL_RATIO else "misses"
    print(f"streaming/offline WER ratio {ratio:.3f} ({verdict} the ≤ {GOAL_RATIO:.2f} goal)")
    lags = [x for r in results for x in r.lags]
    latencies = [x for r in results for x in r.word_latencies]
    print(f"lag (received − final) p50 {pct(lags, 50):.2f} s, p95 {pct(lags, 95):.2f} s, {len(lags)} updates")
    print(f"line latency (delivered − spoken) p50 {pct(latencies, 50):.2f} s, p95 {pct(latencies, 95):.2f} s")
    audio = sum(r.audio_s for r in results)
    print(f"offline compute {sum(r.offline_s for r in results):.1f} s for {audio:.0f} s of audio")
    return ratio


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--beam", type=int, default=None, help="streaming beam size (default: settings)")
    parser.add_argument("--clips", type=lambda s: set(s.split(",")), default=None)
    parser.add_argument("--block", type=float, default=0.5, help="seconds per arriving audio block")
    parser.add_argument("--dump", type=Path, default=None, help="folder for reference/offline/streaming texts")
    parser.add_argument(
        "--stream", type=json.loads, default=None, help="StreamingTranscriber options as JSON (default: live's own)"
    )
    args = parser.parse_args()
    settings = load_settings()
    transcriber = WhisperTranscriber(settings.asr, settings.storage.cache_dir)
    transcriber.transcribe(np.zeros(SAMPLE_RATE, dtype=np.float32))  # warm-up: the first call is slow
    beam = args.beam or settings.asr.beam_size
    print(f"stream options {LIVE_STREAM} + {args.stream or {}}")
    print(f"model {settings.asr.model}, offline beam {settings.asr.beam_size}, streaming beam {beam}, "
          f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")  # fmt: skip
    results = []
    for entry in clips(args.clips):
        result = run_clip(entry, transcriber, beam, args.block, args.dump, cast(StreamOptions, args.stream))
        print(
            f"  {result.clip}: offline {result.offline_errors}, stream {result.stream_errors} errors",
            flush=True,
        )
        results.append(result)
    report(results, beam)


if __name__ == "__main__":
    main()
