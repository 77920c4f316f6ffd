"""Correcting a transcript line in the app (review screen, Pilot): `c` edits the highlighted line, the
proposal citing it is re-checked, `R` re-reads it with the real rules engine, `u` undoes. Every
assertion reads the session back from disk or through the real `assistant export`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, OptionList, RichLog

from assistant.cli import main as cli_main
from assistant.domain.postmortem import ActionItem, Flag, ReviewStatus
from assistant.domain.transcript import Segment
from assistant.extraction.rules.detect import read_transcript
from assistant.session import Session
from assistant.tui.app import PostmortemApp, StartLive, create_app
from assistant.tui.navigation import MeetingSetup
from assistant.tui.screens.correct import CorrectLineDialog
from assistant.tui.screens.live import LiveScreen
from assistant.tui.screens.naming import PickLineDialog
from assistant.tui.scripted import LINES as LIVE_LINES
from assistant.tui.scripted import ScriptedLive, demo_details, scripted_services
from assistant.tui.widgets.proposals import ProposalList
from assistant.tui.widgets.transcript import EvidenceTranscript
from tests.support.pilot import drive, run_review, until
from tests.support.session_data import details
from tests.support.sessions import NOW

NAME = "inc-7-corrections"
LINES = [
    ("Karen", "So the webhook queue started backing up at 09:15 on Tuesday."),
    ("Ben", "Ben will add the queue depth panel by the fist."),
    ("Karen", "And [bold]Pre-a[/] will add a retry cap to the worker template by Thursday."),
    ("Priya", "Sounds good, thanks."),
]


@pytest.fixture
def root(tmp_path: Path) -> Path:
    meeting = details(attendees=["Karen", "Ben", "Priya"])
    segments = [Segment(id=n, start=10.0 * n, end=10.0 * n + 8, text=t, speaker=s) for n, (s, t) in enumerate(LINES)]
    with Session.create(tmp_path / "sessions", meeting, name=NAME, now=NOW) as s:
        s.add_segments(segments)
        s.merge_proposals(read_transcript(s.named_transcript.segments, meeting).postmortem)
    return tmp_path / "sessions"


def panel_on_disk(root: Path) -> ActionItem:
    with Session.open(root, NAME, readonly=True) as s:
        return next(a for a in s.postmortem.action_items if "panel" in a.action)


async def correct(app: PostmortemApp, pilot: Pilot[int], text: str) -> None:
    await pilot.press("c")
    await until(pilot, lambda: isinstance(app.screen, CorrectLineDialog))
    field = app.screen.query_one("#correct-input", Input)
    field.value = text
    await pilot.press("enter")
    await until(pilot, lambda: not isinstance(app.screen, CorrectLineDialog))


def test_correct_the_evidence_line_recheck_reread_and_undo(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = panel_on_disk(root)
    assert Flag.NO_DUE_DATE in before.flags

    async def scenario(app: PostmortemApp, pilot: Pilot[int]) -> None:
        proposals = app.screen.query_one(ProposalList)
        proposals.move_to(before.id)
        await pilot.press("enter")  # the evidence line is highlighted: c corrects it
        assert app.screen.query_one(EvidenceTranscript).highlighted_segment == 1
        await correct(app, pilot, "Ben will add the queue depth panel by the first.")
        corrected = panel_on_disk(root)
        assert "first" in corrected.evidence.quote and corrected.due is None  # re-checked, not re-read yet
        await pilot.press("R")
        await until(pilot, lambda: panel_on_disk(root).due == "by the first")
        reread = panel_on_disk(root)
        assert Flag.NO_DUE_DATE not in reread.flags and reread.status is ReviewStatus.PROPOSED
        await pilot.press("u")  # the re-reading
        await until(pilot, lambda: panel_on_disk(root).due is None)
        await pilot.press("u")  # the correction itself
        await until(pilot, lambda: "fist" in panel_on_disk(root).evidence.quote)
        await correct(app, pilot, "Ben will add the queue depth panel by the first.")

    run_review(root, NAME, scenario)
    capsys.readouterr()
    assert cli_main(["export", NAME, "--format", "txt", "--sessions-dir", str(root)]) == 0
    transcript = capsys.readouterr().out
    assert "by the first." in transcript and "by the fist" not in transcript


def test_a_corrected_name_brings_the_hidden_item_and_markup_stays_text(root: Path) -> None:
    def has_cap() -> bool:
        with Session.open(root, NAME, readonly=True) as s:
            return any("retry cap" in a.action and a.owner == "Priya" for a in s.postmortem.action_items)

    async def scenario(app: PostmortemApp, pilot: Pilot[int]) -> None:
        assert not has_cap()  # the slip hides it
        evidence = app.screen.query_one(EvidenceTranscript)
        for _ in range(3):
            await pilot.press("right_square_bracket")
        assert evidence.highlighted_segment == 2
        await pilot.press("c")
        await until(pilot, lambda: isinstance(app.screen, CorrectLineDialog))
        # Transcript text is untrusted: the dialog shows "[bold]" as typed, not as markup.
        assert app.screen.query_one("#correct-input", Input).value.startswith("And [bold]Pre-a[/]")
        app.screen.query_one(
            "#correct-input", Input
        ).value = "And Priya will add a retry cap to the worker template by Thursday."
        await pilot.press("enter")
        await until(pilot, lambda: not isinstance(app.screen, CorrectLineDialog))
        await pilot.press("R")
        await until(pilot, has_cap)

    run_review(root, NAME, scenario)
    path = root / NAME / "corrections.json"
    assert json.loads(path.read_text())["lines"]["2"]["original"].startswith("And [bold]Pre-a[/]")


def test_correct_a_line_during_the_live_meeting(tmp_path: Path) -> None:
    def committed() -> list[Segment]:
        with Session.open(tmp_path, "live-1", readonly=True) as s:
            return s.transcript.segments

    async def scenario(app: PostmortemApp, pilot: Pilot[int]) -> None:
        await until(pilot, lambda: len(committed()) >= 3)
        await pilot.press("c")
        await until(pilot, lambda: isinstance(app.screen, PickLineDialog))
        picker = app.screen.query_one("#pick-line", OptionList)
        picker.highlighted = 1
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, CorrectLineDialog))
        app.screen.query_one("#correct-input", Input).value = "At 11:47 the certificate on the API gateway expired."
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, LiveScreen))
        log = app.screen.query_one("#transcript-log", RichLog)
        assert any("the API gateway expired." in strip.text for strip in log.lines)
        assert committed()[1].text == "At 11:47 the certificate on the API gateway expired."

    services = scripted_services(tmp_path, live=ScriptedLive())
    app = create_app(services, StartLive(MeetingSetup(details=demo_details(), session_name="live-1")))
    drive(app, LiveScreen, scenario, notifications=True)
    with Session.open(tmp_path, "live-1", readonly=True) as s:
        assert s.transcript.segments[1].text == "At 11:47 the certificate on the API gateway expired."
        assert s.original_text(1) == LIVE_LINES[1][1]
