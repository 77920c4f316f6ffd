"""The app on a call: the live status bar's level bar per input and silent-side warning (the real widget
in a Pilot run, fed the controller's state as the live screen does), and the setup form's "video call"
choice reaching the live service."""

from __future__ import annotations

import asyncio
from pathlib import Path

from textual.app import App, ComposeResult
from textual.pilot import Pilot
from textual.widgets import Input, Static

from assistant.live.controller import LiveState
from assistant.tui.app import PostmortemApp, StartHome, create_app
from assistant.tui.screens.details import DetailsScreen
from assistant.tui.screens.home import HomeScreen
from assistant.tui.screens.live import LiveScreen
from assistant.tui.scripted import ScriptedLive, scripted_services
from assistant.tui.widgets.status import LiveStatus
from tests.support.pilot import drive, until


class _Bar(App[None]):
    def compose(self) -> ComposeResult:
        yield LiveStatus()


async def _render(state: LiveState) -> str:
    app = _Bar()
    async with app.run_test(size=(160, 5)) as pilot:
        app.query_one(LiveStatus).set_state(state)
        await pilot.pause()
        return str(app.query_one("#meter", Static).render())


def _meter_after(state: LiveState) -> str:
    return asyncio.run(_render(state))


def test_one_input_keeps_its_single_meter() -> None:
    text = _meter_after(LiveState(level_dbfs=-20.0))
    assert "mic" not in text and "call" not in text and "█" in text


def test_a_call_shows_both_levels_and_warns_about_a_silent_side() -> None:
    state = LiveState(level_dbfs=-20.0, levels=(-20.0, -90.0))
    assert "⚠" not in _meter_after(state)
    state.silence.update((-20.0, -90.0), 0.0)
    state.silence.update((-20.0, -90.0), 61.0)
    text = _meter_after(state)
    assert text.startswith("mic ") and "call " in text
    assert "no call audio: is the call playing through another device?" in text
    assert "no mic audio" not in text


def _start_from_the_form(root: Path, tick: bool) -> list[bool | None]:
    live = ScriptedLive()

    async def scenario(app: PostmortemApp, pilot: Pilot[int]) -> None:
        await pilot.press("n")
        await until(pilot, lambda: isinstance(app.screen, DetailsScreen))
        app.screen.query_one("#f-facilitator", Input).value = "Lisa"
        if tick:
            await pilot.click("#f-call")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, LiveScreen))

    drive(create_app(scripted_services(root, live=live), StartHome()), HomeScreen, scenario)
    return live.calls


def test_the_live_setup_form_offers_a_video_call(tmp_path: Path) -> None:
    assert _start_from_the_form(tmp_path / "a", tick=True) == [True]
    assert _start_from_the_form(tmp_path / "b", tick=False) == [None]  # as started: `record --call` or not
