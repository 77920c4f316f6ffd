"""LiveController on the owner thread: segments persisted before printing, proposals stored the
moment they arrive, failed windows reported and retried, review decisions never overridden."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from assistant.domain.postmortem import (
    ActionItem,
    Evidence,
    MeetingDetails,
    Postmortem,
    ReviewStatus,
    WindowStatus,
)
from assistant.domain.transcript import Segment
from assistant.live.controller import LiveController
from assistant.live.events import AsrStatus, AudioStatus, ProposalsExtracted, SegmentsCommitted, WorkerFailed
from assistant.live.scheduler import ExtractionScheduler
from assistant.session import Session
from assistant.tui.scripted import ManualClock
from tests.support.fakes import RecordingJobQueue


def _segments(start_id: int, n: int) -> list[Segment]:
    return [
        Segment(id=i, start=i * 5.0, end=i * 5.0 + 4.0,
                text=f"Tom will add the certificate expiry alert before Friday number {i} okay")
        for i in range(start_id, start_id + n)
    ]  # fmt: skip


def _draft(seg: Segment) -> Postmortem:
    item = ActionItem(
        id="action-1", action="Add the certificate expiry alert", owner="Tom", due="Friday",
        evidence=Evidence(quote="Tom will add the certificate expiry alert", segment_ids=[seg.id]),
    )  # fmt: skip
    return Postmortem(action_items=[item])


def _controller(tmp_path: Path) -> tuple[LiveController, Session, RecordingJobQueue, ManualClock, list[dict[str, Any]]]:
    session = Session.create(tmp_path, MeetingDetails(attendees=["Lisa", "Tom", "Peter"]), "live")
    llm, clock = RecordingJobQueue(), ManualClock(100.0)
    out: list[dict[str, Any]] = []
    scheduler = ExtractionScheduler(min_words=10, pause_s=1.0, max_wait_s=20)
    controller = LiveController(session, scheduler, llm, out.append, stream_started_at=90.0, clock=clock)
    return controller, session, llm, clock, out


def test_segments_are_persisted_and_printed(tmp_path: Path) -> None:
    controller, session, _, _, out = _controller(tmp_path)
    controller.handle(SegmentsCommitted(_segments(0, 2), 0.0))
    assert [s.id for s in session.transcript.segments] == [0, 1]
    assert [r["id"] for r in out if r["type"] == "segment"] == [0, 1]
    session.close()


def test_window_scheduled_then_proposals_stored_with_checks_and_latency(tmp_path: Path) -> None:
    controller, session, llm, clock, out = _controller(tmp_path)
    segs = _segments(0, 2)
    controller.handle(SegmentsCommitted(segs, 0.0))
    clock.t += 2
    controller.tick()
    assert len(llm.jobs) == 1 and [s.id for s in llm.jobs[0].segments] == [0, 1]
    controller.tick()
    assert len(llm.jobs) == 1  # one call in flight
    clock.t += 5
    status = WindowStatus(index=0, start=0, end=9, ok=True)
    controller.handle(ProposalsExtracted(_draft(segs[0]), status, [0, 1], 102.0, clock.t))
    stored = session.postmortem.action_items
    assert stored and stored[0].owner == "Tom" and stored[0].evidence.verified
    assert stored[0].due_date is None  # no meeting date given
    proposals = [r for r in out if r["type"] == "proposal"]
    assert proposals and proposals[0]["latency_s"] == clock.t - (90.0 + 4.0)
    # Reopened from disk: the proposal survived.
    session.close()
    with Session.open(tmp_path, "live", readonly=True) as again:
        assert again.postmortem.action_items[0].owner == "Tom"


def test_review_decision_survives_a_later_window(tmp_path: Path) -> None:
    controller, session, _, _, _ = _controller(tmp_path)
    segs = _segments(0, 2)
    controller.handle(SegmentsCommitted(segs, 0.0))
    ok = WindowStatus(index=0, start=0, end=9, ok=True)
    controller.handle(ProposalsExtracted(_draft(segs[0]), ok, [0, 1], 0, 0))
    session.set_status("action-1", ReviewStatus.REJECTED)
    controller.handle(ProposalsExtracted(_draft(segs[0]), ok, [0, 1], 0, 0))
    assert session.postmortem.action_items[0].status is ReviewStatus.REJECTED
    assert len(session.postmortem.action_items) == 1
    session.close()


def test_failed_window_is_reported_and_retried(tmp_path: Path) -> None:
    controller, session, llm, clock, out = _controller(tmp_path)
    controller.handle(SegmentsCommitted(_segments(0, 2), 0.0))
    clock.t += 2
    controller.tick()
    failed = WindowStatus(index=0, start=0, end=9, ok=False, error="cannot reach the LLM server")
    controller.handle(ProposalsExtracted(Postmortem(), failed, [0, 1], 0, 0, unavailable=True))
    [status] = [r for r in out if r["type"] == "llm_status"]
    assert status["state"] == "retrying" and "cannot reach" in status["error"] and status["retry_in_s"] > 0
    assert "cannot reach" in controller.state.llm_note
    clock.t += 25
    controller.tick()
    assert len(llm.jobs) == 2 and [s.id for s in llm.jobs[1].segments] == [0, 1]
    controller.handle(WorkerFailed("recorder", "disk full", fatal=True))
    controller.handle(AsrStatus(3.0, 10.0, 2.0, True, 2.5))
    assert controller.state.behind and controller.state.errors
    session.close()


def test_outage_is_visible_backed_off_then_recovered_without_duplicates(tmp_path: Path) -> None:
    controller, session, llm, clock, out = _controller(tmp_path)
    segs = _segments(0, 2)
    controller.handle(SegmentsCommitted(segs, 0.0))
    clock.t += 2
    controller.tick()
    failed = WindowStatus(index=0, start=0, end=9, ok=False, error="LLM server is rate limiting (HTTP 429)")
    controller.handle(ProposalsExtracted(Postmortem(), failed, [0, 1], 0, 0, unavailable=True, retry_after_s=7.0))
    retrying = [r for r in out if r["type"] == "llm_status"]
    assert retrying[-1]["retry_in_s"] == 7.0 and retrying[-1]["retry_after_s"] == 7.0
    assert controller.state.llm_retry_at == clock.t + 7.0
    clock.t += 6.9
    controller.tick()
    assert len(llm.jobs) == 1  # Retry-After honoured: not yet
    clock.t += 0.2
    controller.tick()
    assert len(llm.jobs) == 2
    ok = WindowStatus(index=1, start=0, end=9, ok=True)
    controller.handle(ProposalsExtracted(_draft(segs[0]), ok, [0, 1], 0, 0))
    assert out[-2]["type"] == "llm_status" and out[-2]["state"] == "recovered" and out[-2]["failed_attempts"] == 1
    assert controller.state.llm_note == "" and controller.state.llm_retry_at is None
    # The same item again (a retried window overlapping an answered one) is merged, not duplicated.
    controller.handle(ProposalsExtracted(_draft(segs[0]), ok, [0, 1], 0, 0))
    assert len(session.postmortem.action_items) == 1
    assert len([r for r in out if r["type"] == "proposal"]) == 1
    session.close()


def test_repeated_bad_answers_skip_to_the_next_lines(tmp_path: Path) -> None:
    controller, session, llm, clock, out = _controller(tmp_path)
    controller.handle(SegmentsCommitted(_segments(0, 2), 0.0))
    bad = WindowStatus(index=0, start=0, end=9, ok=False, error="invalid answer after 2 attempts")
    for _ in range(3):
        clock.t += 61
        controller.tick()
        controller.handle(ProposalsExtracted(Postmortem(), bad, [0, 1], 0, 0))
    states = [r["state"] for r in out if r["type"] == "llm_status"]
    assert states == ["retrying", "retrying", "skipped"]
    assert "final pass" in controller.state.llm_note
    controller.handle(SegmentsCommitted(_segments(2, 2), 0.0))
    clock.t += 2
    controller.tick()
    assert [s.id for s in llm.jobs[-1].segments][-2:] == [2, 3]  # live extraction goes on
    session.close()


def test_a_meeting_past_90_minutes_gets_one_template_notice(tmp_path: Path) -> None:
    controller, session, _, _, out = _controller(tmp_path)
    controller.handle(AudioStatus(level_dbfs=-30.0, dropped_s=0.0, recorded_s=89 * 60.0))
    assert not [r for r in out if r["type"] == "notice"] and not controller.state.template_notice
    for minutes in (91, 92):
        controller.handle(AudioStatus(level_dbfs=-30.0, dropped_s=0.0, recorded_s=minutes * 60.0))
    [notice] = [r for r in out if r["type"] == "notice"]
    assert notice["kind"] == "long_meeting" and "91 minutes" in notice["message"]
    assert controller.state.template_notice == notice["message"]
    session.close()
