"""The app's prepare dialog (home screen, `p`): the fixture draft brought into a new session as
`assistant prepare` does it, read back from disk; a file that is not a draft is one line in the dialog
and nothing is created."""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Input, Static

from assistant.session import Session
from assistant.tui.app import PostmortemApp, StartHome, create_app
from assistant.tui.screens.home import HomeScreen
from assistant.tui.screens.prepare import PrepareDialog, name_for
from assistant.tui.scripted import scripted_services
from tests.support.cli import ROOT
from tests.support.pilot import drive, until

DRAFT = ROOT / "fixtures" / "drafts" / "search-index" / "draft.md"


async def fill(app: PostmortemApp, pilot: Pilot[int], path: str, name: str | None = None) -> None:
    await pilot.press("p")
    await until(pilot, lambda: isinstance(app.screen, PrepareDialog))
    app.screen.query_one("#prepare-file", Input).value = path
    await pilot.press("enter")
    if name is not None:
        app.screen.query_one("#prepare-name", Input).value = name
    await pilot.press("enter")


def test_a_draft_becomes_a_prepared_session(tmp_path: Path) -> None:
    async def scenario(app: PostmortemApp, pilot: Pilot[int]) -> None:
        await fill(app, pilot, str(DRAFT), "inc-search")
        await until(pilot, lambda: isinstance(app.screen, HomeScreen))
        home = app.screen
        assert isinstance(home, HomeScreen) and home.selected == "inc-search"

    drive(create_app(scripted_services(tmp_path), StartHome()), HomeScreen, scenario)
    with Session.open(tmp_path, "inc-search", readonly=True) as s:
        rows = s.postmortem.timeline
        assert rows and all(r.origin == "draft" for r in rows)
        assert s.state == "finalised" and not s.transcript.segments


def test_not_a_draft_is_one_line_and_nothing_is_made(tmp_path: Path) -> None:
    junk = tmp_path / "notes.md"
    junk.write_text("# Shopping\n\n- milk\n- [bold]eggs[/]\n")

    async def scenario(app: PostmortemApp, pilot: Pilot[int]) -> None:
        await fill(app, pilot, str(junk))
        assert isinstance(app.screen, PrepareDialog)
        error = str(app.screen.query_one("#prepare-error", Static).render())
        assert error and "\n" not in error.strip()
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, HomeScreen))

    drive(create_app(scripted_services(tmp_path / "s"), StartHome()), HomeScreen, scenario)
    assert not (tmp_path / "s").exists() or not any(p for p in (tmp_path / "s").iterdir() if not p.name.startswith("."))


def test_the_name_comes_from_the_file() -> None:
    assert name_for(Path("/x/inc-2041.postmortem.md")) == "inc-2041"
    assert name_for(Path("Incident review (draft).json")) == "Incident-review-draft"
