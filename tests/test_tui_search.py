"""The home screen's search box over real sessions on disk: the hits of `assistant search` (same order,
the real CLI in another process), Enter opening the right session's review at the matching line or item,
a missing or damaged index rebuilt from the session files, hostile transcript text shown literally, and
typing or a bad query never setting off the home screen's keys or stopping the app."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rich.text import Text
from textual.pilot import Pilot
from textual.widgets import DataTable, Static

from assistant.search.index import SearchIndex, index_path
from assistant.session import Session
from assistant.tui.app import PostmortemApp, StartHome, create_app
from assistant.tui.screens.home import HomeScreen
from assistant.tui.screens.review import ReviewScreen
from assistant.tui.scripted import scripted_services
from assistant.tui.widgets.proposals import ProposalList
from assistant.tui.widgets.search_box import SearchBox
from assistant.tui.widgets.search_hits import SearchHits
from assistant.tui.widgets.transcript import EvidenceTranscript
from tests.support.cli import run_cli
from tests.support.many_sessions import DNS, lines, make_sessions
from tests.support.pilot import Scenario, drive, until
from tests.support.session_data import details
from tests.support.sessions import NOW

HOSTILE = "The [bold]pool[/] went [/] dry $(reboot) `id`"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    make_sessions(tmp_path / "sessions")
    return tmp_path / "sessions"


def hits(app: PostmortemApp) -> SearchHits:
    return app.screen.query_one(SearchHits)


def note(app: PostmortemApp) -> str:
    return str(app.screen.query_one("#search-status", Static).render())


async def search(app: PostmortemApp, pilot: Pilot[int], query: str) -> None:
    """`/`, type the query, Enter; wait for the worker's answer."""
    box = app.screen.query_one(SearchBox)
    asked = box.number
    await pilot.press("slash", *query, "enter")
    await until(pilot, lambda: box.answered > asked)


def cli_hits(root: Path, query: str) -> list[tuple[str, str | None, int | None, str | None]]:
    proc = run_cli("search", query, "--json", "--sessions-dir", str(root))
    assert proc.returncode == 0, proc.stderr
    return [(h["session"], h["kind"], h["segment_id"], h["item_id"]) for h in json.loads(proc.stdout)["hits"]]


def app_hits(app: PostmortemApp) -> list[tuple[str, str | None, int | None, str | None]]:
    line = "line"
    return [
        (h.session, h.kind, int(h.ref) if h.kind == line else None, None if h.kind == line else h.ref)
        for h in hits(app).hits
    ]


def run_home(root: Path, scenario: Scenario) -> PostmortemApp:
    return drive(create_app(scripted_services(root), StartHome()), HomeScreen, scenario, size=(120, 30))


def test_a_line_hit_opens_its_session_at_that_line(root: Path) -> None:
    assert not index_path(root).exists()  # no search yet: the first one builds the index

    async def scenario(app: PostmortemApp, pilot: Pilot[int]) -> None:
        await search(app, pilot, "descriptor limit")
        assert hits(app).display and app.focused is hits(app)
        assert app_hits(app) == cli_hits(root, "descriptor limit")  # the CLI's search, the CLI's ranking
        assert {h.session for h in hits(app).hits} == {DNS} and "2 hits" in note(app)
        row = next(n for n, h in enumerate(hits(app).hits) if h.kind == "line")
        cells = [str(c) for c in hits(app).get_row_at(row)]
        assert cells == [DNS, "00:10", "Lena", "Lena will raise the [descriptor] [limit] on every resolver."]
        hits(app).move_cursor(row=row)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ReviewScreen))
        assert app.session is not None and app.session.name == DNS
        shown = app.screen.query_one(EvidenceTranscript).highlighted_option
        assert shown is not None and shown.id == "seg-1"

    run_home(root, scenario)
    assert index_path(root).exists()


def test_an_item_hit_opens_the_review_on_that_item(root: Path) -> None:
    async def scenario(app: PostmortemApp, pilot: Pilot[int]) -> None:
        await search(app, pilot, "fallback")
        row = next(n for n, h in enumerate(hits(app).hits) if h.kind != "line")
        assert [str(c) for c in hits(app).get_row_at(row)][2] == "decision (proposed)"
        hits(app).move_cursor(row=row)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ReviewScreen))
        assert app.screen.query_one(ProposalList).current_id == "dec-fallback"

    run_home(root, scenario)


def test_a_damaged_index_is_rebuilt_from_the_sessions(root: Path) -> None:
    run_cli("search", "resolver", "--sessions-dir", str(root))  # the index now exists…
    index_path(root).write_bytes(b"not a database" * 100)  # …and is damaged

    async def scenario(app: PostmortemApp, pilot: Pilot[int]) -> None:
        await search(app, pilot, "certificate renewal")
        assert {h.session for h in hits(app).hits} == {"cert-expiry"} and len(hits(app).hits) >= 2

    run_home(root, scenario)
    with SearchIndex.connect(index_path(root)) as index:
        assert index.is_intact() and index.count() > 0


def test_hostile_text_in_a_hit_is_shown_literally(root: Path) -> None:
    with Session.create(root, details(), "hostile", now=NOW) as s:
        s.add_segments(lines([("[red]Eve[/red]", HOSTILE)]))

    async def scenario(app: PostmortemApp, pilot: Pilot[int]) -> None:
        await search(app, pilot, "dry")
        row = hits(app).get_row_at(0)
        assert [str(c) for c in row[:3]] == ["hostile", "00:00", "[red]Eve[/red]"]
        assert str(row[3]) == "The [bold]pool[/] went [/] [dry] $(reboot) `id`"
        assert all(isinstance(c, Text) and not c.spans for c in row)  # drawn as text, not as markup
        await pilot.pause()
        assert app.is_running

    run_home(root, scenario)


def test_typing_never_fires_home_keys_and_escape_closes(root: Path) -> None:
    async def scenario(app: PostmortemApp, pilot: Pilot[int]) -> None:
        await search(app, pilot, "nira zzzq")  # n, i, r, a are home keys: here they are letters
        assert isinstance(app.screen, HomeScreen) and "No matches for 'nira zzzq'" in note(app)
        assert not hits(app).display
        await pilot.press("escape")
        assert not app.screen.query_one("#search-status").display
        assert app.focused is app.screen.query_one("#sessions", DataTable)
        await search(app, pilot, '"!!"')  # no word in it: the CLI's one-line error, the app goes on
        assert "Nothing to search for" in note(app) and "-error" in app.screen.query_one("#search-status").classes
        assert app.is_running

    run_home(root, scenario)
