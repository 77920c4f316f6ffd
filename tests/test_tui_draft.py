"""The review of a postmortem prepared from a draft, through Pilot on a real session: the draft line
counts what the meeting confirmed / corrected and names what it did not discuss; the detail shows the
correction side by side (draft value → said value, the words); `a` accepts the correction (saved: the
item holds the said value, the correction keeps the draft's), `x` on another keeps the draft value;
transcript words are shown as plain text, never markup."""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Static

from assistant.domain.postmortem import (
    Evidence,
    MeetingDetails,
    Postmortem,
    ReviewStatus,
    TimelineEvent,
)
from assistant.draft.read import read_draft
from assistant.session import Session
from assistant.session.drafts import import_draft, merge_meeting
from assistant.tui.app import PostmortemApp
from assistant.tui.widgets.proposals import ProposalList
from tests.support.pilot import run_review

DRAFT = Path(__file__).resolve().parents[1] / "fixtures" / "drafts" / "search-index" / "draft.md"
NAME = "drafted"


def _said(time: str, event: str, quote: str, start: float) -> TimelineEvent:
    evidence = Evidence(quote=quote, start=start, segment_ids=[0], verified=True)
    return TimelineEvent(id=f"m-{time}", time=time, event=event, evidence=evidence)


def _seed(root: Path) -> tuple[str, str]:
    with Session.create(root, MeetingDetails(), NAME) as session:
        import_draft(session, read_draft(DRAFT))
        meeting = Postmortem(timeline=[
            _said("12:28", "The first alert fired", "The first alert fired at 12:28 [/] [bold]", 18.0),
            _said("13:37", "The all clear was called", "We called the all clear at 13:37", 40.0),
            _said("11:47", "We deployed the new index schema", "At 11:47 we deployed the new index schema", 8.0),
        ])  # fmt: skip
        merge_meeting(session, meeting)
        rows = {e.time: e.id for e in session.postmortem.timeline}
        return rows["12:16"], rows["13:35"]


def _text(app: PostmortemApp, selector: str) -> str:
    widget = app.screen.query_one(selector, Static)
    return str(widget.render())


def test_corrections_side_by_side_accepted_and_rejected(tmp_path: Path) -> None:
    root = tmp_path / "sessions"
    alert, all_clear = _seed(root)

    async def scenario(app: PostmortemApp, pilot: Pilot[int]) -> None:
        overview = _text(app, "#draft-status")
        assert "Draft: 1 confirmed · 2 correction(s) to review · 7 not discussed" in overview
        assert "13:26 Schema change rolled back" in overview  # never mentioned: ask about it
        proposals = app.screen.query_one(ProposalList)
        proposals.move_to(alert)
        await pilot.pause()
        detail = _text(app, "#detail")
        assert "time: draft 12:16  →  said 12:28  (correction proposed)" in detail
        assert "00:18 “The first alert fired at 12:28 [/] [bold]”" in detail  # as said, not markup
        await pilot.press("a")
        await pilot.pause()
        proposals.move_to(all_clear)
        await pilot.pause()
        await pilot.press("x")
        await pilot.pause()
        assert "Draft: 1 confirmed · 0 correction(s) to review" in _text(app, "#draft-status")

    run_review(root, NAME, scenario, size=(120, 40))
    with Session.open(root, NAME, readonly=True) as session:
        rows = {e.id: e for e in session.postmortem.timeline}
        assert rows[alert].time == "12:28" and rows[alert].corrections[0].status is ReviewStatus.ACCEPTED
        assert rows[alert].corrections[0].draft_value == "12:16"
        assert rows[all_clear].time == "13:35" and rows[all_clear].corrections[0].status is ReviewStatus.REJECTED
