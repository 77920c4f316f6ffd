"""The cross-session commands — `actions` (list, done, reopen), `search` and `mcp` — registered on the
command line by `assistant.cli`. Light: each handler imports what it runs only when it runs."""

from __future__ import annotations

import argparse
from pathlib import Path

from assistant.cli_args import add_storage_options, sessions_root

MAX_LIMIT = 500


def hit_limit(value: str) -> int:
    try:
        limit = int(value)
    except ValueError:
        limit = 0
    if not 1 <= limit <= MAX_LIMIT:
        raise argparse.ArgumentTypeError(f"not a number of hits between 1 and {MAX_LIMIT}: {value!r}")
    return limit


def add_query_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("actions", help="accepted action items of every session; `actions done ID` marks one done")
    p.add_argument("--owner", help="only this owner's items (case ignored)")
    p.add_argument("--open", dest="open_only", action="store_true", help="only items whose work is not done")
    p.add_argument("--overdue", action="store_true", help="only open items whose resolved due date is before today")
    p.add_argument("--include-proposed", action="store_true", help="also items not reviewed yet")
    p.add_argument("--json", action="store_true", help="versioned JSON (see README, JSON output)")
    add_storage_options(p)
    verbs = p.add_subparsers(dest="verb", metavar="{done,reopen}")
    for verb, text in (("done", "mark an action item's work done"), ("reopen", "mark a done action item open again")):
        v = verbs.add_parser(verb, help=text, description=f"{text} (saved in its session)")
        v.add_argument("id", help="SESSION/ITEM, as `assistant actions` lists it")
        # SUPPRESS: given before the verb, the value is kept (argparse would reset it to the default).
        v.add_argument("--sessions-dir", type=Path, default=argparse.SUPPRESS, help="folder of sessions")
        v.add_argument("--config", type=Path, default=argparse.SUPPRESS, help="TOML config file")
    p.set_defaults(handler=cmd_actions)

    p = sub.add_parser("search", help="search the transcripts and items of every session (ranked)")
    p.add_argument("query", nargs="+", help='words that must all occur; "a phrase" in quotes; word* for a prefix')
    p.add_argument("--limit", type=hit_limit, default=20, help="at most this many hits (default 20)")
    p.add_argument("--json", action="store_true", help="versioned JSON (see README, JSON output)")
    p.add_argument("--reindex", action="store_true", help="rebuild the search index from the session files first")
    add_storage_options(p)
    p.set_defaults(handler=cmd_search)

    p = sub.add_parser("mcp", help="MCP server on stdio: read-only tools over the sessions (needs the `mcp` extra)")
    add_storage_options(p)
    p.set_defaults(handler=cmd_mcp)


def cmd_actions(args: argparse.Namespace) -> int:
    from assistant.query_output import run_action_status, run_actions
    from assistant.session.actions import ActionFilter

    root = sessions_root(args)
    if args.verb is not None:
        return run_action_status(root, args.id, "done" if args.verb == "done" else "open")
    where = ActionFilter(args.owner, args.open_only, args.overdue, args.include_proposed)
    return run_actions(root, where, as_json=args.json)


def cmd_search(args: argparse.Namespace) -> int:
    from assistant.query_output import run_search

    query = " ".join(args.query)
    return run_search(sessions_root(args), query, limit=args.limit, as_json=args.json, rebuild=args.reindex)


def cmd_mcp(args: argparse.Namespace) -> int:
    from assistant.mcp_server import serve

    serve(sessions_root(args))
    return 0
