"""ASR overhead: the pipeline's `transcribe_file` vs raw faster-whisper on the same audio and model.

Both sides go from a file path to fully decoded words with the same decoding options
(`WhisperTranscriber.transcribe_kwargs`) and the same loaded `WhisperModel`:

- raw:      `model.transcribe(str(path), **kwargs)`, every segment and word iterated
            (faster-whisper decodes the file itself with PyAV);
- pipeline: `transcribe_file(path, settings, hotwords)`: our PyAV decode, the same
            `model.transcribe`, then Word/Segment objects and sentence splitting.

Model loading is excluded from both by default: `transcribe_file` builds a `WhisperTranscriber`
per call, so the benchmark hands it the already-loaded one. `--include-load` times a fresh load
on both sides instead. Runs alternate in ABBA order (raw, pipeline, pipeline, raw, ...) so drift in
the shared CPU's load hits both sides equally; medians are reported. Wall time is the headline;
process CPU time is recorded too because it is far less sensitive to other jobs on the machine.

    python -m bench.asr_overhead [--audio FILE ...] [--repeats 3] [--include-load]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from assistant.audio.decode import SAMPLE_RATE, decode_file
from assistant.config import Settings, load_settings
from assistant.domain.postmortem import MeetingDetails
from assistant.pipeline import hotwords_for
from assistant.transcription.file import transcribe_file
from assistant.transcription.whisper import WhisperTranscriber
from bench.fixture_script import attendees_of
from bench.wer import normalise

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
ASR_DATA = Path(os.environ.get("ASR_DATA", "/work/shared/data/asr"))
GOAL_RATIO = 1.05


def default_audio() -> list[Path]:
    return [*sorted((ROOT / "fixtures" / "meetings").glob("*/meeting.flac")), ASR_DATA / "jfk.flac"]


@dataclass
class Sample:
    wall_s: float
    cpu_s: float


@dataclass
class FileResult:
    audio: str
    audio_s: float
    hotwords: list[str]
    raw: list[Sample] = field(default_factory=list)
    pipeline: list[Sample] = field(default_factory=list)
    raw_words: int = 0
    pipeline_words: int = 0
    same_words: bool = True
    """Whether both sides produced the same normalised word sequence (same decoding, so they must)."""

    def median(self, side: str, attr: str = "wall_s") -> float:
        samples: list[Sample] = getattr(self, side)
        return float(statistics.median(float(getattr(s, attr)) for s in samples))


def display(path: Path) -> str:
    """Repository-relative when inside it, so committed results do not carry this machine's paths."""
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


def timed(fn: Callable[[], list[str]]) -> tuple[Sample, list[str]]:
    wall, cpu = time.perf_counter(), time.process_time()
    words = fn()
    return Sample(round(time.perf_counter() - wall, 4), round(time.process_time() - cpu, 4)), words


def run_raw(settings: Settings, shared: WhisperTranscriber, path: Path, hotwords: list[str], load: bool) -> list[str]:
    # With `load`, build the WhisperModel exactly as the pipeline does (same device, compute type and
    # threads); the wrapper adds nothing measurable beyond WhisperModel(...) itself.
    model = WhisperTranscriber(settings.asr, settings.storage.cache_dir).model if load else shared.model
    segments, _info = model.transcribe(str(path), **shared.transcribe_kwargs(hotwords))
    # transcribe() is lazy: decoding happens while iterating, so iterate everything, words included.
    return [w.word for seg in segments for w in (seg.words or [])]


def run_pipeline(
    settings: Settings, shared: WhisperTranscriber, path: Path, hotwords: list[str], load: bool
) -> list[str]:
    # Without `load`, the already-loaded transcriber (with it, `transcribe_file` loads its own).
    transcript = transcribe_file(path, settings, hotwords, transcriber=None if load else shared)
    return [w.text for seg in transcript.segments for w in seg.words]


def bench_file(settings: Settings, shared: WhisperTranscriber, path: Path, repeats: int, load: bool) -> FileResult:
    hotwords = hotwords_for(MeetingDetails(attendees=attendees_of(path)), settings)
    audio_s = decode_file(path).size / SAMPLE_RATE
    result = FileResult(display(path), round(audio_s, 2), hotwords)
    sides = {"raw": run_raw, "pipeline": run_pipeline}
    words: dict[str, list[str]] = {}
    for rep in range(repeats):
        # ABBA: the order flips every repetition, so a steady drift in load favours neither side.
        order = ["raw", "pipeline"] if rep % 2 == 0 else ["pipeline", "raw"]
        for side in order:
            sample, got = timed(partial(sides[side], settings, shared, path, hotwords, load))
            getattr(result, side).append(sample)
            words[side] = got
            print(
                f"  {path.parent.name}/{path.name} rep {rep + 1}/{repeats} {side:8} "
                f"{sample.wall_s:7.2f} s wall {sample.cpu_s:7.2f} s cpu",
                flush=True,
            )
    result.raw_words = len(words["raw"])
    result.pipeline_words = len(words["pipeline"])
    result.same_words = normalise(" ".join(words["raw"])) == normalise(" ".join(words["pipeline"]))
    return result


