"""`assistant batch`: many recordings made into sessions (assistant/batch/), registered on the command
line by `assistant.cli`. Light: the batch package is imported only when the command runs."""

from __future__ import annotations

import argparse
from pathlib import Path

from assistant.cli_args import add_llm_options, add_model_options, settings_of


def job_count(value: str) -> int:
    try:
        jobs = int(value)
    except ValueError:
        jobs = 0
    if not 1 <= jobs <= 256:
        raise argparse.ArgumentTypeError(f"not a number of jobs between 1 and 256: {value!r}")
    return jobs


def add_batch_command(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "batch",
        help="process many recordings into sessions (files, folders, CSV/JSONL manifests; locally or on Ray)",
        description="Each recording becomes a session, as `process --session` makes one. Resumable: a ledger in "
        "the sessions folder remembers what is done; run the same command again to continue or retry.",
    )
    p.add_argument("inputs", nargs="+", type=Path, metavar="INPUT",
                   help="recordings, folders (searched recursively by audio extension) or manifests (.csv "
                   "with a path column, or .jsonl): path, title, date, attendees, incident_id…")  # fmt: skip
    p.add_argument("--sessions-dir", type=Path, help="where the sessions (and the batch ledger) are stored")
    p.add_argument("--jobs", type=job_count, help="recordings at once on this machine (default: one per core, "
                   "as far as memory allows beside the embedded LLM)")  # fmt: skip
    p.add_argument("--ray", metavar="auto|ADDRESS", help="run each recording as a Ray task (needs the `cluster` "
                   "extra): auto = this machine's cluster, or a local Ray started for the batch")  # fmt: skip
    p.add_argument("--retry-failed", action="store_true", help="retry recordings that failed too often before")
    p.add_argument("--no-speakers", action="store_true", help="do not attribute lines to speakers")
    p.add_argument("--json", action="store_true", help="JSON lines on stdout (one per recording, then a summary)")
    add_model_options(p)
    add_llm_options(p)
    p.set_defaults(handler=cmd_batch)


def cmd_batch(args: argparse.Namespace) -> int:
    from assistant.batch.report import BatchReport
    from assistant.batch.runner import BatchOptions, run_batch

    if args.ray is not None and args.jobs is not None:
        from assistant.errors import ConfigError

        raise ConfigError("--jobs is for this machine; with --ray the cluster's free resources decide")
    settings = settings_of(args)
    options = BatchOptions(list(args.inputs), settings, jobs=args.jobs, ray=args.ray, retry_failed=args.retry_failed)
    figures = run_batch(options, BatchReport(args.json))
    return 1 if figures["failed"] else 0
