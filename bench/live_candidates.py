"""Live candidate marks: commit → candidate mark and commit → confirmed item, at real-time pace.

    python -m bench.live_candidates [--meeting tls-cert] [--speed S] [--no-speakers] [--out FILE]

Plays a fixture meeting through `assistant record --headless --from-file` (the microphone's source
interface, real-time pace, the default engine and models) and reads the run's JSON lines:

- **commit → candidate**: `latency_s` of each `candidate` line (wall time from the ASR worker's commit
  of the line to its mark), and the same seen from outside: the `candidate` line's arrival on stdout
  minus its `segment` line's;
- **commit → confirmed**: `latency_s` of each live `candidate_confirmed` line (before `final_pass`);
  confirmations by the final pass are counted apart, they are not live;
- **utterance end → mark / → confirmed**: `t` (meeting time of the mark) minus the line's `end`, i.e.
  with the transcription lag included;
- the share of candidates confirmed vs dropped (final state of each mark, drops by reason), and how
  many live decisions / action items / open questions cite a line that was marked before the item came.

Writes bench/results/live_candidates.json (or `--out`). Goals (issue 12): mark ≤ 1 s p95 after the
commit, confirmed item ≤ 20 s p95. `--speed S` > 1 is for smoke runs only (not a latency figure).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

from bench.fixture_script import read_script
from bench.live_latency import RESULTS, ROOT, _pct

Record = tuple[float, dict[str, Any]]
ITEM_KINDS = ("decision", "action_item", "open_question")


def _play(meeting: str, speed: float, no_speakers: bool) -> list[Record]:
    meeting_dir = ROOT / "fixtures" / "meetings" / meeting
    attendees = ",".join(read_script(meeting_dir / "script.txt").attendees)
    with tempfile.TemporaryDirectory() as tmp:
        cmd = [sys.executable, "-m", "assistant", "record", "--headless", "--sessions-dir", str(Path(tmp) / "s"),
               "--session", "bench", "--attendees", attendees, "--from-file", str(meeting_dir / "meeting.flac"),
               *(["--speed", str(speed)] if speed != 1 else []),
               *(["--no-speakers"] if no_speakers else [])]  # fmt: skip
        started = time.monotonic()
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
        assert proc.stdout is not None
        records: list[Record] = []
        for line in proc.stdout:
            rec = json.loads(line)
            records.append((time.monotonic() - started, rec))
            if rec["type"] in ("candidate", "candidate_confirmed", "candidate_dropped", "proposal"):
                what = rec.get("kinds") or rec.get("kind")
                print(f"{records[-1][0]:7.1f}s {rec['type']}: line {rec.get('line', '-')} {what}", flush=True)
        if proc.wait() != 0:
            raise SystemExit(f"record --headless exited {proc.returncode}")
    return records


def summarise(records: list[Record]) -> dict[str, Any]:
    """The figures from one run's JSON lines (with their arrival times, seconds)."""
    final_at = next((i for i, (_, r) in enumerate(records) if r["type"] == "final_pass"), len(records))
    segments = {r["id"]: (at, r) for at, r in records if r["type"] == "segment"}
    marked = [(at, r) for at, r in records if r["type"] == "candidate"]
    live = [r for _, r in records[:final_at] if r["type"] == "candidate_confirmed"]
    at_final = [r for _, r in records[final_at:] if r["type"] == "candidate_confirmed"]
    outcome: dict[int, dict[str, Any]] = {}
    for _, r in records:
        if r["type"].startswith("candidate"):
            outcome[r["line"]] = r
    mark_latency = [r["latency_s"] for _, r in marked]
    arrival = [at - segments[r["line"]][0] for at, r in marked if r["line"] in segments]
    said_to_mark = [r["t"] - segments[r["line"]][1]["end"] for _, r in marked if r["line"] in segments]
    said_to_item = [r["t"] - segments[r["line"]][1]["end"] for r in live if r["line"] in segments]
    marked_before: dict[int, int] = {r["line"]: i for i, (_, r) in enumerate(records) if r["type"] == "candidate"}
    items = [
        (i, r) for i, (_, r) in enumerate(records[:final_at]) if r["type"] == "proposal" and r["kind"] in ITEM_KINDS
    ]
    seen: set[str] = set()
    premarked = total = 0
    for i, r in items:
        if r["id"] in seen:
            continue  # an item re-sent (its flags or owner changed)
        seen.add(r["id"])
        total += 1
        premarked += any(marked_before.get(line, len(records)) < i for line in r["evidence"]["segment_ids"])
    states = Counter(
        r["type"].removeprefix("candidate_") if r["type"] != "candidate" else "open" for r in outcome.values()
    )
    reasons = Counter(r.get("reason") for r in outcome.values() if r["type"] == "candidate_dropped")
    kinds = Counter(k for _, r in marked for k in r["kinds"])
    n = len(marked)
    return {
        "lines": len(segments), "candidates": n, "candidate_kinds": dict(kinds),
        "commit_to_mark_p50_s": _pct(mark_latency, 0.5), "commit_to_mark_p95_s": _pct(mark_latency, 0.95),
        "commit_to_mark_max_s": max(mark_latency, default=None),
        "segment_line_to_candidate_line_p95_s": _pct(arrival, 0.95),
        "utterance_end_to_mark_p50_s": _pct(said_to_mark, 0.5), "utterance_end_to_mark_p95_s": _pct(said_to_mark, 0.95),
        "confirmed_live": len(live), "confirmed_by_final_pass": len(at_final),
        "commit_to_confirmed_p50_s": _pct([r["latency_s"] for r in live], 0.5),
        "commit_to_confirmed_p95_s": _pct([r["latency_s"] for r in live], 0.95),
        "commit_to_confirmed_max_s": max((r["latency_s"] for r in live), default=None),
        "utterance_end_to_confirmed_p50_s": _pct(said_to_item, 0.5),
        "utterance_end_to_confirmed_p95_s": _pct(said_to_item, 0.95),
        "final_state": dict(states), "dropped_by_reason": dict(reasons),
        "share_confirmed": round(states["confirmed"] / n, 3) if n else None,
        "share_dropped": round(states["dropped"] / n, 3) if n else None,
        "live_items": total, "live_items_citing_a_premarked_line": premarked,
    }  # fmt: skip


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--meeting", default="tls-cert")
    parser.add_argument("--speed", type=float, default=1.0, help="play the file this many times faster (smoke runs)")
    parser.add_argument("--no-speakers", action="store_true", help="no live speaker attribution (less CPU)")
    parser.add_argument(
        "--out", type=Path, default=None, help="result file (default: bench/results/live_candidates.json)"
    )
    args = parser.parse_args(argv)
    records = _play(args.meeting, args.speed, args.no_speakers)
    stats = next((r for _, r in records if r["type"] == "stats"), {})
    result = {"meeting": args.meeting, "speed": args.speed, "speakers": not args.no_speakers,
              **summarise(records), "engine_stats": stats}  # fmt: skip
    out: Path = args.out or RESULTS / "live_candidates.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
