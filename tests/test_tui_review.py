"""Review screen, driven by keys through Textual's Pilot with scripted services.

Every assertion about a decision reads the session back from disk (`Session.open(readonly=True)`, which
works while the app still owns it) or through `assistant export --format json`: what matters is what
survives the process, not what the widgets show.
"""

from __future__ import annotations

import datetime as dt
import json
import wave
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from assistant.cli import main as cli_main
from assistant.domain.postmortem import ActionItem, Item, ReviewStatus
from assistant.session import Session
from assistant.tui.app import PostmortemApp
from assistant.tui.screens.edit import EditScreen
from assistant.tui.screens.export import ExportScreen
from assistant.tui.screens.review import ReviewScreen
from assistant.tui.scripted import RecordingPlayer, seed_session
from assistant.tui.widgets.proposals import ProposalList
from assistant.tui.widgets.transcript import EvidenceTranscript
from tests.support.pilot import Scenario, until
from tests.support.pilot import run_review as review_session

NAME = "inc-2041-review"
# The seeded meeting's items in list order (action items first, then decisions, questions, the rest).
ORDER = ["act-alert", "act-runbook", "act-jobs", "dec-auto", "q-owner", "tl-expired", "why-1"]
FLAGGED = {"act-jobs"}


@pytest.fixture
def root(tmp_path: Path) -> Path:
    seed_session(tmp_path / "sessions", NAME)
    return tmp_path / "sessions"


def run_review(root: Path, scenario: Scenario, *, player: RecordingPlayer | None = None,
               size: tuple[int, int] = (80, 24)) -> PostmortemApp:  # fmt: skip
    return review_session(root, NAME, scenario, player=player, export_dir=root.parent, size=size)


def on_disk(root: Path) -> dict[str, Item]:
    with Session.open(root, NAME, readonly=True) as session:
        return {i.id: i for i in session.postmortem.all_items()}


def statuses(root: Path) -> dict[str, ReviewStatus]:
    with Session.open(root, NAME, readonly=True) as session:
        return {i.id: i.status for i in session.postmortem.all_items()}


def exported_json(root: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, object]:
    capsys.readouterr()
    assert cli_main(["export", NAME, "--format", "json", "--sessions-dir", str(root)]) == 0
    data: dict[str, object] = json.loads(capsys.readouterr().out)
    return data


def current(app: PostmortemApp) -> str | None:
    return app.screen.query_one(ProposalList).current_id


def test_list_order_and_flags(root: Path) -> None:
    async def scenario(app: PostmortemApp, pilot: Pilot[int]) -> None:
        seen = [current(app)]
        for _ in ORDER[1:]:
            await pilot.press("down")
            seen.append(current(app))
        assert seen == ORDER  # group titles are never selected

    run_review(root, scenario)
    with Session.open(root, NAME, readonly=True) as session:
        assert {i.id for i in session.postmortem.all_items() if i.flags} == FLAGGED


