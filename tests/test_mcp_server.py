"""`assistant mcp` driven by the MCP SDK's own stdio client: the server lists its read-only tools, lists the
sessions, searches them, returns a postmortem as the JSON export and the open action items — and nothing it
is asked changes a session file. Without the `mcp` extra the command fails in one line naming it."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

import anyio
import pytest

from assistant.session import Session
from tests.support.cli import ROOT, assert_one_error_line, cli_env, run_cli
from tests.support.many_sessions import CERT, DNS, WEBHOOK, file_contents, make_sessions

mcp = pytest.importorskip("mcp", reason="the `mcp` extra is not installed")

from mcp import ClientSession, StdioServerParameters  # noqa: E402
from mcp.client.stdio import stdio_client  # noqa: E402

TOOLS = {"list_postmortem_sessions", "get_postmortem", "search", "list_open_action_items"}


def structured(result: Any) -> dict[str, Any]:
    assert not result.is_error, result.content
    if result.structured_content is not None:
        document: dict[str, Any] = result.structured_content
    else:
        document = json.loads(result.content[0].text)
    return document


async def drive(root: Path) -> dict[str, Any]:
    params = StdioServerParameters(
        command=sys.executable, args=["-m", "assistant", "mcp", "--sessions-dir", str(root)], env=cli_env(), cwd=ROOT
    )
    seen: dict[str, Any] = {}
    with anyio.fail_after(120):
        async with stdio_client(params) as (read, write), ClientSession(read, write) as client:
            await client.initialize()
            tools = (await client.list_tools()).tools
            seen["tools"] = {t.name: t for t in tools}
            seen["sessions"] = structured(await client.call_tool("list_postmortem_sessions", {}))
            seen["search"] = structured(await client.call_tool("search", {"query": "descriptor limit"}))
            seen["postmortem"] = structured(await client.call_tool("get_postmortem", {"session": DNS}))
            seen["open"] = structured(await client.call_tool("list_open_action_items", {"owner": "omar"}))
            seen["unknown"] = await client.call_tool("get_postmortem", {"session": "nosuch"})
    return seen


def test_the_sdk_client_lists_sessions_and_searches(tmp_path: Path) -> None:
    root = tmp_path / "sessions"
    make_sessions(root)
    files = file_contents(root)
    seen = anyio.run(drive, root)

    tools = seen["tools"]
    assert set(tools) == TOOLS
    assert all(t.annotations is not None and t.annotations.read_only_hint for t in tools.values())

    sessions = seen["sessions"]
    assert sessions["version"] == 1 and {s["name"] for s in sessions["sessions"]} == {WEBHOOK, DNS, CERT}

    search = seen["search"]
    assert search["version"] == 1 and search["hits"]
    first = search["hits"][0]
    assert first["session"] == DNS and "[descriptor] [limit]" in first["snippet"]
    assert {"time", "speaker", "start"} <= set(first)

    # The postmortem is the JSON export, review status and all.
    with Session.open(root, DNS, readonly=True) as s:
        exported = json.loads(s.postmortem.model_dump_json())
    assert seen["postmortem"]["action_items"] == exported["action_items"]

    assert [a["id"] for a in seen["open"]["actions"]] == [f"{DNS}/act-alert"]
    unknown = seen["unknown"]
    assert unknown.is_error and "No session named 'nosuch'" in unknown.content[0].text

    assert file_contents(root) == files  # nothing an agent asks changes a session


def test_without_the_extra_the_command_says_which_to_install(tmp_path: Path) -> None:
    # A module named `mcp` that fails to import, first on the path: as if the SDK were not installed.
    shadow = tmp_path / "no_mcp"
    shadow.mkdir()
    (shadow / "mcp.py").write_text("raise ModuleNotFoundError(\"No module named 'mcp'\", name='mcp')\n")
    path = os.pathsep.join(p for p in (str(shadow), os.environ.get("PYTHONPATH", "")) if p)
    proc = run_cli("mcp", "--sessions-dir", str(tmp_path / "sessions"), env={"PYTHONPATH": path})
    assert_one_error_line(proc, "postmortem-assistant[mcp]", exit_code=2)
