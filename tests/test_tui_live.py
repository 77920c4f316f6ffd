"""Live screen with a scripted engine: events arrive from a thread, the UI thread applies them to the
session through the LiveController, and stopping leads through the final pass to the review."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.widgets import RichLog, Static

from assistant.domain.postmortem import Evidence, Postmortem, ReviewStatus, TextItem
from assistant.live.events import AsrStatus, AudioStatus, SegmentsCommitted, WorkerFailed
from assistant.session import Session
from assistant.tui.app import PostmortemApp, StartLive, create_app
from assistant.tui.navigation import MeetingSetup
from assistant.tui.screens.confirm import ConfirmScreen
from assistant.tui.screens.live import LiveScreen
from assistant.tui.screens.review import ReviewScreen
from assistant.tui.scripted import (
    LINES,
    ManualClock,
    ScriptedLive,
    Step,
    demo_details,
    demo_segments,
    demo_steps,
    scripted_services,
)
from assistant.tui.widgets.proposals import ProposalList
from tests.support.pilot import Scenario, drive, until

NAME = "live-1"


def run_live(root: Path, live: ScriptedLive, scenario: Scenario, *, clock: ManualClock | None = None,
             notes: list[dict[str, Any]] | None = None) -> PostmortemApp:  # fmt: skip
    services = scripted_services(root, live=live, clock=clock)
    app = create_app(services, StartLive(MeetingSetup(details=demo_details(), session_name=NAME)))
    if notes is not None:
        original = app.notify

        def notify(message: str, **kwargs: Any) -> None:
            notes.append({"message": message, **kwargs})
            original(message, **kwargs)

        app.notify = notify  # type: ignore[method-assign]

    return drive(app, LiveScreen, scenario, notifications=True)


def live_screen(app: PostmortemApp) -> LiveScreen:
    screen = app.screen
    assert isinstance(screen, LiveScreen)
    return screen


def proposal_ids(app: PostmortemApp) -> set[str]:
    return {o.id for o in app.screen.query_one(ProposalList).options if o.id and not o.disabled}


def line(app: PostmortemApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


def test_meeting_runs_stops_and_opens_the_review(tmp_path: Path) -> None:
    final = Postmortem(
        follow_up=[TextItem(id="fu-comms", text="Share the postmortem with the mobile team",
                            evidence=Evidence(segment_ids=[0], quote="This is the postmortem"))]
    )  # fmt: skip
    live = ScriptedLive(final=final)

    async def scenario(app: PostmortemApp, pilot: Pilot[int]) -> None:
        await until(pilot, lambda: "act-jobs" in proposal_ids(app))
        log = app.screen.query_one("#transcript-log", RichLog)
        assert len(log.lines) >= len(LINES)
        assert "and then we can close the" in line(app, "#tentative")
        assert "still empty" in line(app, "#coverage")
        # Saved as it arrives: the session on disk has every line and every proposal already.
        with Session.open(tmp_path, NAME, readonly=True) as session:
            assert len(session.transcript.segments) == len(LINES)
            assert session.postmortem.find("act-jobs") is not None
            assert session.state == "recording"
        await pilot.press("s")
        await until(pilot, lambda: isinstance(app.screen, ReviewScreen))
        await app.workers.wait_for_complete()
        assert live.runs[0].closed and live.runs[0].final_calls == 1
        assert "fu-comms" in proposal_ids(app)

    run_live(tmp_path, live, scenario)
    with Session.open(tmp_path, NAME, readonly=True) as session:
        assert session.state == "finalised"
        assert session.postmortem.find("fu-comms") is not None
        assert (session.path / "exports" / "meeting.postmortem.md").is_file()


def test_new_flagged_action_item_notifies_without_taking_focus(tmp_path: Path) -> None:
    notes: list[dict[str, Any]] = []
    steps = demo_steps()
    proposals_step = steps.pop()  # hold the proposals back until focus is somewhere on purpose

    async def scenario(app: PostmortemApp, pilot: Pilot[int]) -> None:
        await until(pilot, lambda: len(app.screen.query_one("#transcript-log", RichLog).lines) >= len(LINES))
        transcript_log = app.screen.query_one("#transcript-log", RichLog)
        transcript_log.focus()
        await pilot.pause()
        live_screen(app)._emit(proposals_step.event)  # as the engine thread would
        await until(pilot, lambda: "act-jobs" in proposal_ids(app))
        assert app.focused is transcript_log
        # The new items carry a NEW badge while fresh.
        prompt = app.screen.query_one(ProposalList).get_option("act-jobs").prompt
        assert "NEW" in str(prompt)

    run_live(tmp_path, ScriptedLive(steps=steps), scenario, notes=notes)
    warnings = [n for n in notes if n.get("severity") == "warning"]
    assert len(warnings) == 1, notes  # only the item without one named owner and a concrete date
    assert "Check the other renewal jobs" in warnings[0]["message"]
    assert "group owner" in warnings[0]["title"] and "vague due date" in warnings[0]["title"]
    assert warnings[0]["markup"] is False


def test_lag_dropped_audio_and_worker_errors_are_visible(tmp_path: Path) -> None:
    steps = [
        Step(0.0, AsrStatus(lag_s=0.8, audio_end_s=5.0, step_s=1.0, behind=False, compute_s=0.3)),
    ]
    live = ScriptedLive(steps=steps)

    async def scenario(app: PostmortemApp, pilot: Pilot[int]) -> None:
        screen = live_screen(app)
        await until(pilot, lambda: screen.meeting is not None and screen.meeting.state.audio_end_s == 5.0)
        lag = app.screen.query_one("#lag", Static)
        assert not lag.has_class("-visible")  # normal streaming latency is not news
        screen._emit(AsrStatus(lag_s=12.4, audio_end_s=20.0, step_s=3.0, behind=True, compute_s=4.0))
        screen._emit(AudioStatus(level_dbfs=-20.0, dropped_s=1.5, recorded_s=20.0))
        screen._emit(WorkerFailed("llm", "server went away"))
        await until(pilot, lambda: lag.has_class("-visible"))
        assert lag.has_class("-warning") and "12 s behind" in str(lag.render())
        dropped = app.screen.query_one("#dropped", Static)
        assert dropped.has_class("-visible") and "1.5 s audio dropped" in str(dropped.render())
        assert "server went away" in line(app, "#status-line")
        assert screen.phase == "recording"  # a failing worker does not end the meeting

    run_live(tmp_path, live, scenario)


def test_elapsed_time_against_the_planned_duration(tmp_path: Path) -> None:
    clock = ManualClock()

    async def scenario(app: PostmortemApp, pilot: Pilot[int]) -> None:
        screen = live_screen(app)
        await until(pilot, lambda: screen.phase == "recording")
        clock.advance(31 * 60 + 5)
        screen._update_elapsed()
        await pilot.pause()
        elapsed = app.screen.query_one("#elapsed", Static)
        assert str(elapsed.render()) == "31:05 / 30:00"

    run_live(tmp_path, ScriptedLive(), scenario, clock=clock)


def test_model_loading_failure_is_reported_and_the_review_still_opens(tmp_path: Path) -> None:
    live = ScriptedLive(prepare_error="the speech model is missing")

    async def scenario(app: PostmortemApp, pilot: Pilot[int]) -> None:
        await until(pilot, lambda: live_screen(app).phase == "failed")
        assert "the speech model is missing" in line(app, "#status-line")
        await pilot.press("s")
        await until(pilot, lambda: isinstance(app.screen, ReviewScreen))

    run_live(tmp_path, live, scenario)


def test_review_during_the_meeting_then_back(tmp_path: Path) -> None:
    async def scenario(app: PostmortemApp, pilot: Pilot[int]) -> None:
        await until(pilot, lambda: "act-alert" in proposal_ids(app))
        await pilot.press("r")
        await until(pilot, lambda: isinstance(app.screen, ReviewScreen))
        await pilot.press("a")
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, LiveScreen))
        assert live_screen(app).phase == "recording"

    run_live(tmp_path, ScriptedLive(), scenario)
    with Session.open(tmp_path, NAME, readonly=True) as session:
        item = session.postmortem.find("act-alert")
        assert item is not None and item.status is ReviewStatus.ACCEPTED


def test_quit_mid_meeting_asks_then_leaves_it_resumable(tmp_path: Path) -> None:
    live = ScriptedLive()

    async def scenario(app: PostmortemApp, pilot: Pilot[int]) -> None:
        await until(pilot, lambda: "act-alert" in proposal_ids(app))
        await pilot.press("ctrl+q")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("n")  # changed my mind
        await until(pilot, lambda: isinstance(app.screen, LiveScreen))
        await pilot.press("ctrl+q")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")

    app = run_live(tmp_path, live, scenario)
    assert app.return_code == 0
    assert live.runs[0].closed
    with Session.open(tmp_path, NAME, readonly=True) as session:
        assert session.state == "interrupted"
        assert len(session.transcript.segments) == len(LINES)


def test_resuming_appends_after_the_saved_lines(tmp_path: Path) -> None:
    with Session.create(tmp_path, demo_details(), NAME) as session:
        session.add_segments(demo_segments()[:3])
    more = [s for s in demo_steps() if isinstance(s.event, SegmentsCommitted)]

    async def scenario(app: PostmortemApp, pilot: Pilot[int]) -> None:
        screen = live_screen(app)
        assert screen.resumed
        await until(pilot, lambda: len(screen.session.transcript.segments) == 3 + len(LINES))

    run_live(tmp_path, ScriptedLive(steps=more), scenario)
    with Session.open(tmp_path, NAME, readonly=True) as session:
        ids = [s.id for s in session.transcript.segments]
        assert ids == list(range(3 + len(LINES)))
