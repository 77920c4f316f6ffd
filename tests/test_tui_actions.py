"""The app's action items screen over real sessions on disk (three sessions made with the session API):
the same items as `assistant actions`, the keyboard filters, done / reopen saved in the session and seen
by the real CLI in a new process, a refused change reported without losing anything, hostile quotes
shown literally, and Enter opening the item's session review on that item."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from rich.text import Text
from textual.coordinate import Coordinate
from textual.message import Message
from textual.pilot import Pilot
from textual.widgets import DataTable, Static

from assistant.domain.postmortem import Postmortem, ReviewStatus
from assistant.session import Session
from assistant.tui.app import PostmortemApp, StartHome, create_app
from assistant.tui.screens.actions import ActionsLoaded, ActionsScreen
from assistant.tui.screens.help import HelpScreen
from assistant.tui.screens.home import HomeScreen
from assistant.tui.screens.review import ReviewScreen
from assistant.tui.scripted import scripted_services
from assistant.tui.widgets.proposals import ProposalList
from tests.support.cli import ROOT, cli_env, run_cli
from tests.support.many_sessions import CERT, DNS, WEBHOOK, action, file_contents, lines, make_sessions
from tests.support.pilot import Scenario, drive, until
from tests.support.session_data import details
from tests.support.sessions import NOW

ACCEPTED = {f"{WEBHOOK}/act-cap", f"{DNS}/act-limit", f"{DNS}/act-alert", f"{CERT}/act-renew"}
PROPOSED = {f"{WEBHOOK}/act-review", f"{DNS}/act-cache"}
HOSTILE = "[bold]Mallory[/] will fix [/] the [link=x]pool[/link] $(rm -rf ~)"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    make_sessions(tmp_path / "sessions")
    return tmp_path / "sessions"


def run_actions(root: Path, scenario: Scenario) -> PostmortemApp:
    """Home, `a`, wait for the worker's rows, then `scenario`."""

    async def go(app: PostmortemApp, pilot: Pilot[int]) -> None:
        await pilot.press("a")
        await until(pilot, lambda: isinstance(app.screen, ActionsScreen) and app.screen.loaded)
        await scenario(app, pilot)

    return drive(create_app(scripted_services(root), StartHome()), HomeScreen, go, size=(120, 30))


def shown_ids(app: PostmortemApp) -> set[str]:
    table = app.screen.query_one("#actions", DataTable)
    return {str(table.coordinate_to_cell_key(Coordinate(n, 0)).row_key.value) for n in range(table.row_count)}


def cells(app: PostmortemApp, action_id: str) -> list[str]:
    table = app.screen.query_one("#actions", DataTable)
    return [str(c) for c in table.get_row(action_id)]


def status(app: PostmortemApp) -> str:
    return str(app.screen.query_one("#status-line", Static).render())


async def select(app: PostmortemApp, pilot: Pilot[int], action_id: str) -> None:
    table = app.screen.query_one("#actions", DataTable)
    table.move_cursor(row=table.get_row_index(action_id))
    await pilot.pause()


def cli_actions(root: Path, *flags: str) -> dict[str, dict[str, Any]]:
    """`assistant actions --json` as a user runs it, in a new process: the items by ID."""
    proc = run_cli("actions", *flags, "--json", "--sessions-dir", str(root))
    assert proc.returncode == 0, proc.stderr
    return {a["id"]: a for a in json.loads(proc.stdout)["actions"]}


def test_the_list_is_the_cli_list_and_the_keys_filter_it(root: Path) -> None:
    async def scenario(app: PostmortemApp, pilot: Pilot[int]) -> None:
        assert shown_ids(app) == set(cli_actions(root)) == ACCEPTED
        # Session, incident, owner, due, status, quote (with the time it was said). Today is 2025-03-12.
        assert cells(app, f"{DNS}/act-limit") == [
            DNS, "INC-51", "Lena", "2021-06-01", "OVERDUE",
            "00:10 \u201cLena will raise the descriptor limit on every resolver\u201d",
        ]  # fmt: skip
        await pilot.press("p")  # proposed too (rejected never)
        assert shown_ids(app) == ACCEPTED | PROPOSED == set(cli_actions(root, "--include-proposed"))
        assert cells(app, f"{DNS}/act-cache")[4] == "open (proposed)"
        await pilot.press("p", "v")  # overdue only
        assert shown_ids(app) == {f"{DNS}/act-limit"}
        await pilot.press("v", "w")  # the first owner by name: Karen
        assert shown_ids(app) == {f"{WEBHOOK}/act-cap"} == set(cli_actions(root, "--owner", "karen"))
        assert "owner Karen" in str(app.screen.query_one("#actions-filter", Static).render())
        for _ in range(4):  # Lena, Omar, Priya, then everyone again
            await pilot.press("w")
        assert shown_ids(app) == ACCEPTED

    run_actions(root, scenario)


def test_done_in_the_app_is_what_the_cli_sees(root: Path) -> None:
    limit = f"{DNS}/act-limit"

    async def scenario(app: PostmortemApp, pilot: Pilot[int]) -> None:
        await select(app, pilot, limit)
        await pilot.press("d")
        assert "Marked done: Raise the descriptor limit" in status(app)
        assert cells(app, limit)[4] == "done"
        # Saved when the key returns: the real CLI, another process, sees it now.
        assert cli_actions(root)[limit]["status"] == "done"
        assert limit not in cli_actions(root, "--open")
        await pilot.press("t")  # open only: the done item goes
        assert shown_ids(app) == ACCEPTED - {limit}
        await pilot.press("t")
        await select(app, pilot, limit)
        await pilot.press("o")
        assert cells(app, limit)[4] == "OVERDUE" and "Marked open" in status(app)
        assert cli_actions(root)[limit]["status"] == "open"

    run_actions(root, scenario)
    with Session.open(root, DNS, readonly=True) as s:
        found = s.postmortem.find("act-limit")
        assert found is not None and found.status is ReviewStatus.ACCEPTED  # the review decision is untouched


