"""Decisions and action items on real meetings (AMI dev): our windowed extractor + checks vs a plain
single-prompt baseline, on the same transcripts, the same model and server, in the same run.

    python -m bench.extraction_eval [--gold dev.jsonl] [--meetings 3] [--max-minutes 10]
                                    [--clip last|first] [--transcripts manual|asr] [--ids ES2003a,...]

- ours:     `make_extractor(client, settings).extract(segments, MeetingDetails(attendees=letters))`, then
            `apply_checks` (applied at scoring time, so changed checks need no new LLM run);
- baseline: one prompt with the whole (clipped) transcript, cut to fit n_ctx minus the output
            budget, asking for {decisions: [str], action_items: [{text, owner}]} in json_object mode;
            no rules, no example, no windows, no checks.

Speakers are shown as letters only (roles would reveal the owners). Matching: see `bench.matching`;
the headline compares both systems with text-only matching (the baseline has no evidence times).
LLM answers are cached per meeting and system in bench/results/extraction_cache/, so an interrupted
run resumes and a re-run only rescores. See bench/README.md.
The code, one concern a module: `bench.extraction_runs` (the LLM, ours), `bench.extraction_baseline`,
`bench.extraction_cache`, `bench.extraction_scoring`, `bench.extraction_report`; this module chooses the
meetings, runs them and re-exports their names.
"""

from __future__ import annotations

import argparse
import os
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from assistant.config import load_settings
from assistant.extraction.prompts import PromptLibrary
from bench.ami import Clip, ClippedMeeting, clip_meeting, load_meetings
from bench.extraction_baseline import (
    BASELINE_SYSTEM,
    BASELINE_USER,
    CONTEXT_MARGIN,
    BaselineAction,
    BaselineAnswer,
    TokenCounter,
    baseline_messages,
    fit_lines,
    run_baseline,
)
from bench.extraction_cache import (
    CACHE,
    RESULTS,
    ROOT,
    cache_path,
    failed,
    prompts_digest,
    read_cache,
    system_digest,
    write_json,
)
from bench.extraction_report import SENSITIVITY, fmt, print_table, report
from bench.extraction_runs import ENGINES, SYSTEMS, LazyLLM, System, run_ours, usage_delta, usage_now
from bench.extraction_scoring import (
    OwnerCounts,
    Prediction,
    Tally,
    owner_counts,
    predictions_baseline,
    predictions_ours,
    score,
)
from bench.matching import TEXT_THRESHOLD, TIME_SLACK_S

# The names this module had before its split, so that `from bench.extraction_eval import X` (the tests)
# keeps working wherever X now lives.
__all__ = [
    "AMI",
    "BASELINE_SYSTEM",
    "BASELINE_USER",
    "CACHE",
    "CONTEXT_MARGIN",
    "ENGINES",
    "RESULTS",
    "ROOT",
    "SENSITIVITY",
    "SYSTEMS",
    "BaselineAction",
    "BaselineAnswer",
    "LazyLLM",
    "OwnerCounts",
    "Prediction",
    "System",
    "Tally",
    "TokenCounter",
    "baseline_messages",
    "cache_path",
    "failed",
    "fit_lines",
    "fmt",
    "main",
    "owner_counts",
    "predictions_baseline",
    "predictions_ours",
    "print_table",
    "prompts_digest",
    "read_cache",
    "report",
    "run_baseline",
    "run_ours",
    "score",
    "select",
    "system_digest",
    "usage_delta",
    "usage_now",
    "write_json",
]

AMI = Path(os.environ.get("AMI_DATA", "/work/shared/data/ami"))


