"""Regenerate the README screenshots: the live screen and the review screen, from scripted services.

    .venv/bin/python docs/make_screenshots.py      # writes docs/screenshots/{live,review}.png

Deterministic (a replayed meeting, fixed clocks) so the images only change when the UI does. Textual
saves SVG; `rsvg-convert` (apt install librsvg2-bin) turns it into PNG with a monospace font that keeps
the columns aligned.
"""

from __future__ import annotations

import asyncio
import shutil
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path

from textual.pilot import Pilot

from assistant.tui.app import PostmortemApp, StartLive, StartReview, create_app
from assistant.tui.navigation import MeetingSetup
from assistant.tui.screens.live import LiveScreen
from assistant.tui.screens.review import ReviewScreen
from assistant.tui.scripted import ManualClock, ScriptedLive, demo_details, scripted_services, seed_session
from assistant.tui.widgets.proposals import ProposalList

OUT = Path(__file__).resolve().parent / "screenshots"
SIZE = (100, 30)


async def _until(pilot: Pilot[int], predicate: Callable[[], bool], timeout: float = 20.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not predicate():
        if asyncio.get_running_loop().time() > deadline:
            raise TimeoutError("the screen did not get ready")
        await pilot.pause(0.05)


async def _live(root: Path, svg_dir: Path) -> Path:
    clock = ManualClock()
    started = threading.Event()
    services = scripted_services(root, live=ScriptedLive(gate=started), clock=clock)
    app = create_app(services, StartLive(MeetingSetup(details=demo_details(), session_name="inc-2041")))
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await _until(pilot, lambda: isinstance(app.screen, LiveScreen))
        screen = app.screen
        assert isinstance(screen, LiveScreen)
        await _until(pilot, lambda: screen.phase == "recording")
        clock.advance(12 * 60 + 34)  # before the proposals arrive, so they are still "new" in the picture
        screen._update_elapsed()
        started.set()
        await _until(pilot, lambda: "act-jobs" in {o.id for o in screen.query_one(ProposalList).options})
        await pilot.pause(0.2)
        path = Path(app.save_screenshot("live.svg", path=str(svg_dir)))
        await _quit(app, pilot)
    return path


async def _review(root: Path, svg_dir: Path) -> Path:
    seed_session(root, "inc-2041-review")
    app = create_app(scripted_services(root), StartReview("inc-2041-review"))
    async with app.run_test(size=SIZE) as pilot:
        await _until(pilot, lambda: isinstance(app.screen, ReviewScreen))
        await pilot.press("a", "x", "enter")  # accept, reject, show the evidence of the flagged item
        await pilot.pause(0.2)
        path = Path(app.save_screenshot("review.svg", path=str(svg_dir)))
        await _quit(app, pilot)
    return path


async def _quit(app: PostmortemApp, pilot: Pilot[int]) -> None:
    await pilot.press("ctrl+q")
    if app.is_running:
        await pilot.press("y")


def main() -> int:
    converter = shutil.which("rsvg-convert")
    if converter is None:
        print("rsvg-convert not found: apt install librsvg2-bin", file=sys.stderr)
        return 1
    OUT.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        svgs = [asyncio.run(_live(work / "live", work)), asyncio.run(_review(work / "review", work))]
        for svg in svgs:
            png = OUT / svg.with_suffix(".png").name
            subprocess.run([converter, str(svg), "-o", str(png)], check=True)
            print(f"wrote {png}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
