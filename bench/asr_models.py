"""Bundled speech models compared in one run: WER, real-time factor and name errors, `tiny.en` vs `base`.

Each clip goes through the product's own file path (`transcribe_file`: our decode, 5-minute pieces,
sentence lines, the attendee names in the initial prompt) once per model, the models alternating
which goes first from clip to clip so drift in the machine's load hits both alike. Models are loaded
once, outside the timing. Clips: the real AMI / LibriSpeech / JFK clips of the shared ASR folder
(`manifest.jsonl`: far-field mixes, close-talk headsets, read speech) and fixture meetings (espeak-ng
voices; their `script.txt` is the reference).

- WER: pooled over all clips of a kind (errors / reference words), with `bench.wer`'s normalisation;
- RTF: transcription wall seconds / audio seconds;
- names: of every attendee-name occurrence in a fixture script, the share missing from the transcript
  (counted per name: min(said, heard) hits), before and after the vocabulary pass (`--snap`; WER
  after it too, so a snap that breaks ordinary words shows). Without `--snap` both columns are the
  transcript without the pass.

    python -m bench.asr_models [--models bundled:tiny.en,bundled:base] [--meetings a,b] [--out FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.config import Settings, load_settings
from assistant.domain.transcript import Transcript
from assistant.transcription.file import transcribe_file
from assistant.transcription.whisper import WhisperTranscriber
from bench.fixture_script import MEETINGS, meeting_script
from bench.wer import edit_distance, normalise

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
ASR_DATA = Path(os.environ.get("ASR_DATA", "/work/shared/data/asr"))
DEFAULT_MEETINGS = "demo,tls-cert,cdn-dns,ho-push-storm,ho2-carrier-labels,ho2-search-alias"

MIN_WORDS_PER_S = 1.0
"""Speech runs at 2-3 words a second. A reference with under one per second of audio misses speech that
is there: a close-talk headset's cross-talk ("Mm. Yeah." for 60 s) or a LibriSpeech file whose text
stops mid-audio (10 words for 11 s; both models hear ~33 words more)."""

Snap = Callable[[Transcript, list[str]], Transcript]


@dataclass
class Clip:
    id: str
    kind: str
    audio: Path
    reference: str
    names: list[str] = field(default_factory=list)


def shared_clips() -> list[Clip]:
    out: list[Clip] = []
    manifest = ASR_DATA / "manifest.jsonl"
    for line in manifest.read_text(encoding="utf-8").splitlines():
        entry = json.loads(line)
        if entry["reference_words"] < MIN_WORDS_PER_S * entry["duration_s"]:
            continue  # the reference covers only part of what is audible: both models "err" on the rest
        kind = (
            "read speech" if "ami" not in entry["id"] else ("AMI far-field" if "mix" in entry["id"] else "AMI headset")
        )
        out.append(Clip(entry["id"], kind, ASR_DATA / entry["audio"], entry["reference_text"]))
    return out


def fixture_clips(meetings: list[str]) -> list[Clip]:
    out: list[Clip] = []
    for name in meetings:
        script = meeting_script(name)
        out.append(Clip(name, "fixture (espeak-ng)", MEETINGS / name / "meeting.flac", script.text, script.attendees))
    return out


def name_hits(reference: str, hypothesis: str, names: list[str]) -> tuple[int, int]:
    """(occurrences of the names in the reference, how many of them the hypothesis has too)."""
    ref, hyp = normalise(reference), normalise(hypothesis)
    said = heard = 0
    for name in {n.lower() for n in names}:
        n_ref, n_hyp = ref.count(name), hyp.count(name)
        said += n_ref
        heard += min(n_ref, n_hyp)
    return said, heard


@dataclass
class Tally:
    errors: int = 0
    errors_snapped: int = 0
    words: int = 0
    audio_s: float = 0.0
    wall_s: float = 0.0
    names_said: int = 0
    names_heard: int = 0
    names_heard_snapped: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "wer": round(self.errors / self.words, 3) if self.words else None,
            "wer_snapped": round(self.errors_snapped / self.words, 3) if self.words else None,
            "rtf": round(self.wall_s / self.audio_s, 3) if self.audio_s else None,
            "audio_s": round(self.audio_s, 1),
            "names_said": self.names_said,
            "name_error_rate": round(1 - self.names_heard / self.names_said, 3) if self.names_said else None,
            "name_error_rate_snapped": (
                round(1 - self.names_heard_snapped / self.names_said, 3) if self.names_said else None
            ),
        }


def run_clip(
    clip: Clip, model: str, transcriber: WhisperTranscriber, settings: Settings, snap: Snap | None
) -> dict[str, Any]:
    started = time.perf_counter()
    transcript = transcribe_file(clip.audio, settings, clip.names, transcriber=transcriber, vocabulary_pass=False)
    wall = time.perf_counter() - started
    text = " ".join(s.text for s in transcript.segments)
    ref = normalise(clip.reference)
    errors = edit_distance(ref, normalise(text))
    said, heard = name_hits(clip.reference, text, clip.names)
    snapped, errors_snapped = heard, errors
    if snap is not None and clip.names:
        snapped_text = " ".join(s.text for s in snap(transcript, clip.names).segments)
        snapped = name_hits(clip.reference, snapped_text, clip.names)[1]
        errors_snapped = edit_distance(ref, normalise(snapped_text))
    return {
        "clip": clip.id, "kind": clip.kind, "model": model, "errors": errors, "words": len(ref),
        "wer": round(errors / len(ref), 3) if ref else None, "wall_s": round(wall, 2),
        "audio_s": transcript.duration,  # the decoded length: no second decode just to time it
        "names_said": said, "names_heard": heard, "names_heard_snapped": snapped, "errors_snapped": errors_snapped,
        "text": text,
    }  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--models", default="bundled:tiny.en,bundled:base")
    parser.add_argument("--meetings", default=DEFAULT_MEETINGS, help="fixture meetings (comma-separated; '' = none)")
    parser.add_argument("--no-shared", action="store_true", help="skip the shared AMI/LibriSpeech clips")
    parser.add_argument("--snap", action="store_true", help="also score the vocabulary pass on names")
    parser.add_argument("--out", type=Path, default=RESULTS / "asr_models.json")
    args = parser.parse_args()

    settings = load_settings()
    models = [m for m in args.models.split(",") if m]
    clips = ([] if args.no_shared else shared_clips()) + fixture_clips([m for m in args.meetings.split(",") if m])
    loaded = {m: WhisperTranscriber(settings.asr, settings.storage.cache_dir, m) for m in models}
    snap: Snap | None = None
    if args.snap:
        from assistant.transcription.vocabulary import snap_transcript

        snap = snap_transcript
    rows: list[dict[str, Any]] = []
    tallies: dict[tuple[str, str], Tally] = {}
    for i, clip in enumerate(clips):
        order = models if i % 2 == 0 else list(reversed(models))
        for model in order:
            row = run_clip(clip, model, loaded[model], settings, snap)
            seconds = row["audio_s"]
            rows.append(row)
            for kind in (clip.kind, "all"):
                t = tallies.setdefault((model, kind), Tally())
                t.errors += row["errors"]
                t.errors_snapped += row["errors_snapped"]
                t.words += row["words"]
                t.audio_s += seconds
                t.wall_s += row["wall_s"]
                t.names_said += row["names_said"]
                t.names_heard += row["names_heard"]
                t.names_heard_snapped += row["names_heard_snapped"]
            print(f"{clip.id:40s} {model:16s} WER {row['wer']}  {row['wall_s']:.1f} s / {seconds:.0f} s", flush=True)
    summary = {f"{m} | {k}": t.as_dict() for (m, k), t in sorted(tallies.items())}
    print(f"\n{'model | clips':44s} {'WER':>6s} {'snapped':>8s} {'RTF':>6s} {'names missed':>13s} {'snapped':>8s}")
    for key, d in summary.items():
        print(f"{key:44s} {d['wer']!s:>6s} {d['wer_snapped']!s:>8s} {d['rtf']!s:>6s} {d['name_error_rate']!s:>13s} "
              f"{d['name_error_rate_snapped']!s:>8s}")  # fmt: skip
    payload = {
        "benchmark": "asr_models",
        "date": time.strftime("%Y-%m-%dT%H:%M:%S"),
        "load_average": round(os.getloadavg()[0], 2),
        "cpu_threads": settings.asr.cpu_threads or os.cpu_count(),
        "beam_size": settings.asr.beam_size,
        "summary": summary,
        "clips": rows,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
