"""The speakers screen (name, merge, split), driven by keys through Pilot with scripted services.

Assertions read the session back from disk: a change must be saved when the key press returns, and
a restarted app must show the same names.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Input, OptionList

from assistant.domain.postmortem import ActionItem, Flag
from assistant.session import Session
from assistant.speakers.names import SpeakerNames
from assistant.tui.app import PostmortemApp, StartLive, create_app
from assistant.tui.navigation import MeetingSetup
from assistant.tui.screens.help import HelpScreen
from assistant.tui.screens.live import LiveScreen
from assistant.tui.screens.naming import NameDialog, PickSpeakerDialog
from assistant.tui.screens.review import ReviewScreen
from assistant.tui.screens.speakers import SpeakersScreen
from assistant.tui.scripted import (
    LINES,
    SCRIPTED_SPEAKERS_OFF,
    ScriptedLive,
    demo_details,
    scripted_services,
    seed_session,
)
from assistant.tui.widgets.transcript import EvidenceTranscript
from tests.support.pilot import Scenario, until
from tests.support.pilot import run_review as review_session

NAME = "inc-2041-speakers"
# What diarization might have made of the demo meeting: Lisa S1, Tom split in two (S2 and S4), Peter
# S3, and Peter's "I'll update the runbook" (segment 8) wrongly given to Lisa's S1.
DIARIZED = {"Lisa": "S1", "Tom": "S2", "Peter": "S3"}
RUNBOOK_LINE = 8
TOM_LAST_LINE = 9


def diarized_lines() -> list[tuple[str, str]]:
    lines = []
    for n, (who, text) in enumerate(LINES):
        label = DIARIZED.get(who, "")
        if n == RUNBOOK_LINE:
            label = "S1"
        elif n == TOM_LAST_LINE:
            label = "S4"
        lines.append((label, text))
    return lines


def run_review(root: Path, scenario: Scenario, size: tuple[int, int] = (80, 24)) -> None:
    review_session(root, NAME, scenario, size=size)


def saved(root: Path) -> SpeakerNames:
    with Session.open(root, NAME, readonly=True) as session:
        return session.speakers


def runbook_owner(root: Path) -> tuple[str | None, list[Flag]]:
    with Session.open(root, NAME, readonly=True) as session:
        item = session.postmortem.find("act-runbook")
        assert isinstance(item, ActionItem)
        return item.owner, list(item.flags)


def speaker_rows(app: PostmortemApp) -> list[str]:
    listing = app.screen.query_one("#speaker-list", OptionList)
    return [str(listing.get_option_at_index(i).prompt) for i in range(listing.option_count)]


async def open_speakers(app: PostmortemApp, pilot: Pilot[int]) -> SpeakersScreen:
    await pilot.press("S")
    await until(pilot, lambda: isinstance(app.screen, SpeakersScreen))
    screen = app.screen
    assert isinstance(screen, SpeakersScreen)
    return screen


def test_name_merge_split_are_saved_and_survive_a_restart(tmp_path: Path) -> None:
    root = tmp_path / "sessions"
    seed_session(root, NAME, lines=diarized_lines())
    assert runbook_owner(root)[1] == [Flag.OWNER_UNCONFIRMED]  # "I'll …" by an unnamed speaker

    async def scenario(app: PostmortemApp, pilot: Pilot[int]) -> None:
        screen = await open_speakers(app, pilot)
        assert [r.split()[0] for r in speaker_rows(app)] == ["S1", "S2", "S3", "S4"]

        # Name: S1 is Lisa, picked from the attendees.
        await pilot.press("n")
        await until(pilot, lambda: isinstance(app.screen, NameDialog))
        await pilot.press("enter")  # Lisa is the first attendee
        await until(pilot, lambda: app.screen is screen)
        assert saved(root).names == {"S1": "Lisa"}

        # Merge: S4 is Tom's S2.
        await pilot.press("down", "down", "down", "m")
        await until(pilot, lambda: isinstance(app.screen, PickSpeakerDialog))
        await pilot.press("down", "enter")  # choices: S1 Lisa, S2, S3
        await until(pilot, lambda: app.screen is screen)
        assert saved(root).merged == {"S4": "S2"}
        assert [r.split()[0] for r in speaker_rows(app)] == ["S1", "S2", "S3"]

        # Split: Lisa's S1 has Peter's runbook line; mark it, split it off, name the new speaker.
        assert screen._current_label() == "S2"  # the cursor is on the merge target
        await pilot.press("up")
        assert screen._current_label() == "S1"
        await pilot.press("tab")
        lines = screen.query_one("#speaker-lines", OptionList)
        assert lines.has_focus
        while screen._lines[lines.highlighted or 0].id != RUNBOOK_LINE:
            await pilot.press("down")
        await pilot.press("space", "s")
        after = saved(root)
        new = after.reassigned[RUNBOOK_LINE]
        assert new not in {"S1", "S2", "S3", "S4"}
        assert screen._current_label() == new  # the cursor follows the new speaker
        await pilot.press("shift+tab", "n")
        await until(pilot, lambda: isinstance(app.screen, NameDialog))
        await pilot.press("tab")  # from the attendee list to the name field
        await pilot.press(*"Peter", "enter")
        await until(pilot, lambda: app.screen is screen)
        assert saved(root).names == {"S1": "Lisa", new: "Peter"}

        # The owner of Peter's "I'll update the runbook" follows the names at once.
        assert runbook_owner(root) == ("Peter", [])

        # Back in the review, the evidence transcript shows the names.
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, ReviewScreen))
        evidence = app.screen.query_one(EvidenceTranscript)
        assert "Peter: I'll update the runbook" in str(evidence.get_option(f"seg-{RUNBOOK_LINE}").prompt)

    run_review(root, scenario)

    async def reopened(app: PostmortemApp, pilot: Pilot[int]) -> None:
        await open_speakers(app, pilot)
        rows = speaker_rows(app)
        assert rows[0].startswith("S1  Lisa")
        assert any("Peter" in r and "runbook" in r for r in rows)
        assert len(rows) == 4  # S1 Lisa, S2 (with S4 merged in), S3, the split-off Peter

    run_review(root, reopened)


def test_rename_to_nothing_and_a_label_is_not_a_name(tmp_path: Path) -> None:
    root = tmp_path / "sessions"
    seed_session(root, NAME, lines=diarized_lines())

    async def scenario(app: PostmortemApp, pilot: Pilot[int]) -> None:
        await open_speakers(app, pilot)
        await pilot.press("n")
        await until(pilot, lambda: isinstance(app.screen, NameDialog))
        await pilot.press("tab", *"S2", "enter")
        assert isinstance(app.screen, NameDialog)  # refused, with a reason
        assert "speaker label" in str(app.screen.query_one("#name-error").render())
        field = app.screen.query_one("#name-input", Input)
        field.value = "Lisa"
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, SpeakersScreen))
        assert saved(root).names == {"S1": "Lisa"}
        await pilot.press("n")
        await until(pilot, lambda: isinstance(app.screen, NameDialog))
        app.screen.query_one("#name-input", Input).value = ""
        app.screen.query_one("#name-input", Input).focus()
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, SpeakersScreen))
        assert saved(root).names == {}

    run_review(root, scenario)


def test_attribution_off_is_said_not_failed(tmp_path: Path) -> None:
    root = tmp_path / "sessions"
    seed_session(root, NAME, lines=[("", text) for _, text in LINES])

    async def scenario(app: PostmortemApp, pilot: Pilot[int]) -> None:
        await open_speakers(app, pilot)
        banner = str(app.screen.query_one("#speakers-off").render())
        assert "speaker attribution is off" in banner
        await pilot.press("n", "m", "s", "space")  # nothing to act on: no error, no dialog
        assert isinstance(app.screen, SpeakersScreen)
        await pilot.press("question_mark")
        await until(pilot, lambda: isinstance(app.screen, HelpScreen))
        help_screen = app.screen
        assert isinstance(help_screen, HelpScreen)
        assert ("s", "Split") in help_screen.keys and ("m", "Merge") in help_screen.keys

    run_review(root, scenario)
    assert saved(root) == SpeakerNames()


def test_keys_are_in_help_and_palette(tmp_path: Path) -> None:
    root = tmp_path / "sessions"
    seed_session(root, NAME, lines=diarized_lines())

    async def scenario(app: PostmortemApp, pilot: Pilot[int]) -> None:
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "Speakers" in titles
        await pilot.press("question_mark")
        await until(pilot, lambda: isinstance(app.screen, HelpScreen))
        assert isinstance(app.screen, HelpScreen)
        assert ("S", "Speakers") in app.screen.keys

    run_review(root, scenario)


def test_live_screen_says_attribution_is_off_and_lists_speakers(tmp_path: Path) -> None:
    services = scripted_services(tmp_path, live=ScriptedLive())
    app = create_app(services, StartLive(MeetingSetup(details=demo_details(), session_name="live")))

    async def go() -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            await until(pilot, lambda: isinstance(app.screen, LiveScreen) and app.screen.phase == "recording")
            live = app.screen
            assert isinstance(live, LiveScreen)
            titles = [c.title for c in app.get_system_commands(live)]
            assert "Name voice" in titles and "Speakers" in titles
            await until(pilot, lambda: bool(live.session.transcript.segments))
            await pilot.press("n")
            assert SCRIPTED_SPEAKERS_OFF in str(live.query_one("#status-line").render())
            await pilot.press("S")
            await until(pilot, lambda: isinstance(app.screen, SpeakersScreen))
            # The scripted lines carry names as speakers: they are listed (nothing to attribute live).
            assert speaker_rows(app)
            await pilot.press("escape")
            await until(pilot, lambda: app.screen is live)
            await pilot.press("ctrl+q")
            await until(pilot, lambda: len(app.screen_stack) > 1 and not isinstance(app.screen, LiveScreen))
            await pilot.press("y")

    asyncio.run(go())
