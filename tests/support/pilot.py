"""Driving the app in Textual Pilot tests: one driver for every screen, and polling instead of sleeping.

`drive(app, ReviewScreen, scenario)` runs the app headless, waits for its first screen, runs the
scenario (keys and assertions), then quits the way a user does (ctrl+q, confirming when asked).
`run_review` is the review screen on a seeded session with scripted services, which most UI tests use.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.screen import Screen

from assistant.tui.app import PostmortemApp, StartReview, create_app
from assistant.tui.screens.confirm import ConfirmScreen
from assistant.tui.screens.review import ReviewScreen
from assistant.tui.scripted import RecordingPlayer, scripted_services

Scenario = Callable[[PostmortemApp, Pilot[int]], Awaitable[None]]


async def until(pilot: Pilot[Any], predicate: Callable[[], bool], timeout: float = 10.0) -> None:
    """Let the app run until `predicate()` holds; fail the test after `timeout` seconds."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not predicate():
        assert asyncio.get_running_loop().time() < deadline, "condition not reached"
        await pilot.pause(0.02)


async def quit_app(app: PostmortemApp, pilot: Pilot[int]) -> None:
    """ctrl+q, and "y" when the app asks to confirm (a meeting still recording); nothing if it has quit."""
    if not app.is_running:
        return
    await pilot.press("ctrl+q")
    if app.is_running and isinstance(app.screen, ConfirmScreen):
        await pilot.press("y")


def drive(
    app: PostmortemApp,
    first_screen: type[Screen[Any]],
    scenario: Scenario,
    *,
    size: tuple[int, int] = (80, 24),
    notifications: bool = False,
) -> PostmortemApp:
    """Run `app` under Pilot: wait for `first_screen`, play `scenario`, quit. Returns the app."""

    async def go() -> None:
        async with app.run_test(size=size, notifications=notifications) as pilot:
            await until(pilot, lambda: isinstance(app.screen, first_screen))
            await scenario(app, pilot)
            await quit_app(app, pilot)

    asyncio.run(go())
    return app


def run_review(
    root: Path,
    name: str,
    scenario: Scenario,
    *,
    player: RecordingPlayer | None = None,
    export_dir: Path | None = None,
    size: tuple[int, int] = (80, 24),
) -> PostmortemApp:
    """The review screen of session `name` under `root` (scripted services), driven by `scenario`."""
    app = create_app(scripted_services(root, player=player, export_dir=export_dir), StartReview(name))
    return drive(app, ReviewScreen, scenario, size=size)
