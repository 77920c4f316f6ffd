"""Correcting transcript lines: saved beside the untouched recognised transcript, undoable, the citing
items re-checked, and on request re-read by the real rules engine (fresh proposals, new items)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.domain.postmortem import ActionItem, Flag, Postmortem, ReviewStatus
from assistant.domain.transcript import Segment
from assistant.errors import SessionError
from assistant.extraction.rules.detect import read_transcript
from assistant.session import Session
from assistant.session.corrections import CORRECTIONS_FILE, changed_phrases
from assistant.session.reading import TRANSCRIPT_FILE
from assistant.session.reextract import reread_line
from tests.support.session_data import details
from tests.support.sessions import NOW, reopen

LINES = [
    ("Karen", "So the webhook queue started backing up at 09:15 on Tuesday."),
    ("Karen", "OK, who takes the dashboard panel for the queue depth?"),
    ("Ben", "Ben will add the queue depth panel by the fist."),
    ("Karen", "And Pre-a will add a retry cap to the worker template by Thursday."),
    ("Priya", "Sounds good, thanks."),
]


@pytest.fixture
def session(tmp_path: Path) -> Iterator[Session]:
    """A meeting read by the real rules engine, the recogniser's slips ("fist", "Pre-a") still in it."""
    meeting = details(attendees=["Karen", "Ben", "Priya"])
    segments = [Segment(id=n, start=10.0 * n, end=10.0 * n + 8, text=t, speaker=s) for n, (s, t) in enumerate(LINES)]
    with Session.create(tmp_path / "sessions", meeting, now=NOW) as s:
        s.add_segments(segments)
        s.merge_proposals(read_transcript(s.named_transcript.segments, meeting).postmortem)
        yield s


def _panel(pm: Postmortem) -> ActionItem:
    return next(a for a in pm.action_items if "panel" in a.action)


def test_correction_is_saved_beside_the_untouched_transcript(session: Session) -> None:
    recognised = (session.path / TRANSCRIPT_FILE).read_bytes()
    session.correct_line(2, "Ben will add the queue depth panel by the first.")
    assert (session.path / TRANSCRIPT_FILE).read_bytes() == recognised
    saved = json.loads((session.path / CORRECTIONS_FILE).read_text())
    assert saved["lines"]["2"]["original"] == LINES[2][1]
    with reopen(session) as again:
        assert again.transcript.segments[2].text == "Ben will add the queue depth panel by the first."
        assert again.original_text(2) == LINES[2][1]
        assert again.original_text(1) is None


def test_correction_rechecks_the_citing_item_and_undo_restores(session: Session) -> None:
    panel = _panel(session.postmortem)
    assert "fist" in panel.evidence.quote
    rechecked = session.correct_line(2, "Ben will add the queue depth panel by the first.")
    assert rechecked == [panel.id]
    assert "first" in panel.evidence.quote and "fist" not in panel.evidence.quote
    assert panel.evidence.verified and Flag.UNVERIFIED_EVIDENCE not in panel.flags
    assert session.undo() == [panel.id]
    assert "fist" in panel.evidence.quote
    assert session.transcript.segments[2].text == LINES[2][1]
    assert not session.corrected_lines


def test_reextraction_reads_the_corrected_line(session: Session) -> None:
    panel = _panel(session.postmortem)
    assert Flag.NO_DUE_DATE in panel.flags  # "by the fist" is no date
    session.set_status(panel.id, ReviewStatus.ACCEPTED)
    session.correct_line(2, "Ben will add the queue depth panel by the first.")
    reading = reread_line(2, session.postmortem, session.named_transcript, session.details)
    changed, added = session.apply_reading(reading)
    assert changed == [panel.id] and added == 0
    assert panel.due == "by the first" and panel.owner == "Ben"
    assert Flag.NO_DUE_DATE not in panel.flags
    # Its content changed under the reviewer: back to review, and one undo takes it back.
    assert panel.status is ReviewStatus.PROPOSED and not panel.edited
    session.undo()
    restored = session.postmortem.find(panel.id)
    assert restored is not None and restored.status is ReviewStatus.ACCEPTED and panel.due != "by the first"


def test_a_corrected_name_yields_the_item_the_slip_hid(session: Session) -> None:
    before = {a.id for a in session.postmortem.action_items}
    assert not any("retry cap" in a.action for a in session.postmortem.action_items)
    session.correct_line(3, "And Priya will add a retry cap to the worker template by Thursday.")
    reading = reread_line(3, session.postmortem, session.named_transcript, session.details)
    _, added = session.apply_reading(reading)
    assert added >= 1
    cap = next(a for a in session.postmortem.action_items if a.id not in before)
    assert cap.owner == "Priya" and cap.due and "Thursday" in cap.due
    assert 3 in cap.evidence.segment_ids and cap.status is ReviewStatus.PROPOSED


def test_a_line_that_no_longer_reads_as_an_item_is_reported_not_deleted(session: Session) -> None:
    panel = _panel(session.postmortem)
    session.correct_line(2, "Ben said the queue depth panel was fine.")
    reading = reread_line(2, session.postmortem, session.named_transcript, session.details)
    assert panel.id in reading.unsupported
    assert session.postmortem.find(panel.id) is not None


def test_typing_the_original_back_removes_the_correction(session: Session) -> None:
    session.correct_line(2, "Ben will add the queue depth panel by the first.")
    session.correct_line(2, "  " + LINES[2][1] + " ")
    assert not session.corrected_lines
    assert session.transcript.segments[2].text == LINES[2][1]


@pytest.mark.parametrize("text", ["", "   ", "x" * 2001], ids=["empty", "blank", "too-long"])
def test_bad_corrections_change_nothing(session: Session, text: str) -> None:
    with pytest.raises(SessionError, match="Cannot correct line 2"):
        session.correct_line(2, text)
    with pytest.raises(SessionError, match="No transcript line 99"):
        session.correct_line(99, "anything")
    assert not (session.path / CORRECTIONS_FILE).exists()


def test_readonly_sessions_cannot_be_corrected(session: Session) -> None:
    with Session.open(session.path.parent, session.name, readonly=True) as ro, pytest.raises(SessionError):
        ro.correct_line(2, "Ben will add the queue depth panel by the first.")


def test_changed_phrases_are_the_typed_names_and_terms() -> None:
    assert changed_phrases("Pre-a, can you add it?", "Priya, can you add it?") == ["Priya"]
    assert changed_phrases("check the pool savings", "check the pool settings") == ["pool settings"]
    assert changed_phrases("the pg bouncer pool", "the pgbouncer pool") == ["pgbouncer"]
    assert changed_phrases("Fix the thing.", "fix the thing") == []  # case and punctuation only
    assert changed_phrases("it broke at noon", "it broke") == []  # a deletion types nothing
