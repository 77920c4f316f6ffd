"""Live speaker attribution: threshold calibration, accuracy, and what it costs the transcript.

    nice -n 10 python -m bench.live_speakers calibrate [--fixtures tls-cert demo ...]
    nice -n 10 python -m bench.live_speakers live [--fixture tls-cert] [--speed 1]

`calibrate` (no ASR, a few seconds per fixture): every reference turn of a fixture meeting is a line;
each voice is "named" by its first turn of 2 s or more (as a facilitator picks a line); every other
line is embedded like the live worker does (`SpeakerDiarizer.embed`, first 20 s) and given the nearest
named voice at or above the threshold. Two scenarios per fixture: every voice named, and one voice
named (each voice in turn, averaged) - there the other voices must stay anonymous. A line is right
when a named speaker's line gets their name and an unnamed speaker's line gets none.

`live` runs `assistant record --headless --from-file FIXTURE --no-llm` twice in the same run, once
with `--name-first-speaker` (attribution on) and once with `--no-speakers`, and reports the ASR lag
(p50/p95 from the `lag` lines) with over without as ratios, the voice worker's time per line, and the
live attribution of the run with attribution: each committed line against the reference speaker who
talks most during it (named voice -> right name; other voices -> anonymous), before the final pass.
The final pass (re-diarization + carried names) is scored the same way from the session afterwards.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from bench.fixture_script import read_script

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures" / "meetings"
RESULTS = ROOT / "bench" / "results" / "live_speakers.json"
THRESHOLDS = [round(0.30 + 0.05 * i, 2) for i in range(14)]  # 0.30 … 0.95
NAMING_MIN_S = 2.0


def _turns(fixture: str) -> list[dict[str, Any]]:
    data = json.loads((FIXTURES / fixture / "turns.json").read_text())
    turns: list[dict[str, Any]] = data["turns"]
    return turns


# --- calibration -----------------------------------------------------------------------------------


def _score(
    embeddings: list[np.ndarray | None], speakers: list[str], named: dict[str, int], threshold: float
) -> tuple[int, int, int]:
    """(right, wrong name, named voice left anonymous) over the lines not used for naming."""
    from assistant.speakers.voiceprints import Voiceprints

    prints = Voiceprints()
    for who, index in named.items():
        emb = embeddings[index]
        assert emb is not None
        prints.add(who, emb)
    outcomes = []
    for n, (emb, truth) in enumerate(zip(embeddings, speakers, strict=True)):
        if n in named.values() or emb is None:
            continue
        label, score = prints.nearest(emb)
        got = label if label is not None and score >= threshold else None
        outcomes.append((got, truth if truth in named else None))
    return _tally(outcomes)


def _tally(outcomes: list[tuple[str | None, str | None]]) -> tuple[int, int, int]:
    """(right, wrong name, named voice left anonymous) over (given name, expected name) pairs."""
    right = sum(got == expected for got, expected in outcomes)
    missed = sum(got is None and expected is not None for got, expected in outcomes)
    return right, len(outcomes) - right - missed, missed


def calibrate(fixtures: list[str]) -> dict[str, Any]:
    from assistant.audio.decode import SAMPLE_RATE, decode_file
    from assistant.live.voices import MAX_EMBED_S
    from assistant.speakers.diarize import SpeakerDiarizer

    diarizer = SpeakerDiarizer()
    per_fixture: dict[str, Any] = {}
    totals = {"all": {t: [0, 0, 0] for t in THRESHOLDS}, "one": {t: [0, 0, 0] for t in THRESHOLDS}}
    embed_s: list[float] = []
    for fixture in fixtures:
        audio = decode_file(FIXTURES / fixture / "meeting.flac")
        turns = _turns(fixture)
        embeddings: list[np.ndarray | None] = []
        for turn in turns:
            start, end = float(turn["start"]), min(float(turn["end"]), float(turn["start"]) + MAX_EMBED_S)
            began = time.perf_counter()
            embeddings.append(diarizer.embed(audio[int(start * SAMPLE_RATE) : int(end * SAMPLE_RATE)]))
            embed_s.append(time.perf_counter() - began)
        speakers = [str(t["speaker"]) for t in turns]
        naming: dict[str, int] = {}
        for n, turn in enumerate(turns):
            if turn["end"] - turn["start"] >= NAMING_MIN_S and embeddings[n] is not None:
                naming.setdefault(str(turn["speaker"]), n)
        rows: dict[str, Any] = {}
        for t in THRESHOLDS:
            everyone = _score(embeddings, speakers, naming, t)
            single = [_score(embeddings, speakers, {who: i}, t) for who, i in naming.items()]
            one = tuple(sum(x[k] for x in single) for k in range(3))
            rows[str(t)] = {"all_named": everyone, "one_named": one}
            for k in range(3):
                totals["all"][t][k] += everyone[k]
                totals["one"][t][k] += one[k]
        per_fixture[fixture] = {"voices": len(naming), "lines": len(turns), "by_threshold": rows}

    def acc(x: list[int]) -> float:
        return round(x[0] / max(1, sum(x)), 3)

    summary = {
        str(t): {
            "all_named_accuracy": acc(totals["all"][t]),
            "all_named_wrong_name": round(totals["all"][t][1] / max(1, sum(totals["all"][t])), 3),
            "one_named_accuracy": acc(totals["one"][t]),
            "one_named_wrong_name": round(totals["one"][t][1] / max(1, sum(totals["one"][t])), 3),
        }
        for t in THRESHOLDS
    }
    best = max(THRESHOLDS, key=lambda t: (summary[str(t)]["all_named_accuracy"] + summary[str(t)]["one_named_accuracy"],
                                          -t))  # fmt: skip
    return {
        "fixtures": per_fixture,
        "summary": summary,
        "best_threshold": best,
        "embed_ms_per_s_of_speech": _embed_rate(embed_s, fixtures),
    }


def _embed_rate(embed_s: list[float], fixtures: list[str]) -> float:
    speech = sum(min(float(t["end"]) - float(t["start"]), 20.0) for f in fixtures for t in _turns(f))
    return round(1000 * sum(embed_s) / max(speech, 1e-9), 2)


# --- live ------------------------------------------------------------------------------------------


def _record(fixture: str, sessions: Path, name: str, speed: float, speakers: bool) -> list[dict[str, Any]]:
    attendees = ",".join(read_script(FIXTURES / fixture / "script.txt").attendees)
    first = _turns(fixture)[0]["speaker"]
    cmd = [sys.executable, "-m", "assistant", "record", "--headless", "--no-llm", "--from-file",
           str(FIXTURES / fixture / "meeting.flac"), "--sessions-dir", str(sessions), "--session", name,
           "--attendees", attendees, "--speed", str(speed)]  # fmt: skip
    cmd += ["--name-first-speaker", str(first)] if speakers else ["--no-speakers"]
    done = subprocess.run(cmd, capture_output=True, text=True, check=False, cwd=ROOT)
    if done.returncode != 0:
        raise SystemExit(f"record failed ({done.returncode}): {done.stderr[-800:]}")
    return [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def _truth_at(turns: list[dict[str, Any]], start: float, end: float) -> str | None:
    talk: dict[str, float] = {}
    for t in turns:
        shared = min(end, float(t["end"])) - max(start, float(t["start"]))
        if shared > 0:
            talk[str(t["speaker"])] = talk.get(str(t["speaker"]), 0.0) + shared
    return max(talk.items(), key=lambda kv: kv[1])[0] if talk else None


def _attribution(turns: list[dict[str, Any]], lines: list[tuple[int, float, float]], given: dict[int, str],
                 named: set[str]) -> dict[str, Any]:  # fmt: skip
    outcomes = []
    for seg_id, start, end in lines:
        truth = _truth_at(turns, start, end)
        got = given.get(seg_id)
        # A label (S2) is anonymous.
        outcomes.append((got if got in named else None, truth if truth in named else None))
    right, wrong, missed = _tally(outcomes)
    total = max(1, right + wrong + missed)
    return {"lines": right + wrong + missed, "accuracy": round(right / total, 3),
            "wrong_name": round(wrong / total, 3), "named_left_anonymous": round(missed / total, 3)}  # fmt: skip


def live(fixture: str, speed: float) -> dict[str, Any]:
    from assistant.session import Session

    turns = _turns(fixture)
    first = str(turns[0]["speaker"])
    with tempfile.TemporaryDirectory(prefix="bench-live-speakers-") as tmp:
        sessions = Path(tmp)
        without = _record(fixture, sessions, "without", speed, speakers=False)
        with_ = _record(fixture, sessions, "with", speed, speakers=True)
        lag_without = [float(r["lag_s"]) for r in without if r["type"] == "lag"]
        lag_with = [float(r["lag_s"]) for r in with_ if r["type"] == "lag"]
        lines = [(int(r["id"]), float(r["start"]), float(r["end"])) for r in with_ if r["type"] == "segment"]
        given: dict[int, str] = {}
        for r in with_:
            if r["type"] in ("speaker", "speaker_named"):
                given[int(r["segment"])] = str(r["name"])
        named_line = next((int(r["segment"]) for r in with_ if r["type"] == "speaker_named"), None)
        scored = [x for x in lines if x[0] != named_line]
        with Session.open(sessions, "with", readonly=True) as session:
            names = session.speakers
            final = {s.id: names.display(lb) for s in session.transcript.segments if (lb := names.label_of(s))}
    return {
        "fixture": fixture,
        "speed": speed,
        "named": first,
        "lag_p50_s": {"without": round(_pct(lag_without, 0.5), 2), "with": round(_pct(lag_with, 0.5), 2)},
        "lag_p95_s": {"without": round(_pct(lag_without, 0.95), 2), "with": round(_pct(lag_with, 0.95), 2)},
        "lag_p50_ratio": round(_pct(lag_with, 0.5) / max(_pct(lag_without, 0.5), 1e-9), 3),
        "lag_p95_ratio": round(_pct(lag_with, 0.95) / max(_pct(lag_without, 0.95), 1e-9), 3),
        "lines": {"without": sum(r["type"] == "segment" for r in without), "with": len(lines)},
        "live_attribution": _attribution(turns, scored, given, {first}),
        "after_final_pass": _attribution(turns, scored, final, {first}),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="what", required=True)
    c = sub.add_parser("calibrate")
    c.add_argument("--fixtures", nargs="+", default=sorted(p.name for p in FIXTURES.iterdir() if p.is_dir()))
    lv = sub.add_parser("live")
    lv.add_argument("--fixture", default="tls-cert")
    lv.add_argument("--speed", type=float, default=1.0)
    args = parser.parse_args(argv)
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    if args.what == "calibrate":
        results["calibration"] = calibrate(args.fixtures)
    else:
        results["live"] = live(args.fixture, args.speed)
    results["date"] = time.strftime("%Y-%m-%d")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(results[args.what if args.what == "live" else "calibration"], indent=2)[:6000])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
