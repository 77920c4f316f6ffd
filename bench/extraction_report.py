"""The extraction bench's figures over the chosen meetings: per meeting and system, the totals per matching
mode, the text-threshold sensitivity, and the console table."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bench.ami import ClippedMeeting
from bench.extraction_cache import CACHE, write_json
from bench.extraction_runs import ENGINES, System
from bench.extraction_scoring import Tally, predictions_baseline, predictions_ours, score
from bench.matching import TEXT_THRESHOLD, TIME_SLACK_S

SENSITIVITY = (0.25, 0.35, 0.45)


def fmt(x: float | None) -> str:
    return "  -  " if x is None else f"{x:5.2f}"


def print_table(rows: Sequence[tuple[str, str, Tally, float | None]]) -> None:
    head = (
        f"{'system':9} {'matching':10} {'decisions P/R/F1':>20} {'actions P/R/F1':>20} "
        f"{'owner acc':>10} {'no-owner rec':>12} {'s/min':>6}"
    )
    print("\n" + head)
    print("-" * len(head))
    for system, mode, t, per_min in rows:
        d, a, o = t.counts["decision"], t.counts["action"], t.owners
        acc = f"{fmt(o.as_dict()['accuracy'])} ({o.matched})"
        nor = f"{fmt(o.as_dict()['no_single_owner_flag_recall'])} ({o.no_single})"
        print(
            f"{system:9} {mode:10} {fmt(d.precision)}/{fmt(d.recall)}/{fmt(d.f1)} "
            f"{fmt(a.precision)}/{fmt(a.recall)}/{fmt(a.f1)} {acc:>10} {nor:>12} "
            f"{'-' if per_min is None else f'{per_min:6.1f}':>6}"
        )


def report(
    chosen: list[ClippedMeeting], systems: list[System], records: dict[tuple[str, System], dict[str, Any]]
) -> dict[str, Any]:
    modes: list[tuple[System, str]] = [(s, "text") for s in systems]
    modes += [(s, "time+text") for s in systems if s in ENGINES]
    totals = {key: Tally() for key in modes}
    sensitivity = {(s, t): Tally() for s in systems for t in SENSITIVITY}
    elapsed = dict.fromkeys(systems, 0.0)
    per_meeting: list[dict[str, Any]] = []
    details: dict[str, list[dict[str, Any]]] = {}
    for c in chosen:
        entry: dict[str, Any] = {
            "id": c.meeting.id,
            "minutes": round(c.minutes, 2),
            "lines": len(c.segments),
            "gold_required": {"decisions": len(c.required("decision")), "actions": len(c.required("action"))},
            "gold_optional": {
                "decisions": len(c.decisions) - len(c.required("decision")),
                "actions": len(c.actions) - len(c.required("action")),
            },
        }
        for system in systems:
            record = records[(c.meeting.id, system)]
            if system in ENGINES:
                preds, checks_s = predictions_ours(record, c)
            else:
                preds, checks_s = predictions_baseline(record, c), 0.0
            seconds = float(record["elapsed_s"]) + checks_s
            elapsed[system] += seconds
            info: dict[str, Any] = {
                "elapsed_s": round(seconds, 2),
                "s_per_minute": round(seconds / c.minutes, 2),
                "usage": record["usage"],
                "predicted": {k: len(v) for k, v in preds.items()},
            }
            if system in ENGINES:
                info["windows"], info["failed_windows"] = record["windows"], record["failed_windows"]
            else:
                info["truncation"], info["error"] = record["truncation"], record["error"]
            for s, mode in modes:
                if s != system:
                    continue
                bucket = details.setdefault(f"{c.meeting.id}/{system}/{mode}", [])
                tally = score(preds, c, use_time=mode == "time+text", details=bucket)
                totals[(s, mode)].add(tally)
                info[mode] = tally.as_dict()
            for t in SENSITIVITY:
                sensitivity[(system, t)].add(score(preds, c, use_time=False, threshold=t))
            entry[system] = info
        per_meeting.append(entry)
    write_json(CACHE / "last_matches.json", details)  # texts of AMI items: kept out of committed results

    minutes = sum(c.minutes for c in chosen) or 1.0
    rows = [(s, mode, totals[(s, mode)], elapsed[s] / minutes) for s, mode in modes]
    print_table(rows)
    print(
        "headline = text-only matching for both (the baseline has no evidence times); "
        f"text threshold {TEXT_THRESHOLD}, time slack ±{TIME_SLACK_S:.0f} s"
    )
    for s in systems:
        cells = [(t, sensitivity[(s, t)].counts) for t in SENSITIVITY]
        f1s = ", ".join(f"{t:.2f}: dec {fmt(c['decision'].f1)} act {fmt(c['action'].f1)}" for t, c in cells)
        print(f"text-threshold sensitivity, {s}: F1 at {f1s}")
    return {
        "headline": {s: totals[(s, "text")].as_dict() for s in systems},
        "ours_time_and_text": totals[("ours", "time+text")].as_dict() if "ours" in systems else None,
        "windows_time_and_text": totals[("windows", "time+text")].as_dict() if "windows" in systems else None,
        "seconds_per_meeting_minute": {s: round(elapsed[s] / minutes, 2) for s in systems},
        "threshold_sensitivity": {
            s: {
                f"{t:.2f}": {
                    "decisions": sensitivity[(s, t)].counts["decision"].as_dict(),
                    "action_items": sensitivity[(s, t)].counts["action"].as_dict(),
                }
                for t in SENSITIVITY
            }
            for s in systems
        },
        "per_meeting": per_meeting,
    }
