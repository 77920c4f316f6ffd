"""Postmortem drafts of the fixture meetings, scored section by section against their expected.json.

    python -m bench.postmortem_eval [--meetings a,b] [--transcripts script|asr] [--json out]
                                    [--engine module:function]

Per meeting (default: the five long meetings of fixtures/README.md):

1. a `Transcript`: `script` = one segment per turn of turns.json (its start, end, text and speaker name);
   `asr` = `transcribe_file` on meeting.flac with the attendees as hotwords (as `assistant process` passes
   them), each segment given the speaker of the turn it overlaps most. ASR transcripts are cached in
   bench/results/postmortem_cache/, keyed by the audio's sha256 and the ASR settings.
2. the engine, `assistant.pipeline:draft_postmortem(transcript, details, settings)` unless `--engine` names
   another function with that signature; details come from the script header.
3. scores against expected.json, per section: precision, recall and F1 under strict one-to-one greedy
   matching (best pair first). Text sections match on `bench.matching.token_f1` >= TEXT_THRESHOLD; timeline
   events on their normalised incident-clock time (`normalize_time`); impact fields on their figures
   (`impact_matches`). Then: owners, unowned flags, due dates, items filed under the wrong section,
   rejected proposals drafted as decisions, answered questions drafted as open questions, and items whose
   evidence quotes words said to the assistant.

Prints a table per meeting and the pooled (micro) figures; writes JSON (default
bench/results/postmortem_eval.json). The scoring functions need no model: tests/test_bench_postmortem.py.

The code, one concern a module: `bench.spoken_numbers` (figures and times), `bench.postmortem_sections` (one
section), `bench.postmortem_owners`, `bench.postmortem_scoring` (one draft, pooled), `bench.postmortem_meetings`
(fixtures, transcripts), `bench.postmortem_report` (tables); this module runs them and re-exports their names.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import json
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from assistant.config import Settings, load_settings
from assistant.domain.postmortem import MeetingDetails, Postmortem
from assistant.domain.transcript import Transcript
from bench.matching import TEXT_THRESHOLD
from bench.postmortem_meetings import (
    CACHE,
    MEETINGS,
    RESULTS,
    ROOT,
    Meeting,
    asr_cache_path,
    asr_transcript,
    assign_speakers,
    hotwords,
    load_meeting,
    script_transcript,
)
from bench.postmortem_owners import UNOWNED_KINDS, owner_figures
from bench.postmortem_report import print_pooled, print_table
from bench.postmortem_scoring import (
    EXPECTED_KEY,
    SECTIONS,
    TEXT_SECTIONS,
    cites_directed,
    cross_section_errors,
    expected_texts,
    pooled,
    predicted_texts,
    score_postmortem,
)
from bench.postmortem_sections import (
    DURATION_TOLERANCE_MIN,
    IMPACT_EXPECTED_KEY,
    SectionScore,
    impact_matches,
    score_impact,
    score_texts,
    score_timeline,
)
from bench.spoken_numbers import duration_minutes, figures, normalize_time, words_to_digits
from bench.wer import wer

# The names this module had before its split, so that `bench.postmortem_eval.X` (tests, `--engine` specs)
# keeps working wherever X now lives.
__all__ = [
    "CACHE",
    "DEFAULT_ENGINE",
    "DEFAULT_JSON",
    "DURATION_TOLERANCE_MIN",
    "EXPECTED_KEY",
    "IMPACT_EXPECTED_KEY",
    "LONG_MEETINGS",
    "MEETINGS",
    "RESULTS",
    "ROOT",
    "SECTIONS",
    "TEXT_SECTIONS",
    "TEXT_THRESHOLD",
    "UNOWNED_KINDS",
    "Engine",
    "Meeting",
    "SectionScore",
    "asr_cache_path",
    "asr_transcript",
    "assign_speakers",
    "cites_directed",
    "cross_section_errors",
    "duration_minutes",
    "expected_texts",
    "figures",
    "git_revision",
    "hotwords",
    "impact_matches",
    "load_engine",
    "load_meeting",
    "main",
    "no_draft",
    "normalize_time",
    "owner_figures",
    "pooled",
    "predicted_texts",
    "print_pooled",
    "print_table",
    "run_meeting",
    "score_impact",
    "score_postmortem",
    "score_texts",
    "score_timeline",
    "script_transcript",
    "words_to_digits",
]

DEFAULT_JSON = RESULTS / "postmortem_eval.json"
DEFAULT_ENGINE = "assistant.pipeline:draft_postmortem"
LONG_MEETINGS = ("cdn-dns", "flag-rollout", "migration-data-loss", "payment-timeouts", "replica-failover")

Engine = Callable[[Transcript, MeetingDetails, Settings], Postmortem]


def no_draft(transcript: Transcript, details: MeetingDetails, settings: Settings) -> Postmortem:
    """An engine that drafts nothing (`--engine bench.postmortem_eval:no_draft`): fills the ASR cache and
    shows the floor of every figure without starting the LLM."""
    return Postmortem(details=details)


def load_engine(spec: str) -> Engine:
    module, sep, name = spec.partition(":")
    if not sep or not module or not name:
        raise SystemExit(f"--engine must be module:function, got {spec!r}")
    engine: Engine = getattr(importlib.import_module(module), name)
    return engine


# --- running ----------------------------------------------------------------------------------------------


def run_meeting(meeting: Meeting, source: str, engine: Engine, settings: Settings) -> dict[str, Any]:
    cached = None
    asr_s = None
    if source == "asr":
        started = time.perf_counter()
        transcript, cached = asr_transcript(meeting, settings)
        asr_s = round(time.perf_counter() - started, 2)
    else:
        transcript = script_transcript(meeting)
    started = time.perf_counter()
    pm = engine(transcript, meeting.details, settings)
    elapsed = time.perf_counter() - started
    minutes = meeting.duration / 60
    result = score_postmortem(pm, meeting.expected)
    reference = " ".join(str(t["text"]) for t in meeting.turns)
    result["run"] = {
        "transcript": source,
        "segments": len(transcript.segments),
        "wer": round(wer(reference, transcript.text), 4) if source == "asr" else None,
        "asr_cached": cached,
        "asr_s": asr_s,
        "draft_s": round(elapsed, 2),
        "meeting_min": round(minutes, 2),
        "s_per_meeting_min": round(elapsed / minutes, 2) if minutes else None,
        "windows": len(pm.windows),
        "failed_windows": len(pm.failed_windows),
        "attempts": sum(w.attempts for w in pm.windows),
        "window_errors": [w.error for w in pm.windows if w.error],
    }
    return result


def git_revision() -> str | None:
    """HEAD's commit, with "+dirty" when the working tree has changes (others may be editing the engine)."""
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no", "--", "assistant", "prompts"],
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
    except OSError:
        return None
    if head.returncode:
        return None
    return head.stdout.strip() + ("+dirty" if dirty.stdout.strip() else "")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--meetings", default=",".join(LONG_MEETINGS), help="comma-separated fixture meetings")
    parser.add_argument("--transcripts", choices=("script", "asr"), default="script")
    parser.add_argument("--json", type=Path, default=DEFAULT_JSON, help=f"default {DEFAULT_JSON.relative_to(ROOT)}")
    parser.add_argument("--engine", default=DEFAULT_ENGINE, help="module:function(transcript, details, settings)")
    args = parser.parse_args(argv)
    names = [n.strip() for n in args.meetings.split(",") if n.strip()]
    unknown = [n for n in names if not (MEETINGS / n / "expected.json").is_file()]
    if unknown:
        print(f"error: no fixture meeting {unknown} in {MEETINGS}", file=sys.stderr)
        return 2
    engine = load_engine(args.engine)
    settings = load_settings()
    results: dict[str, Any] = {}
    for name in names:
        print(f"{name}: drafting from the {args.transcripts} transcript…", flush=True)
        results[name] = run_meeting(load_meeting(name), args.transcripts, engine, settings)
        print_table(name, results[name])
    pool = pooled(results.values())
    print_pooled(pool)
    report = {
        "date": dt.date.today().isoformat(),
        "engine": args.engine,
        "revision": git_revision(),
        "transcripts": args.transcripts,
        "text_threshold": TEXT_THRESHOLD,
        "settings": {
            "asr_model": settings.asr.model,
            "llm_model": settings.llm.model or settings.llm.gguf,
            "window_tokens": settings.llm.window_tokens,
        },
        "pooled": pool,
        "meetings": results,
    }
    args.json.parent.mkdir(parents=True, exist_ok=True)
    tmp = args.json.with_suffix(".tmp")
    tmp.write_text(json.dumps(report, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8")
    tmp.replace(args.json)
    print(f"\nwrote {args.json}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