def select(clipped_all: list[ClippedMeeting], n: int, ids: set[str] | None) -> tuple[list[ClippedMeeting], list[str]]:
    """The first `n` meetings (file order) with at least one gold item wholly inside the clip."""
    chosen, skipped = [], []
    for c in clipped_all:
        if ids is not None and c.meeting.id not in ids:
            continue
        if not (c.required("decision") or c.required("action")):
            skipped.append(c.meeting.id)
            continue
        chosen.append(c)
        if n and len(chosen) >= n:
            break
    return chosen, skipped


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--gold", type=Path, default=AMI / "dev.jsonl")
    parser.add_argument("--meetings", type=int, default=3, help="first N meetings with gold in the clip (0 = all)")
    parser.add_argument("--ids", type=lambda s: set(s.split(",")), default=None, help="only these meeting ids")
    parser.add_argument("--max-minutes", type=float, default=10.0, help="clip each meeting (0 = whole meeting)")
    parser.add_argument(
        "--clip",
        choices=("last", "first"),
        default="last",
        help="which end of the meeting --max-minutes keeps (AMI assigns actions at the end)",
    )
    parser.add_argument("--transcripts", choices=("manual", "asr"), default="manual")
    parser.add_argument(
        "--asr-transcripts",
        type=Path,
        default=None,
        help="ASR transcripts file (default: dev_asr_transcripts.jsonl next to --gold)",
    )
    parser.add_argument("--systems", default="ours,baseline", help="comma-separated: ours,windows,baseline")
    parser.add_argument("--llm-timeout", type=float, default=1800.0, help="seconds per LLM request")
    parser.add_argument(
        "--retry-failed", action="store_true", help="rerun cached answers that had failed windows/errors"
    )
    parser.add_argument("--out", type=Path, default=RESULTS / "extraction_eval.json")
    args = parser.parse_args()
    systems: list[System] = [s for s in SYSTEMS if s in args.systems.split(",")]
    max_minutes = args.max_minutes or None
    clip: Clip = args.clip
    clip_label = f"{clip}{max_minutes:g}m" if max_minutes else "full"

    transcripts = None
    if args.transcripts == "asr":
        transcripts = args.asr_transcripts or args.gold.parent / "dev_asr_transcripts.jsonl"
    meetings = load_meetings(args.gold, transcripts)
    chosen, skipped = select([clip_meeting(m, max_minutes, clip) for m in meetings], args.meetings, args.ids)
    # A longer per-request timeout than the product's: on a shared 2-core machine one window can take
    # more than 300 s, and a timed-out window (retried twice by the SDK, then failed) measures the
    # machine's load, not extraction quality. Both systems get the same timeout.
    settings = load_settings(overrides={"llm": {"timeout_s": args.llm_timeout}})
    prompts_folder = PromptLibrary(settings.storage.prompts_dir).folder
    digests = {s: system_digest(s, settings, prompts_folder) for s in systems}
    minutes = sum(c.minutes for c in chosen)
    print(
        f"{len(chosen)} meetings ({minutes:.1f} transcript minutes, {clip_label}, {args.transcripts} "
        f"transcripts); skipped for lack of gold in the clip: {', '.join(skipped) or 'none'}; "
        f"load average {os.getloadavg()[0]:.1f}",
        flush=True,
    )

    records: dict[tuple[str, System], dict[str, Any]] = {}
    with ExitStack() as stack:
        llm = LazyLLM(settings, stack)
        for i, c in enumerate(chosen, 1):
            req_d, req_a = len(c.required("decision")), len(c.required("action"))
            print(
                f"[{i}/{len(chosen)}] {c.meeting.id}: {c.minutes:.1f} min, {len(c.segments)} lines, "
                f"gold {req_d} decisions + {req_a} actions",
                flush=True,
            )
            for system in systems:
                path = cache_path(c.meeting.id, system, args.transcripts, clip_label, digests[system])
                record = read_cache(path)
                if record is not None and args.retry_failed and failed(record):
                    print(f"    {system}: cached answer had failures, running again", flush=True)
                    record = None
                if record is None:
                    if system in ENGINES:
                        engine_llm = settings.llm.model_copy(update={"engine": ENGINES[system]})
                        record = run_ours(llm.get(), c, settings.model_copy(update={"llm": engine_llm}))
                    else:
                        record = run_baseline(llm.get(), c, settings)
                    record.update(meeting=c.meeting.id, system=system, minutes=round(c.minutes, 2))
                    write_json(path, record)
                    warn = " (WITH FAILURES: see --retry-failed)" if failed(record) else ""
                    print(f"    {system}: {record['elapsed_s']:.0f} s, cached {path.name}{warn}", flush=True)
                else:
                    print(f"    {system}: cached ({path.name})", flush=True)
                records[(c.meeting.id, system)] = record

    results = report(chosen, systems, records)
    payload = {
        "benchmark": "extraction_eval",
        "date": time.strftime("%Y-%m-%dT%H:%M:%S"),
        "gold": str(args.gold),
        "transcripts": args.transcripts,
        "clip": clip_label,
        "meetings": [c.meeting.id for c in chosen],
        "skipped_no_gold_in_clip": skipped,
        "minutes": round(minutes, 2),
        "llm": {
            "timeout_s": settings.llm.timeout_s,
            "n_ctx": settings.llm.n_ctx,
            "window_tokens": settings.llm.window_tokens,
            "max_output_tokens": settings.llm.max_output_tokens,
            "embedded": settings.llm.embedded,
        },
        "matching": {
            "text_threshold": TEXT_THRESHOLD,
            "time_slack_s": TIME_SLACK_S,
            "headline": "text-only for both systems",
        },
        "cache_digests": digests,
        **results,
    }
    write_json(args.out, payload)
    print(f"results: {args.out} (matched pairs with texts: {CACHE / 'last_matches.json'})")


if __name__ == "__main__":
    main()
