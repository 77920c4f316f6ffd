"""`record --continue SESSION` refuses in one line, before any recording starts and changing nothing, a
session that does not exist and one without a live recording to continue (imported from a file); a
prepared draft with no meeting yet gets its first session. The second session itself is recorded end to
end in tests/test_draft_meeting.py (slow)."""

from __future__ import annotations

from pathlib import Path

from assistant.domain.postmortem import MeetingDetails
from assistant.domain.transcript import Segment
from assistant.session import Session
from assistant.session.parts import start_next_part
from tests.support.cli import assert_one_error_line, run_cli
from tests.support.many_sessions import file_contents


def test_an_unknown_session_is_one_error_line(tmp_path: Path) -> None:
    proc = run_cli("record", "--headless", "--continue", "nope", "--sessions-dir", str(tmp_path))
    assert_one_error_line(proc, "No session named 'nope'")


def test_a_session_imported_from_a_file_cannot_be_continued(tmp_path: Path) -> None:
    with Session.create(tmp_path, MeetingDetails(title="imported"), "imported") as session:
        session.add_segments([Segment(id=0, start=0.0, end=2.0, text="At 11:47 we deployed.")])
        session.mark_state("finalised")
    before = file_contents(tmp_path)
    proc = run_cli("record", "--headless", "--continue", "imported", "--sessions-dir", str(tmp_path))
    assert_one_error_line(proc, "has no live recording to continue")
    assert file_contents(tmp_path) == before


def test_a_prepared_session_starts_with_its_first(tmp_path: Path) -> None:
    with Session.create(tmp_path, MeetingDetails(title="prepared"), "prepared") as session:
        session.mark_state("finalised")
    assert start_next_part(tmp_path, "prepared") == 1
    with Session.open(tmp_path, "prepared", readonly=True) as session:
        assert session.details.parts == []
