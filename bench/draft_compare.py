"""How well the meeting is matched with the draft: precision / recall of confirmed, corrected and
not-discussed on hand-written hard cases (paraphrases, other clock forms, near-miss topics at the same
time, figures said differently), for ours (`assistant.draft.compare.reconcile`: sentence encoder +
rapidfuzz, then exact times / figures / owners) against a baseline measured in the same run: rapidfuzz's
token-set ratio alone (threshold 0.6, the same exact comparisons). Cases were written for this file,
not taken from the unit tests or the fixture.

    python -m bench.draft_compare [--out bench/results/draft_compare.json]
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
from rapidfuzz import fuzz

from assistant.domain.postmortem import DraftState, Evidence, Postmortem, TimelineEvent
from assistant.draft import compare
from assistant.draft.read import as_draft

C, X, N = DraftState.CONFIRMED, DraftState.CORRECTED, DraftState.NOT_DISCUSSED
# (draft rows, said rows, expected state of each draft row)
CASES: list[tuple[list[tuple[str, str]], list[tuple[str, str]], list[DraftState]]] = [
    ([("09:12", "Certificate on the API gateway expires")], [("09:12", "the gateway cert ran out")], [C]),
    ([("09:40", "First alert fires")], [("09:44", "the pager went off for the first time")], [X]),
    ([("10:05", "Database failover starts")], [("10:05", "we kicked off the failover of the primary")], [C]),
    ([("10:31", "Cache cluster restarted")], [("10:31", "support opened a ticket about slow pages")], [N]),
    ([("11:15", "Rollback decided")], [("11:15", "we agreed to roll back")], [C]),
    ([("11:22", "Rollback complete")], [("11:29", "the rollback finished")], [X]),
    ([("13:02", "Feature flag disabled")], [("1:02 pm", "we switched the flag off")], [C]),
    ([("14:50", "Customer support escalates")], [("14:50", "the database ran out of connections")], [N]),
    ([("08:15", "Backup job fails silently")], [("08:15", "the nightly backup failed without an error")], [C]),
    ([("16:20", "DNS record deleted by cleanup job")], [("16:25", "the cleanup job removed the DNS entry")], [X]),
    ([("12:12", "Deploy of v4.2 to production"), ("12:19", "Error rate alert fires")],
     [("12:19", "the error rate alert went off"), ("12:12", "we shipped 4.2")], [C, C]),
    ([("17:03", "Queue backlog noticed"), ("17:40", "All clear")],
     [("17:05", "someone noticed the queue was backing up")], [X, N]),
    ([("07:45", "Disk on node 3 full")], [("07:45", "we rotated the logs on node 3 later that day")], [N]),
    ([("19:10", "On-call engineer paged")], [("19:10", "the on-call got paged")], [C]),
    ([("21:30", "Load balancer health check fails")], [("21:36", "health checks on the load balancer started failing")],
     [X]),
    ([("06:55", "Push notifications resent")], [("06:55", "marketing approved the campaign text")], [N]),
]  # fmt: skip


def _rows(pairs: list[tuple[str, str]], prefix: str) -> list[TimelineEvent]:
    return [TimelineEvent(id=f"{prefix}{n}", time=t, event=e, evidence=Evidence(quote=e, start=float(n)))
            for n, (t, e) in enumerate(pairs)]  # fmt: skip


class _FuzzOnly:
    """The baseline's 'encoder': rapidfuzz alone, through the same matrix shape."""

    @staticmethod
    def matrix(a: list[str], b: list[str]) -> np.ndarray:
        return np.array([[fuzz.token_set_ratio(x, y) / 100.0 for y in b] for x in a], dtype=np.float32)


def _run(baseline: bool) -> list[tuple[DraftState, DraftState]]:
    scope = vars(compare)  # the matcher's module namespace: the baseline swaps its similarity function
    original = scope["similarity_matrix"]
    if baseline:
        # Scaled so the matcher's 0.55 / 0.40 thresholds mean a token-set ratio of 0.60 / 0.44.
        def fuzz_only(a: Any, b: Any, encoder: Any = None) -> np.ndarray:
            return _FuzzOnly.matrix(list(a), list(b)) * np.float32(0.55 / 0.6)

        scope["similarity_matrix"] = fuzz_only
    try:
        pairs: list[tuple[DraftState, DraftState]] = []
        for drafted, said, expected in CASES:
            pm = as_draft(Postmortem(timeline=_rows(drafted, "d")))
            compare.reconcile(pm, Postmortem(timeline=_rows(said, "m")))
            got = [row.draft_state or DraftState.DRAFT for row in pm.timeline]
            pairs.extend(zip(expected, got, strict=True))
        return pairs
    finally:
        scope["similarity_matrix"] = original


def _scores(pairs: list[tuple[DraftState, DraftState]]) -> dict[str, dict[str, float]]:
    out: dict[str, dict[str, float]] = {}
    for state in (C, X, N):
        tp = sum(1 for want, got in pairs if want is state and got is state)
        predicted = sum(1 for _, got in pairs if got is state)
        actual = sum(1 for want, _ in pairs if want is state)
        out[state.value] = {"precision": tp / predicted if predicted else 0.0, "recall": tp / actual if actual else 0.0,
                            "support": actual}  # fmt: skip
    out["accuracy"] = {"value": sum(1 for w, g in pairs if w is g) / len(pairs)}
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=Path("bench/results/draft_compare.json"))
    args = parser.parse_args(argv)
    results: dict[str, Any] = {"cases": len(CASES), "rows": sum(len(c[2]) for c in CASES)}
    for name, baseline in (("ours", False), ("baseline_fuzz_only", True)):
        pairs = _run(baseline)
        results[name] = _scores(pairs)
        results[name]["confusions"] = dict(Counter(f"{w.value}->{g.value}" for w, g in pairs if w is not g))
    print(f"{results['rows']} draft rows in {results['cases']} cases")
    print(f"{'':22}{'ours P/R':>14}{'baseline P/R':>16}")
    for state in (C, X, N):
        o, b = results["ours"][state.value], results["baseline_fuzz_only"][state.value]
        print(f"{state.value:22}{o['precision']:>7.2f}/{o['recall']:.2f}{b['precision']:>9.2f}/{b['recall']:.2f}")
    accuracy = results["ours"]["accuracy"]["value"], results["baseline_fuzz_only"]["accuracy"]["value"]
    print(f"{'accuracy':22}{accuracy[0]:>14.2f}{accuracy[1]:>16.2f}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
