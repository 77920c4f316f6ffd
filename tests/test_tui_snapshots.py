"""Snapshot tests (pytest-textual-snapshot): the main screens at 80×24, and the review at 120×40.

Deterministic by construction: scripted services, a fixed wall clock (`FIXED_NOW`) and a manual
monotonic clock, no header clock, cursor blinking off. Plain `def` tests: snap_compare runs its own loop.
Update with `pytest tests/test_tui_snapshots.py --snapshot-update` and review the SVGs.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Input

from assistant.tui.app import PostmortemApp, StartHome, StartLive, StartReview, create_app
from assistant.tui.navigation import MeetingSetup
from assistant.tui.screens.edit import EditScreen
from assistant.tui.screens.home import HomeScreen
from assistant.tui.screens.live import LiveScreen
from assistant.tui.screens.review import ReviewScreen
from assistant.tui.scripted import ManualClock, ScriptedLive, demo_details, scripted_services, seed_session
from assistant.tui.widgets.proposals import ProposalList
from tests.support.pilot import until

SnapCompare = Callable[..., bool]


def no_blink(app: Any) -> None:
    for field in app.screen.query(Input):
        field.cursor_blink = False


def review_app(tmp_path: Path) -> PostmortemApp:
    seed_session(tmp_path, "inc-2041-review")
    return create_app(scripted_services(tmp_path), StartReview("inc-2041-review"))


def test_home(snap_compare: SnapCompare, tmp_path: Path) -> None:
    seed_session(tmp_path, "inc-2041-review")
    seed_session(tmp_path, "inc-2039-cache-stampede", state="interrupted")
    app = create_app(scripted_services(tmp_path), StartHome())

    async def ready(pilot: Pilot[Any]) -> None:
        await until(pilot, lambda: isinstance(pilot.app.screen, HomeScreen))

    assert snap_compare(app, terminal_size=(80, 24), run_before=ready)


def test_live(snap_compare: SnapCompare, tmp_path: Path) -> None:
    clock = ManualClock()
    started = threading.Event()
    services = scripted_services(tmp_path, live=ScriptedLive(gate=started), clock=clock)
    app = create_app(services, StartLive(MeetingSetup(details=demo_details(), session_name="inc-2041-live")))

    async def ready(pilot: Pilot[Any]) -> None:
        await until(pilot, lambda: isinstance(pilot.app.screen, LiveScreen))
        screen = pilot.app.screen
        assert isinstance(screen, LiveScreen)
        await until(pilot, lambda: screen.phase == "recording")
        # 12:34 into the meeting, then the proposals arrive: they are new (badged) at that time, so no
        # timer tick can expire the badges before the screenshot.
        clock.advance(12 * 60 + 34)
        screen._update_elapsed()
        started.set()
        await until(pilot, lambda: "act-jobs" in {o.id for o in screen.query_one(ProposalList).options})

    assert snap_compare(app, terminal_size=(80, 24), run_before=ready)


def test_review(snap_compare: SnapCompare, tmp_path: Path) -> None:
    async def ready(pilot: Pilot[Any]) -> None:
        await until(pilot, lambda: isinstance(pilot.app.screen, ReviewScreen))
        await pilot.press("a")  # accept the first action item; the cursor moves to the second

    assert snap_compare(review_app(tmp_path), terminal_size=(80, 24), run_before=ready)


def test_edit(snap_compare: SnapCompare, tmp_path: Path) -> None:
    async def ready(pilot: Pilot[Any]) -> None:
        await until(pilot, lambda: isinstance(pilot.app.screen, ReviewScreen))
        await pilot.press("down", "down", "e")  # the flagged item: group owner, vague due date
        await until(pilot, lambda: isinstance(pilot.app.screen, EditScreen))
        no_blink(pilot.app)

    assert snap_compare(review_app(tmp_path), terminal_size=(80, 24), run_before=ready)


def test_review_wide_with_evidence(snap_compare: SnapCompare, tmp_path: Path) -> None:
    async def ready(pilot: Pilot[Any]) -> None:
        await until(pilot, lambda: isinstance(pilot.app.screen, ReviewScreen))
        await pilot.press("a", "x", "enter")  # accept, reject, then show the third item's evidence

    assert snap_compare(review_app(tmp_path), terminal_size=(120, 40), run_before=ready)


def test_help(snap_compare: SnapCompare, tmp_path: Path) -> None:
    async def ready(pilot: Pilot[Any]) -> None:
        await until(pilot, lambda: isinstance(pilot.app.screen, ReviewScreen))
        await pilot.press("question_mark")

    assert snap_compare(review_app(tmp_path), terminal_size=(80, 24), run_before=ready)


def test_speakers(snap_compare: SnapCompare, tmp_path: Path) -> None:
    from assistant.tui.screens.speakers import SpeakersScreen
    from tests.test_tui_speakers import diarized_lines

    seed_session(tmp_path, "inc-2041-review", lines=diarized_lines())
    app = create_app(scripted_services(tmp_path), StartReview("inc-2041-review"))

    async def ready(pilot: Pilot[Any]) -> None:
        await until(pilot, lambda: isinstance(pilot.app.screen, ReviewScreen))
        await pilot.press("S")
        await until(pilot, lambda: isinstance(pilot.app.screen, SpeakersScreen))
        await pilot.press("n")
        await until(pilot, lambda: not isinstance(pilot.app.screen, SpeakersScreen))
        await pilot.press("enter")  # S1 is Lisa
        await until(pilot, lambda: isinstance(pilot.app.screen, SpeakersScreen))
        await pilot.press("tab", "down", "space")  # mark a line to split off

    assert snap_compare(app, terminal_size=(80, 24), run_before=ready)


def test_actions(snap_compare: SnapCompare, tmp_path: Path) -> None:
    from assistant.tui.screens.actions import ActionsScreen
    from tests.support.many_sessions import make_sessions

    make_sessions(tmp_path)
    app = create_app(scripted_services(tmp_path), StartHome())

    async def ready(pilot: Pilot[Any]) -> None:
        await until(pilot, lambda: isinstance(pilot.app.screen, HomeScreen))
        await pilot.press("a")  # action items of every session
        await until(pilot, lambda: isinstance(pilot.app.screen, ActionsScreen) and pilot.app.screen.loaded)
        await pilot.press("p", "down", "d")  # proposed ones too; the second item's work is done

    assert snap_compare(app, terminal_size=(80, 24), run_before=ready)


def test_home_search(snap_compare: SnapCompare, tmp_path: Path) -> None:
    from tests.support.many_sessions import make_sessions

    make_sessions(tmp_path)
    app = create_app(scripted_services(tmp_path), StartHome())

    async def ready(pilot: Pilot[Any]) -> None:
        await until(pilot, lambda: isinstance(pilot.app.screen, HomeScreen))
        await pilot.press("slash", *"resolver", "enter")  # search every session
        await until(pilot, lambda: pilot.app.screen.query_one("#search-hits").display)
        no_blink(pilot.app)

    assert snap_compare(app, terminal_size=(80, 24), run_before=ready)