def summary(results: list[FileResult]) -> dict[str, Any]:
    audio = sum(r.audio_s for r in results)
    raw = sum(r.median("raw") for r in results)
    pipe = sum(r.median("pipeline") for r in results)
    raw_cpu = sum(r.median("raw", "cpu_s") for r in results)
    pipe_cpu = sum(r.median("pipeline", "cpu_s") for r in results)
    return {
        "audio_s": round(audio, 2),
        "raw_median_sum_s": round(raw, 3),
        "pipeline_median_sum_s": round(pipe, 3),
        "ratio_wall": round(pipe / raw, 4),
        "ratio_cpu": round(pipe_cpu / raw_cpu, 4),
        "rtf_raw": round(raw / audio, 4),
        "rtf_pipeline": round(pipe / audio, 4),
        "goal_ratio": GOAL_RATIO,
        "meets_goal": pipe / raw <= GOAL_RATIO,
        "meets_goal_cpu": pipe_cpu / raw_cpu <= GOAL_RATIO,
        "all_same_words": all(r.same_words for r in results),
    }


def print_table(results: list[FileResult], total: dict[str, Any]) -> None:
    head = f"{'audio':34} {'len s':>6} {'raw s':>7} {'pipe s':>7} {'ratio':>6} {'cpu ratio':>9} {'RTF':>6} same"
    print("\n" + head)
    print("-" * len(head))
    for r in results:
        raw, pipe = r.median("raw"), r.median("pipeline")
        cpu = r.median("pipeline", "cpu_s") / r.median("raw", "cpu_s")
        name = f"{Path(r.audio).parent.name}/{Path(r.audio).name}"[-34:]
        print(
            f"{name:34} {r.audio_s:6.1f} {raw:7.2f} {pipe:7.2f} {pipe / raw:6.3f} {cpu:9.3f} "
            f"{pipe / r.audio_s:6.3f} {'yes' if r.same_words else 'NO'}"
        )
    print("-" * len(head))
    print(
        f"{'all (sum of medians)':34} {total['audio_s']:6.1f} {total['raw_median_sum_s']:7.2f} "
        f"{total['pipeline_median_sum_s']:7.2f} {total['ratio_wall']:6.3f} {total['ratio_cpu']:9.3f} "
        f"{total['rtf_pipeline']:6.3f}"
    )
    verdict = "meets" if total["meets_goal"] else "misses"
    cpu_verdict = "meets" if total["meets_goal_cpu"] else "misses"
    print(
        f"pipeline/raw ratio: wall {total['ratio_wall']:.3f} ({verdict} the ≤ {GOAL_RATIO:.2f} goal), "
        f"CPU {total['ratio_cpu']:.3f} ({cpu_verdict}); on a shared machine the CPU ratio is the steadier one"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--audio", type=Path, nargs="+", default=None, help="files (default: fixtures + jfk)")
    parser.add_argument("--repeats", type=int, default=3, help="timed runs per side and file (≥ 3)")
    parser.add_argument("--include-load", action="store_true", help="time a fresh model load on both sides")
    parser.add_argument("--out", type=Path, default=RESULTS / "asr_overhead.json")
    args = parser.parse_args()
    if args.repeats < 1:
        parser.error("--repeats must be ≥ 1")
    files: list[Path] = args.audio or default_audio()
    settings = load_settings()
    load_avg = os.getloadavg()[0]
    started = time.perf_counter()
    shared = WhisperTranscriber(settings.asr, settings.storage.cache_dir)
    print(f"model {settings.asr.model} loaded in {time.perf_counter() - started:.1f} s; device {shared.device}, "
          f"beam {settings.asr.beam_size}, {os.cpu_count()} CPUs, load average {load_avg:.1f}; "
          f"model load {'included in' if args.include_load else 'excluded from'} both timings", flush=True)  # fmt: skip
    # Warm-up (discarded): the first transcription pays one-off allocations in CTranslate2.
    shortest = min(files, key=lambda p: p.stat().st_size)
    run_raw(settings, shared, shortest, [], load=False)
    results = [bench_file(settings, shared, path, args.repeats, args.include_load) for path in files]
    total = summary(results)
    print_table(results, total)
    payload = {
        "benchmark": "asr_overhead",
        "date": time.strftime("%Y-%m-%dT%H:%M:%S"),
        "model": settings.asr.model,
        "device": shared.device,
        "beam_size": settings.asr.beam_size,
        "cpus": os.cpu_count(),
        "load_average_start": round(load_avg, 2),
        "load_average_end": round(os.getloadavg()[0], 2),
        "repeats": args.repeats,
        "model_load": "included" if args.include_load else "excluded",
        "order": "ABBA (raw, pipeline, pipeline, raw, ...)",
        "summary": total,
        "files": [asdict(r) for r in results],
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    tmp = args.out.with_suffix(".tmp")
    tmp.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    tmp.replace(args.out)
    print(f"results: {args.out}")


if __name__ == "__main__":
    main()
