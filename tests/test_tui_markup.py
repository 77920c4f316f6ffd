"""Transcript and LLM text is untrusted: "[/]" must not crash the app (MarkupError), "[bold]" must not
style anything and "[BLANK_AUDIO]" must stay visible, in every place that shows such text."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

from rich.text import Text
from textual.pilot import Pilot
from textual.widgets import RichLog, Static

from assistant.domain.postmortem import ActionItem, Evidence, Postmortem, TextItem, WindowStatus
from assistant.live.events import ProposalsExtracted
from assistant.tui.app import StartLive, StartReview, create_app
from assistant.tui.navigation import MeetingSetup
from assistant.tui.screens.edit import EditScreen
from assistant.tui.screens.live import LiveScreen
from assistant.tui.screens.review import ReviewScreen
from assistant.tui.scripted import ScriptedLive, Step, demo_details, demo_steps, scripted_services, seed_session
from assistant.tui.widgets.proposals import ProposalList
from assistant.tui.widgets.transcript import EvidenceTranscript

HOSTILE = [
    ("Ana", "Closing tag first [/] then [bold]not bold[/bold] and [red]not red"),
    ("[Ben]", "[BLANK_AUDIO]"),
    ("Ana", "Ana will fix [link=http://x]the [/link] parser [/] by Friday."),
]
ACTION = "Fix [/] the [bold]parser[/bold]"


def hostile_draft() -> Postmortem:
    return Postmortem(
        action_items=[
            ActionItem(
                id="act-x",
                action=ACTION,
                owner="[Ana]",
                due="[soon]",
                evidence=Evidence(segment_ids=[2], quote="Ana will fix [link=http://x]the [/link] parser"),
            ),
        ],
        decisions=[TextItem(id="dec-x", text="[BLANK_AUDIO] is [/] fine", evidence=Evidence(segment_ids=[1]))],
        windows=[WindowStatus(index=0, start=0.0, end=20.0, ok=True)],
    )


def plain(renderable: object) -> str:
    return renderable.plain if isinstance(renderable, Text) else str(renderable)


async def until(pilot: Pilot[int], predicate: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not predicate():
        assert asyncio.get_running_loop().time() < deadline, "condition not reached"
        await pilot.pause(0.02)


def test_live_screen_shows_markup_literally(tmp_path: Path) -> None:
    draft = hostile_draft()
    steps = [*demo_steps(HOSTILE)[:-1], Step(0.0, ProposalsExtracted(draft, draft.windows[0], [0, 1, 2], 0.0, 0.0))]
    live = ScriptedLive(steps=steps)
    details = demo_details(attendees=["Ana", "Ben"])
    app = create_app(scripted_services(tmp_path, live=live), StartLive(MeetingSetup(details, session_name="m")))

    async def go() -> None:
        async with app.run_test(size=(100, 30), notifications=True) as pilot:
            await until(pilot, lambda: isinstance(app.screen, LiveScreen))
            screen = app.screen
            await until(pilot, lambda: "act-x" in {o.id for o in screen.query_one(ProposalList).options})
            log = screen.query_one("#transcript-log", RichLog)
            text = "".join(line.text for line in log.lines)  # wrapped lines keep their spaces
            for _, words in HOSTILE:
                assert words.split()[0] in text
            assert "[/] then [bold]not bold[/bold]" in text and "[BLANK_AUDIO]" in text and "[Ben]:" in text
            prompt = plain(screen.query_one(ProposalList).get_option("act-x").prompt)
            assert ACTION in prompt and "due [soon]" in prompt
            # The flagged item was announced without being parsed as markup (or the app would be gone).
            assert any(ACTION in n.message for n in app._notifications)
            await pilot.press("ctrl+q", "y")

    asyncio.run(go())
    assert app.return_code == 0


def test_review_and_edit_show_markup_literally(tmp_path: Path) -> None:
    seed_session(tmp_path, "m", details=demo_details(attendees=["Ana", "[Ben]"]), lines=HOSTILE, draft=hostile_draft())
    app = create_app(scripted_services(tmp_path), StartReview("m"))

    async def go() -> None:
        async with app.run_test(size=(100, 30)) as pilot:
            await until(pilot, lambda: isinstance(app.screen, ReviewScreen))
            screen = app.screen
            detail = plain(screen.query_one("#detail", Static).render())
            assert ACTION in detail and "[soon]" in detail
            await pilot.press("enter")
            evidence = screen.query_one(EvidenceTranscript)
            highlighted = evidence.highlighted_option
            assert highlighted is not None and "[link=http://x]the [/link] parser [/]" in plain(highlighted.prompt)
            assert "[BLANK_AUDIO]" in plain(evidence.get_option("seg-1").prompt)
            await pilot.press("e")
            await until(pilot, lambda: isinstance(app.screen, EditScreen))
            await pilot.press("tab", "tab", "enter")  # open the attendee list: "[Ben]" is a plain option
            await pilot.pause()
            await pilot.press("escape", "escape")
            await until(pilot, lambda: isinstance(app.screen, ReviewScreen))
            await pilot.press("down", "x")
            assert "[BLANK_AUDIO] is [/] fine" in plain(screen.query_one("#status-line", Static).render())
            await pilot.press("ctrl+q")

    asyncio.run(go())
    assert app.return_code == 0
