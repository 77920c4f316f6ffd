"""The meeting corrects the draft, end to end with the real components: `prepare --draft` with the
fixture draft (a wrong alert time, the restart missing), then `process` of the fixture meeting that
corrects and adds them (real tiny.en, the real embedded LLM for the summary, the rules for the rest).
The correction is proposed with the said value and its quote, the restart is added, confirmed rows carry
the confirming words, the rest is "not discussed"; accepting the correction puts the said time in."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from assistant.domain.postmortem import DraftState, ReviewStatus
from assistant.session import Session
from assistant.session.drafts import set_correction
from tests.support.cli import run_cli

pytestmark = [pytest.mark.slow, pytest.mark.llm, pytest.mark.timeout(900)]

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "drafts" / "search-index"
SECOND = FIXTURE.parent / "search-index-2"  # the action-items session
# Measured: with the archive's names as hotwords, live tiny.en re-hears the first 20 s of this meeting
# (its lines twice, the alert line lost); the draft's comparison is what is tested here, not hotwords.
LIVE_ENV = {"ASSISTANT_ASR__ARCHIVE_VOCABULARY": "false"}


def _digits(text: str | None) -> str:
    return re.sub(r"\D", "", text or "")


def test_the_meeting_confirms_corrects_and_adds_to_the_draft(tmp_path: Path) -> None:
    root = str(tmp_path / "sessions")
    prepared = run_cli("prepare", "search", "--draft", str(FIXTURE / "draft.md"), "--sessions-dir", root)
    assert prepared.returncode == 0, prepared.stderr
    proc = run_cli(
        "process", str(FIXTURE / "meeting.flac"), "-o", str(tmp_path / "out"), "--session", "search",
        "--sessions-dir", root, "--no-speakers", timeout=850,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-2000:]

    with Session.open(Path(root), "search") as session:
        pm = session.postmortem
        assert session.details.recording == "meeting.flac" and session.details.facilitator == "Lisa"
        rows = {_digits(e.time): e for e in pm.timeline if e.origin == "draft"}
        alert = rows["1216"]
        assert alert.draft_state is DraftState.CORRECTED
        [correction] = alert.corrections
        assert correction.field == "time" and _digits(correction.said_value) == "1228"
        assert correction.status is ReviewStatus.PROPOSED
        assert "alert" in correction.evidence.quote.lower() and correction.evidence.start is not None
        assert 15 < correction.evidence.start < 23  # Peter's line, 17.9 s into the recording
        for confirmed in ("1147", "1326"):
            assert rows[confirmed].draft_state is DraftState.CONFIRMED, rows[confirmed]
            by = rows[confirmed].confirmed_by
            assert by is not None and by.quote
        assert rows["1335"].draft_state is DraftState.NOT_DISCUSSED  # the all-clear was never mentioned
        added = [e for e in pm.timeline if e.origin == "meeting"]
        assert [_digits(e.time) for e in added] == ["1241"] and "restart" in added[0].event.lower()
        assert pm.impact.duration is not None and pm.impact.duration.draft_state is DraftState.CONFIRMED
        assert pm.impact.users_affected is not None
        assert pm.impact.users_affected.draft_state is DraftState.NOT_DISCUSSED
        assert all(i.draft_state is not DraftState.DRAFT for i in pm.all_items() if i.origin == "draft")

        set_correction(session, alert.id, 0, ReviewStatus.ACCEPTED)

    md = run_cli("export", "search", "--sessions-dir", root).stdout
    assert re.search(
        r"\| 12:?28 \| First alert fires \*\(draft · corrected: time 12:16 → 12\S*28, \[00:1\d\] \"[^\"]*alert", md
    )
    assert re.search(
        r"\| 11:47 \| New index schema deployed; search stops returning results \*\(draft · confirmed \[00:0\d\]", md
    )
    assert re.search(r"\| 13:35 \| All clear called \*\(draft · not discussed\)\*", md)
    assert re.search(r"\| 12:?41 \| .*restart.* \*\(proposed · added by the meeting\)\*", md, re.IGNORECASE)


def test_a_live_meeting_corrects_the_draft_and_a_second_session_continues_it(tmp_path: Path) -> None:
    """`record --headless --from-file` (the live engine: streaming tiny.en, live windows, final pass)
    into the prepared session: the same outcome as `process`, and a draft row is never confirmed by its
    own copy handed back by the final pass. Then `record --continue` records the action-items session
    into the same postmortem: one document, both recordings' lines, evidence in the right session."""
    root = str(tmp_path / "sessions")
    assert run_cli("prepare", "live", "--draft", str(FIXTURE / "draft.md"), "--sessions-dir", root).returncode == 0
    proc = run_cli(
        "record", "--headless", "--from-file", str(FIXTURE / "meeting.flac"), "--speed", "3", "--session", "live",
        "--no-speakers", "--sessions-dir", root, timeout=850, env=LIVE_ENV,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert '"type": "finalised"' in proc.stdout
    with Session.open(Path(root), "live", readonly=True) as session:
        pm = session.postmortem
        first_lines = len(session.transcript.segments)
        rows = {_digits(e.time): e for e in pm.timeline if e.origin == "draft"}
        seen = [(e.time, e.event, e.draft_state, e.evidence.quote) for e in pm.timeline]
        lines = [s.text for s in session.transcript.segments]
        assert [_digits(c.said_value) for c in rows["1216"].corrections] == ["1228"], (seen, lines)
        assert rows["1335"].draft_state is DraftState.NOT_DISCUSSED
        assert [_digits(e.time) for e in pm.timeline if e.origin == "meeting"] == ["1241"]
        users = pm.impact.users_affected
        assert users is not None and users.draft_state is DraftState.NOT_DISCUSSED  # never said
        [action] = pm.action_items
        assert action.draft_state is DraftState.NOT_DISCUSSED  # left for the second session
        for item in pm.all_items():
            if item.draft_state is DraftState.CONFIRMED:
                # Where it was said; the summary is confirmed by the meeting's summary, which cites no quote.
                assert item.confirmed_by is not None and item.confirmed_by.start is not None, item
                assert item.confirmed_by.quote or item is pm.summary, item

    second = run_cli(
        "record", "--headless", "--from-file", str(SECOND / "meeting.flac"), "--speed", "3", "--continue", "live",
        "--meeting-date", "2025-03-13", "--no-speakers", "--sessions-dir", root, timeout=850, env=LIVE_ENV,
    )  # fmt: skip
    assert second.returncode == 0, second.stderr[-2000:]
    assert "recording session 2 of live" in second.stderr
    with Session.open(Path(root), "live", readonly=True) as session:
        pm = session.postmortem
        one, two = session.details.parts
        assert (one.index, one.start_s, two.index, two.date) == (1, 0.0, 2, dt.date(2025, 3, 13))
        assert 40 < two.start_s < 46  # where the first recording ended
        assert len(session.transcript.segments) > first_lines
        assert min(s.start for s in session.transcript.segments[first_lines:]) >= two.start_s
        [action, *added] = pm.action_items
        assert action.origin == "draft" and action.draft_state is DraftState.CONFIRMED, action
        assert action.confirmed_by is not None and action.confirmed_by.start is not None
        assert action.confirmed_by.start >= two.start_s and "schema check" in action.confirmed_by.quote
        assert any("runbook" in a.action.lower() and (a.evidence.start or 0.0) >= two.start_s for a in added), added
        # What the first session decided stays: the correction, the added restart.
        assert [_digits(c.said_value) for e in pm.timeline for c in e.corrections] == ["1228"]
    md = run_cli("export", "live", "--sessions-dir", root).stdout
    assert "- **Sessions:** 1: 2025-03-12, from 00:00; 2: 2025-03-13, from 00:4" in md
    assert re.search(r"Add a schema check to the deploy pipeline \| before Friday \(2025-03-14\) \| open · accepted · "
                     r"draft · confirmed \[2 · 00:0\d\] \"[^\"]*schema check", md), md  # fmt: skip
    assert re.search(r"First alert fires \*\(draft · correction proposed: time 12:16 → 12\S*28, \[1 · 00:1\d\]", md)
    txt = run_cli("export", "live", "--format", "txt", "--sessions-dir", root).stdout
    assert "rolled back" in txt and "runbook" in txt
