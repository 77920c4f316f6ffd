"""The live status bar of a call: a level bar per input, and the silent-side warning (real widget in a
Textual Pilot run, fed the controller's state as the live screen does)."""

from __future__ import annotations

import asyncio

from textual.app import App, ComposeResult
from textual.widgets import Static

from assistant.live.controller import LiveState
from assistant.tui.widgets.status import LiveStatus


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
