"""Transcript and LLM text is untrusted: "[/]" must not crash the app (MarkupError), "[bold]" must not
style anything and "[BLANK_AUDIO]" must stay visible, in every place that shows such text."""

from __future__ import annotations

import asyncio
from pathlib import Path

from rich.text import Text
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
from tests.support.pilot import until

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


# --- format injection: the same hostile text through review, edit and every export --------------------

FORMULA = "=cmd|' /C calc'!A0"
INJECTION_LINES = [
    ("Ana", f"{FORMULA} | col | `rm -rf /` <script>alert(1)</script>"),
    ("Ben", "# Injected heading\n## and a second line | with | pipes"),
    ("Ana", "[link=http://evil.example]click[/link] and +1+cmd|'/C calc'!A0 then @SUM(1)"),
]
OWNER = "Ana\n| Ben"  # a newline and a pipe in a name: must not start a new table row or cell
INJECTED_ACTION = f"{FORMULA} fix `the` <b>parser</b> | now"
INJECTED_DUE = "-2+3 | Friday\n## Injected"


def injection_draft() -> Postmortem:
    return Postmortem(
        action_items=[
            ActionItem(
                id="act-inj",
                action=INJECTED_ACTION,
                owner=OWNER,
                due=INJECTED_DUE,
                evidence=Evidence(segment_ids=[0], quote=FORMULA),
            ),
            ActionItem(
                id="act-plain",
                action="Add an alert",
                owner="Ben",
                due="Friday",
                evidence=Evidence(segment_ids=[2], quote="then @SUM(1)"),
            ),
        ],
        decisions=[
            TextItem(
                id="dec-inj",
                text="# Injected heading | </td><img src=x onerror=alert(1)>",
                evidence=Evidence(segment_ids=[1]),
            )
        ],
        windows=[WindowStatus(index=0, start=0.0, end=20.0, ok=True)],
    )


def test_format_injection_survives_review_edit_and_every_export(tmp_path: Path) -> None:
    import csv
    import io
    import json

    from assistant.cli import main as cli_main
    from assistant.export.csvexport import CSV_COLUMNS
    from assistant.session import Session
    from assistant.tui.screens.export import ExportScreen
    from tests.test_export_markdown import MD, action_table, rendered_text

    root = tmp_path / "sessions"
    seed_session(root, "inj", details=demo_details(attendees=["Ana", "Ben"]), lines=INJECTION_LINES,
                 draft=injection_draft())  # fmt: skip
    # Proposed owners are normalised by the checks; what a person types is kept as typed: the hostile path.
    with Session.open(root, "inj") as session:
        session.edit_item("act-inj", owner=OWNER)
    app = create_app(scripted_services(root, export_dir=tmp_path), StartReview("inj"))

    async def go() -> None:
        async with app.run_test(size=(100, 30)) as pilot:
            await until(pilot, lambda: isinstance(app.screen, ReviewScreen))
            screen = app.screen
            for key in ("j", "j", "k", "k", "enter", "e"):  # walk the items, show the evidence, then edit
                await pilot.press(key)
                await pilot.pause()
            await until(pilot, lambda: isinstance(app.screen, EditScreen))
            await pilot.press("escape")
            await until(pilot, lambda: app.screen is screen)
            assert FORMULA in plain(screen.query_one("#detail", Static).render())
            for keys in [(), ("down", "enter"), ("down", "down", "enter")]:  # md, json, csv
                await pilot.press("E")
                await until(pilot, lambda: isinstance(app.screen, ExportScreen))
                await pilot.press(*keys, "ctrl+s")
                await until(pilot, lambda: app.screen is screen)
            await pilot.press("ctrl+q")

    asyncio.run(go())
    assert app.return_code == 0

    # Markdown: the action table keeps 4 columns in every row and each cell shows exactly what was said
    # (flattened to one line); no heading is injected anywhere.
    md = (tmp_path / "inj.postmortem.md").read_text(encoding="utf-8")
    rows = action_table(md)
    assert [len(r) for r in rows] == [4, 4, 4]
    owner_cell, action_cell, due_cell, _ = rows[1]
    assert rendered_text(owner_cell) == "Ana | Ben"
    assert INJECTED_ACTION in rendered_text(action_cell)
    assert "-2+3 | Friday ## Injected" in rendered_text(due_cell)
    headings = [t.content for t in MD.parse(md) if t.type == "inline" and "Injected" in t.content]
    assert headings and all(not h.startswith("Injected") for h in headings)
    assert not [t for t in MD.parse(md) if t.type in {"html_block", "html_inline"}]

    # CSV: parseable, fixed columns, values intact except that formulas are neutralised.
    records = list(csv.reader(io.StringIO((tmp_path / "inj.action_items.csv").read_text(encoding="utf-8"),
                                          newline="")))  # fmt: skip
    assert records[0] == list(CSV_COLUMNS) and all(len(r) == len(CSV_COLUMNS) for r in records)
    by_action = {r[1]: dict(zip(CSV_COLUMNS, r, strict=True)) for r in records[1:]}
    inj = by_action["'" + INJECTED_ACTION]
    assert inj["owner"] == OWNER and inj["due"] == "'" + INJECTED_DUE and inj["quote"] == "'" + FORMULA
    assert by_action["Add an alert"]["quote"] == "then @SUM(1)"  # only a leading trigger is touched

    # JSON: valid, and holds the original text unchanged (it is the full record).
    data = json.loads((tmp_path / "inj.postmortem.json").read_text(encoding="utf-8"))
    (item,) = [a for a in data["action_items"] if a["id"] == "act-inj"]
    assert (item["owner"], item["action"], item["due"]) == (OWNER, INJECTED_ACTION, INJECTED_DUE)

    # Transcript exports: one cue per line, the injected newline flattened, nothing dropped.
    out = tmp_path / "t.srt"
    assert cli_main(["export", "inj", "--format", "srt", "-o", str(out), "--sessions-dir", str(root)]) == 0
    cues = out.read_text(encoding="utf-8").strip().split("\n\n")
    assert len(cues) == len(INJECTION_LINES) and all(len(c.splitlines()) == 3 for c in cues)
    assert "# Injected heading ## and a second line | with | pipes" in cues[1]
