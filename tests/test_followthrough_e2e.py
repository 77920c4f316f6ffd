"""Issue 14's "done when", automated once: a fixture meeting that says "connection pool" processed into a
session by the real CLI and the real speech model (a canned answer for the hybrid engine's one summary
call), beside three sessions made with the session API. Then, each through the real CLI in a new process:
the Jira export of that session with proposed items, `actions --open --include-proposed --json` listing
the items of every session, `search "connection pool"` finding the line with its session and time, and
the MCP SDK's own client listing the sessions."""

from __future__ import annotations

import csv
import io
import json
import sys
from pathlib import Path
from typing import Any

import anyio
import pytest

from assistant.domain.postmortem import Postmortem
from tests.support.cli import ROOT, cli_env, run_cli
from tests.support.fixture_meetings import load_meeting
from tests.support.many_sessions import CERT, DNS, WEBHOOK, make_sessions

SUMMARY = json.dumps({"summary": "A checkout deploy lowered a limit; checkout failed until it was rolled back."})
JIRA_COLUMNS = {"Summary", "Description", "Assignee", "Due date", "Labels", "Priority"}


async def mcp_sessions(root: Path) -> dict[str, Any]:
    from mcp import ClientSession, StdioServerParameters
    from mcp.client.stdio import stdio_client

    params = StdioServerParameters(
        command=sys.executable, args=["-m", "assistant", "mcp", "--sessions-dir", str(root)], env=cli_env(), cwd=ROOT
    )
    with anyio.fail_after(120):
        async with stdio_client(params) as (read, write), ClientSession(read, write) as client:
            await client.initialize()
            result = await client.call_tool("list_postmortem_sessions", {})
    assert not result.is_error, result.content
    document: dict[str, Any] = result.structured_content or json.loads(result.content[0].text)  # type: ignore[union-attr]
    return document


def cli_json(*args: str) -> dict[str, Any]:
    proc = run_cli(*args, "--json")
    assert proc.returncode == 0, proc.stderr
    document: dict[str, Any] = json.loads(proc.stdout)
    return document


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_a_processed_meeting_is_exported_listed_searched_and_served(tmp_path: Path) -> None:
    from tests.support.canned_llm import CannedLlm

    pytest.importorskip("mcp", reason="the `mcp` extra is not installed")
    meeting = load_meeting("demo")
    root, out = tmp_path / "sessions", tmp_path / "out"
    make_sessions(root)
    with CannedLlm(SUMMARY) as llm:
        proc = run_cli(
            "process", str(meeting.audio), "-o", str(out), "--session", "demo", "--sessions-dir", str(root),
            "--no-speakers", "--attendees", ",".join(meeting.attendees),
            "--meeting-date", meeting.meeting_date.isoformat(), "--incident-id", meeting.header["incident_id"],
            "--llm-url", llm.base_url, "--llm-model", "canned", "--structured-output", "json_object",
            timeout=850,
        )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-2000:]
    draft = Postmortem.model_validate_json((out / "meeting.postmortem.json").read_text(encoding="utf-8"))
    actions = {a.action for a in draft.action_items}
    assert actions, "the demo meeting has action items"

    jira = run_cli("export", "demo", "--format", "jira", "--include-proposed", "--sessions-dir", str(root))
    assert jira.returncode == 0, jira.stderr
    rows = list(csv.reader(io.StringIO(jira.stdout)))
    assert set(rows[0]) == JIRA_COLUMNS
    summary = rows[0].index("Summary")
    assert {r[summary] for r in rows[1:]} <= actions and len(rows) - 1 == len(actions)
    assert all(meeting.header["incident_id"] in r for r in rows[1:])

    listed = cli_json("actions", "--open", "--include-proposed", "--sessions-dir", str(root))
    assert {a["session"] for a in listed["actions"]} == {"demo", WEBHOOK, DNS, CERT}
    assert {a["action"] for a in listed["actions"] if a["session"] == "demo"} == actions

    found = cli_json("search", "connection pool", "--sessions-dir", str(root))
    line = next(h for h in found["hits"] if h["kind"] == "line")
    assert line["session"] == "demo" and "[connection] [pool]" in line["snippet"] and line["time"], found

    served = anyio.run(mcp_sessions, root)
    assert {s["name"] for s in served["sessions"]} == {"demo", WEBHOOK, DNS, CERT}