def test_a_session_owned_elsewhere_is_refused_and_nothing_changes(root: Path) -> None:
    files = file_contents(root)

    async def scenario(app: PostmortemApp, pilot: Pilot[int]) -> None:
        await select(app, pilot, f"{CERT}/act-renew")
        # Another process owns the session (recording or reviewing it): the CLI's own lock refuses.
        owner = run_cli_holding(root, CERT)
        try:
            await pilot.press("d")
            assert app.is_running and "-error" in app.screen.query_one("#status-line").classes
            assert cells(app, f"{CERT}/act-renew")[4] == "open"
        finally:
            owner.communicate(timeout=30)  # closes its stdin: it lets the session go

    run_actions(root, scenario)
    assert file_contents(root) == files


def run_cli_holding(root: Path, name: str) -> subprocess.Popen[str]:
    """A child process that opens session `name` as its owner and holds it until its stdin closes."""
    code = (
        "import sys; from pathlib import Path; from assistant.session import Session\n"
        f"s = Session.open(Path({str(root)!r}), {name!r}); print('owned', flush=True); sys.stdin.read(); s.close()"
    )
    child = subprocess.Popen(
        [sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=ROOT,
        env=cli_env(),
    )  # fmt: skip
    assert child.stdout is not None and child.stdout.readline().strip() == "owned"
    return child


def test_hostile_quotes_are_shown_literally(root: Path) -> None:
    spoken = [("Mallory", HOSTILE)]
    with Session.create(root, details(incident_id="INC-[/]"), "hostile", now=NOW) as s:
        s.add_segments(lines(spoken))
        s.merge_proposals(Postmortem(action_items=[action("act-x", "Fix [/] it", "Mallory", None, 0, HOSTILE)]))
        s.set_status("act-x", ReviewStatus.ACCEPTED)

    async def scenario(app: PostmortemApp, pilot: Pilot[int]) -> None:
        row = cells(app, "hostile/act-x")
        assert row[1] == "INC-[/]" and HOSTILE.rstrip(".") in row[5]
        # Text cells without styles: as markup "[/]" would raise when drawn and "[bold]" would vanish.
        drawn = app.screen.query_one("#actions", DataTable).get_row("hostile/act-x")
        assert all(isinstance(c, Text) and not c.spans for c in drawn)
        await pilot.pause()
        assert app.is_running
        await select(app, pilot, "hostile/act-x")
        detail = str(app.screen.query_one("#action-detail", Static).render())
        assert detail == f"Fix [/] it\n00:00 Mallory: \u201c{HOSTILE.rstrip('.')}\u201d"  # the quote in full
        await pilot.press("d")  # re-rendered after a change: still literal, still running
        assert cells(app, "hostile/act-x")[4] == "done" and HOSTILE in cells(app, "hostile/act-x")[5]

    run_actions(root, scenario)


def test_enter_opens_the_items_session_on_that_item(root: Path) -> None:
    async def scenario(app: PostmortemApp, pilot: Pilot[int]) -> None:
        await select(app, pilot, f"{DNS}/act-alert")
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ReviewScreen))
        assert app.session is not None and app.session.name == DNS
        assert app.screen.query_one(ProposalList).current_id == "act-alert"
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, HomeScreen))
        assert app.session is None

    run_actions(root, scenario)


def test_the_keys_are_in_the_footer_and_the_help(root: Path) -> None:
    async def scenario(app: PostmortemApp, pilot: Pilot[int]) -> None:
        await pilot.press("question_mark")
        await until(pilot, lambda: isinstance(app.screen, HelpScreen))
        help_screen = app.screen
        assert isinstance(help_screen, HelpScreen)
        keys = dict(help_screen.keys)
        assert keys["d"] == "Done" and keys["o"] == "Reopen" and keys["t"] == "Open only" and keys["w"] == "Owner"
        await pilot.press("escape", "escape")
        await until(pilot, lambda: isinstance(app.screen, HomeScreen))
        await pilot.press("question_mark")
        await until(pilot, lambda: isinstance(app.screen, HelpScreen))
        keys = dict(app.screen.keys)  # type: ignore[attr-defined]
        assert keys["a"] == "Actions" and keys["/"] == "Search"

    run_actions(root, scenario)


def test_an_unreadable_session_is_named_and_the_others_listed(root: Path) -> None:
    (root / "broken").mkdir()

    async def scenario(app: PostmortemApp, pilot: Pilot[int]) -> None:
        assert shown_ids(app) == ACCEPTED
        assert "broken" in status(app) and "-error" in app.screen.query_one("#status-line").classes

    run_actions(root, scenario)


def test_the_rows_arrive_as_one_message_from_the_loading_worker(root: Path) -> None:
    seen: list[set[str]] = []

    def hook(message: Message) -> None:
        if isinstance(message, ActionsLoaded):
            seen.append({r.id for r in message.rows})

    async def go() -> None:
        app = create_app(scripted_services(root), StartHome())
        async with app.run_test(size=(120, 30), message_hook=hook) as pilot:
            await until(pilot, lambda: isinstance(app.screen, HomeScreen))
            await pilot.press("a")
            await until(pilot, lambda: isinstance(app.screen, ActionsScreen) and app.screen.loaded)
            assert {w.name for w in app.screen.workers} <= {"_load"}  # the worker, by its method's name

    asyncio.run(go())
    assert seen == [ACCEPTED | PROPOSED]  # everything once; the filters apply on the UI thread
