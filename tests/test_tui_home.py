"""Home screen, the meeting details form, importing a recording, help and the command palette."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Static

from assistant.domain.postmortem import ReviewStatus
from assistant.session import Session
from assistant.tui.app import PostmortemApp, StartHome, create_app
from assistant.tui.screens.details import DetailsScreen
from assistant.tui.screens.help import HelpScreen
from assistant.tui.screens.home import HomeScreen
from assistant.tui.screens.importing import ImportScreen
from assistant.tui.screens.live import LiveScreen
from assistant.tui.screens.review import ReviewScreen
from assistant.tui.scripted import (
    LINES,
    ScriptedImporter,
    ScriptedLive,
    scripted_services,
    seed_session,
)
from tests.support.pilot import Scenario, drive, until


def run_home(root: Path, scenario: Scenario, *, live: ScriptedLive | None = None,
             importer: ScriptedImporter | None = None) -> PostmortemApp:  # fmt: skip
    return drive(create_app(scripted_services(root, live=live, importer=importer), StartHome()), HomeScreen, scenario)


def status(app: PostmortemApp) -> str:
    return str(app.screen.query_one("#status-line", Static).render())


def rows(app: PostmortemApp) -> list[list[str]]:
    table = app.screen.query_one(DataTable)
    return [[str(c) for c in table.get_row_at(n)] for n in range(table.row_count)]


def test_sessions_are_listed_with_their_state(tmp_path: Path) -> None:
    seed_session(tmp_path, "finished")
    seed_session(tmp_path, "cut-off", state="interrupted")
    (tmp_path / "broken").mkdir()

    async def scenario(app: PostmortemApp, pilot: Pilot[int]) -> None:
        table = {r[0]: r for r in rows(app)}
        assert table["finished"][2:] == ["finalised", "01:05", "7", "0"]
        assert table["cut-off"][2] == "interrupted"
        assert table["broken"][2] == "corrupt"

    run_home(tmp_path, scenario)


def test_open_review_and_come_back_releases_the_session(tmp_path: Path) -> None:
    seed_session(tmp_path, "finished")

    async def scenario(app: PostmortemApp, pilot: Pilot[int]) -> None:
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ReviewScreen))
        await pilot.press("a")
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, HomeScreen))
        assert app.session is None
        # Not owned any more: another process could open it for writing now.
        Session.open(tmp_path, "finished").close()
        await until(pilot, lambda: rows(app)[0][5] == "1")  # the list shows the new count

    run_home(tmp_path, scenario)


def test_a_corrupt_session_is_explained_not_opened(tmp_path: Path) -> None:
    (tmp_path / "broken").mkdir()

    async def scenario(app: PostmortemApp, pilot: Pilot[int]) -> None:
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert "damaged" in status(app)

    run_home(tmp_path, scenario)


def test_resume_an_interrupted_session(tmp_path: Path) -> None:
    seed_session(tmp_path, "cut-off", state="interrupted")

    async def scenario(app: PostmortemApp, pilot: Pilot[int]) -> None:
        await pilot.press("r")
        await until(pilot, lambda: isinstance(app.screen, LiveScreen))
        screen = app.screen
        assert isinstance(screen, LiveScreen) and screen.resumed
        await until(pilot, lambda: screen.phase == "recording")
        with Session.open(tmp_path, "cut-off", readonly=True) as session:
            assert session.state == "recording"

    run_home(tmp_path, scenario)


def test_new_meeting_form_validates_then_starts(tmp_path: Path) -> None:
    async def scenario(app: PostmortemApp, pilot: Pilot[int]) -> None:
        await pilot.press("n")
        await until(pilot, lambda: isinstance(app.screen, DetailsScreen))
        form = app.screen
        form.query_one("#f-facilitator", Input).value = "Lisa"
        form.query_one("#f-attendees", Input).value = "Tom, Peter,"
        form.query_one("#f-incident_date", Input).value = "last monday"
        form.query_one("#f-planned", Input).value = "45"
        form.query_one("#f-session", Input).value = "tls-review"
        await pilot.press("ctrl+s")
        assert "Incident date: use YYYY-MM-DD" in status(app)
        assert app.focused is form.query_one("#f-incident_date", Input)
        await pilot.press("home", "ctrl+k", *"2025-03-10", "ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, LiveScreen))

    run_home(tmp_path, scenario)
    with Session.open(tmp_path, "tls-review", readonly=True) as session:
        d = session.details
        assert d.attendees == ["Lisa", "Tom", "Peter"]  # the facilitator is an attendee too
        assert (d.planned_duration_min, d.incident_date.isoformat() if d.incident_date else None) == (45, "2025-03-10")
        assert d.date is not None and d.date.isoformat() == "2025-03-12"  # today, from the injected clock


def test_no_microphone_is_reported_and_nothing_is_created(tmp_path: Path) -> None:
    live = ScriptedLive(input_error="no audio input device found")

    async def scenario(app: PostmortemApp, pilot: Pilot[int]) -> None:
        await pilot.press("n")
        await until(pilot, lambda: isinstance(app.screen, DetailsScreen))
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, DetailsScreen)  # still here, with the error as a notification
        assert any("no audio input device" in n.message for n in app._notifications)

    run_home(tmp_path, scenario, live=live)
    assert not [p for p in tmp_path.iterdir() if not p.name.startswith(".")]


def _recording(tmp_path: Path) -> Path:
    path = tmp_path / "meeting.flac"
    path.write_bytes(b"not really audio: the scripted importer does not read it")
    return path


def test_import_a_recording_then_review(tmp_path: Path) -> None:
    recording = _recording(tmp_path)
    root = tmp_path / "sessions"

    async def scenario(app: PostmortemApp, pilot: Pilot[int]) -> None:
        await pilot.press("i")
        await until(pilot, lambda: isinstance(app.screen, DetailsScreen))
        app.screen.query_one("#f-recording", Input).value = str(recording)
        app.screen.query_one("#f-attendees", Input).value = "Lisa, Tom, Peter"
        app.screen.query_one("#f-session", Input).value = "imported"
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, ReviewScreen))

    run_home(root, scenario)
    with Session.open(root, "imported", readonly=True) as session:
        assert session.state == "finalised"
        assert len(session.transcript.segments) == len(LINES)
        assert session.details.recording == "meeting.flac" and session.details.duration_s == 66.0
        assert session.postmortem.find("act-jobs") is not None


def test_import_failure_keeps_the_transcript(tmp_path: Path) -> None:
    recording = _recording(tmp_path)
    importer = ScriptedImporter(draft_error="the LLM server did not answer")

    async def scenario(app: PostmortemApp, pilot: Pilot[int]) -> None:
        await pilot.press("i")
        await until(pilot, lambda: isinstance(app.screen, DetailsScreen))
        app.screen.query_one("#f-recording", Input).value = str(recording)
        app.screen.query_one("#f-session", Input).value = "half"
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, ImportScreen) and "Import failed" in status(app))
        assert "did not answer" in status(app) and "r reviews it" in status(app)
        await pilot.press("r")
        await until(pilot, lambda: isinstance(app.screen, ReviewScreen))

    run_home(tmp_path, scenario, importer=importer)
    with Session.open(tmp_path, "half", readonly=True) as session:
        assert len(session.transcript.segments) == len(LINES)
        assert not session.postmortem.all_items()


def test_import_can_be_cancelled_while_extracting(tmp_path: Path) -> None:
    recording = _recording(tmp_path)
    importer = ScriptedImporter(gate=threading.Event())  # extraction never finishes by itself

    async def scenario(app: PostmortemApp, pilot: Pilot[int]) -> None:
        await pilot.press("i")
        await until(pilot, lambda: isinstance(app.screen, DetailsScreen))
        app.screen.query_one("#f-recording", Input).value = str(recording)
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, ImportScreen) and "Drafting" in status(app))
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, HomeScreen))
        await app.workers.wait_for_complete()  # the thread noticed the cancellation and ended

    run_home(tmp_path, scenario, importer=importer)


def test_form_refuses_a_missing_recording(tmp_path: Path) -> None:
    async def scenario(app: PostmortemApp, pilot: Pilot[int]) -> None:
        await pilot.press("i")
        await until(pilot, lambda: isinstance(app.screen, DetailsScreen))
        await pilot.press("ctrl+s")
        assert "Which recording?" in status(app)
        app.screen.query_one("#f-recording", Input).value = str(tmp_path / "nope.wav")
        await pilot.press("ctrl+s")
        assert "No such file" in status(app)
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, HomeScreen))

    run_home(tmp_path, scenario)


@pytest.mark.parametrize("open_keys", [(), ("enter",)])
def test_help_lists_the_keys_of_the_screen_below(tmp_path: Path, open_keys: tuple[str, ...]) -> None:
    seed_session(tmp_path, "finished")

    async def scenario(app: PostmortemApp, pilot: Pilot[int]) -> None:
        await pilot.press(*open_keys)
        await pilot.pause()
        below = app.screen
        await pilot.press("question_mark")
        await until(pilot, lambda: isinstance(app.screen, HelpScreen))
        help_screen = app.screen
        assert isinstance(help_screen, HelpScreen)
        keys = dict(help_screen.keys)
        if isinstance(below, ReviewScreen):
            assert keys["a"] == "Accept" and keys["A"] == "Bulk accept" and keys["f"] == "Next flagged"
        else:
            assert keys["n"] == "New meeting" and keys["i"] == "Import"
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is below)

    run_home(tmp_path, scenario)


def test_every_review_key_is_a_palette_command(tmp_path: Path) -> None:
    seed_session(tmp_path, "finished")

    async def scenario(app: PostmortemApp, pilot: Pilot[int]) -> None:
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ReviewScreen))
        commands = {c.title: c for c in app.get_system_commands(app.screen)}
        assert {"Accept", "Reject", "Edit", "Bulk accept", "Undo", "Export", "Evidence", "Help"} <= set(commands)
        await commands["Accept"].callback()  # runs the same action as the key
        with Session.open(tmp_path, "finished", readonly=True) as session:
            assert session.postmortem.action_items[0].status is ReviewStatus.ACCEPTED

    run_home(tmp_path, scenario)


def test_next_session_continues_a_live_recording_into_the_same_postmortem(tmp_path: Path) -> None:
    """C on the home screen is `record --continue`: refused in the status line for a session without a
    live recording; with one, the next session is marked where the recording ends and recording resumes."""
    import wave

    seed_session(tmp_path, "imported")
    seed_session(tmp_path, "recorded")
    with Session.open(tmp_path, "recorded", readonly=True) as session:
        audio = session.audio_path
    with wave.open(str(audio), "wb") as f:
        f.setnchannels(1)
        f.setsampwidth(2)
        f.setframerate(16000)
        f.writeframes(b"\0\0" * 16000 * 3)

    async def scenario(app: PostmortemApp, pilot: Pilot[int]) -> None:
        home = app.screen
        assert isinstance(home, HomeScreen)
        home.query_one(DataTable).move_cursor(row=[r[0] for r in rows(app)].index("imported"))
        await pilot.press("C")
        await pilot.pause()
        assert "has no live recording to continue" in status(app)
        home.query_one(DataTable).move_cursor(row=[r[0] for r in rows(app)].index("recorded"))
        await pilot.press("C")
        await until(pilot, lambda: isinstance(app.screen, LiveScreen))
        screen = app.screen
        assert isinstance(screen, LiveScreen) and screen.resumed

    run_home(tmp_path, scenario)
    with Session.open(tmp_path, "recorded", readonly=True) as session:
        assert [(p.index, p.start_s) for p in session.details.parts] == [(1, 0.0), (2, 3.0)]