def test_accept_and_reject_are_saved_at_once(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    async def scenario(app: PostmortemApp, pilot: Pilot[int]) -> None:
        await pilot.press("a")  # act-alert; the cursor moves on to act-runbook
        assert current(app) == "act-runbook"
        await pilot.press("x")
        # Saved before the next key: read back from disk while the app still owns the session.
        assert statuses(root)["act-alert"] is ReviewStatus.ACCEPTED
        assert statuses(root)["act-runbook"] is ReviewStatus.REJECTED

    run_review(root, scenario)
    data = exported_json(root, capsys)
    items = {i["id"]: i for i in data["action_items"]}  # type: ignore[attr-defined]
    assert items["act-alert"]["status"] == "accepted"
    assert items["act-runbook"]["status"] == "rejected"
    assert items["act-jobs"]["status"] == "proposed"


def test_undo_takes_back_the_last_decision(root: Path) -> None:
    async def scenario(app: PostmortemApp, pilot: Pilot[int]) -> None:
        await pilot.press("a", "a")
        assert statuses(root)["act-runbook"] is ReviewStatus.ACCEPTED
        await pilot.press("u")
        assert statuses(root)["act-runbook"] is ReviewStatus.PROPOSED
        assert current(app) == "act-runbook"  # the cursor goes back to what was undone
        await pilot.press("u", "u")  # a second undo, then one with nothing left: no error
        assert "Nothing to undo" in str(app.screen.query_one("#status-line").render())

    run_review(root, scenario)
    assert set(statuses(root).values()) == {ReviewStatus.PROPOSED}


def test_bulk_accept_skips_flagged_items_and_undoes_in_one_step(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    async def scenario(app: PostmortemApp, pilot: Pilot[int]) -> None:
        await pilot.press("A")
        after = statuses(root)
        assert {i for i, s in after.items() if s is ReviewStatus.ACCEPTED} == set(ORDER) - FLAGGED
        assert after["act-jobs"] is ReviewStatus.PROPOSED
        await pilot.press("u")
        assert set(statuses(root).values()) == {ReviewStatus.PROPOSED}
        await pilot.press("A")

    run_review(root, scenario)
    data = exported_json(root, capsys)
    accepted = [i["id"] for i in data["action_items"] if i["status"] == "accepted"]  # type: ignore[attr-defined]
    assert accepted == ["act-alert", "act-runbook"]


def test_edit_owner_from_attendees_and_due_date(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    async def scenario(app: PostmortemApp, pilot: Pilot[int]) -> None:
        await pilot.press("down", "down")
        assert current(app) == "act-jobs"
        await pilot.press("e")
        await until(pilot, lambda: isinstance(app.screen, EditScreen))
        form = app.screen
        assert form.query_one("#field-owner", Input).value == "someone"
        # Pick the owner from the attendee list: tab to the list, open it, second attendee (Tom).
        await pilot.press("tab", "tab", "enter", "down", "down", "enter")
        assert form.query_one("#field-owner", Input).value == "Tom"
        await pilot.press("tab", "home", "ctrl+k", *"2025-03-21", "enter")
        await until(pilot, lambda: isinstance(app.screen, ReviewScreen))

    run_review(root, scenario)
    item = on_disk(root)["act-jobs"]
    assert isinstance(item, ActionItem)
    assert (item.owner, item.due, item.due_date) == ("Tom", "2025-03-21", dt.date(2025, 3, 21))
    assert item.edited and item.flags == []
    data = exported_json(root, capsys)
    jobs = next(i for i in data["action_items"] if i["id"] == "act-jobs")  # type: ignore[attr-defined]
    assert jobs["owner"] == "Tom" and jobs["edited"] is True


def test_edit_typed_owner_escape_cancels_and_empty_text_is_refused(root: Path) -> None:
    async def scenario(app: PostmortemApp, pilot: Pilot[int]) -> None:
        await pilot.press("e")
        await until(pilot, lambda: isinstance(app.screen, EditScreen))
        await pilot.press("home", "ctrl+k", "enter")  # the action text emptied: refused, form stays
        assert isinstance(app.screen, EditScreen)
        assert "cannot be empty" in str(app.screen.query_one("#edit-error").render())
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, ReviewScreen))
        assert not on_disk(root)["act-alert"].edited
        await pilot.press("e")
        await until(pilot, lambda: isinstance(app.screen, EditScreen))
        await pilot.press("tab", "home", "ctrl+k", *"Dana", "ctrl+s")  # typed, not an attendee
        await until(pilot, lambda: isinstance(app.screen, ReviewScreen))
        await pilot.press("u")  # an edit is undoable like any decision
        await pilot.press("e")
        await until(pilot, lambda: isinstance(app.screen, EditScreen))
        await pilot.press("tab", "home", "ctrl+k", *"Dana", "ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, ReviewScreen))

    run_review(root, scenario)
    item = on_disk(root)["act-alert"]
    assert isinstance(item, ActionItem)
    assert item.owner == "Dana" and item.edited
    assert [f.value for f in item.flags] == ["owner_not_in_meeting"]


def test_enter_shows_evidence_and_plays_it(root: Path) -> None:
    audio = root / NAME / "audio.wav"
    with wave.open(str(audio), "wb") as w:  # a silent recording, long enough for the evidence times
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(16_000)
        w.writeframes(b"\0\0" * 16_000 * 70)
    player = RecordingPlayer()

    async def scenario(app: PostmortemApp, pilot: Pilot[int]) -> None:
        await pilot.press("enter")
        evidence = app.screen.query_one(EvidenceTranscript)
        option = evidence.highlighted_option
        assert option is not None and option.id == "seg-7"
        await until(pilot, lambda: bool(player.played))
        await app.workers.wait_for_complete()
        assert "Evidence at 00:42" in str(app.screen.query_one("#status-line").render())

    run_review(root, scenario, player=player)
    with Session.open(root, NAME, readonly=True) as session:
        item = session.postmortem.find("act-alert")
        assert item is not None
        assert player.played == [(session.audio_path, item.evidence.start, item.evidence.end)]


def test_no_output_device_is_reported_not_fatal(root: Path) -> None:
    (root / NAME / "audio.wav").write_bytes(b"")  # exists; the refusing player decides
    player = RecordingPlayer(reason="no audio output device")

    async def scenario(app: PostmortemApp, pilot: Pilot[int]) -> None:
        await pilot.press("enter")
        await until(pilot, lambda: "not played" in str(app.screen.query_one("#status-line").render()))
        await pilot.press("a")  # still working
        assert statuses(root)["act-alert"] is ReviewStatus.ACCEPTED

    run_review(root, scenario, player=player)


@pytest.mark.parametrize("fmt_keys, fmt", [((), "md"), (("down", "enter"), "json"), (("down", "down", "enter"), "csv")])
def test_export_writes_what_the_cli_exports(root: Path, capsys: pytest.CaptureFixture[str], fmt_keys: tuple[str, ...],
                                            fmt: str) -> None:  # fmt: skip
    async def scenario(app: PostmortemApp, pilot: Pilot[int]) -> None:
        await pilot.press("a", "E")
        await until(pilot, lambda: isinstance(app.screen, ExportScreen))
        await pilot.press(*fmt_keys, "ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, ReviewScreen))

    run_review(root, scenario)
    suffix = {"md": ".postmortem.md", "json": ".postmortem.json", "csv": ".action_items.csv"}[fmt]
    written = root.parent / f"{NAME}{suffix}"
    assert written.stat().st_mode & 0o777 == 0o600  # owner-only, like `assistant export -o`
    capsys.readouterr()
    assert cli_main(["export", NAME, "--format", fmt, "--sessions-dir", str(root)]) == 0
    assert written.read_bytes() == capsys.readouterr().out.encode("utf-8")


def test_export_to_an_unwritable_path_keeps_the_dialog_open(root: Path) -> None:
    async def scenario(app: PostmortemApp, pilot: Pilot[int]) -> None:
        await pilot.press("E")
        await until(pilot, lambda: isinstance(app.screen, ExportScreen))
        path = app.screen.query_one("#export-path", Input)
        path.value = str(root / "no" / "such" / "dir" / "x.md")
        await pilot.press("ctrl+s")
        assert isinstance(app.screen, ExportScreen)
        assert "Cannot write" in str(app.screen.query_one("#export-error").render())
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, ReviewScreen))

    run_review(root, scenario)
