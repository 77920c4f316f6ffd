"""What earlier sessions teach the recogniser: corrected terms, speaker names, attendees — newest first,
unreadable sessions skipped — and the snap pass spelling a later meeting's slip by them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from assistant.config import Settings, StorageSettings
from assistant.domain.transcript import Segment, Transcript, Word
from assistant.session import Session
from assistant.session.vocabulary import archive_vocabulary, meeting_hotwords, snap_terms
from assistant.speakers.names import SpeakerNames
from assistant.transcription.vocabulary import snap_transcript
from tests.support.session_data import details


def _session(root: Path, name: str, when: dt.datetime, attendees: list[str], line: str) -> Session:
    s = Session.create(root, details(attendees=attendees, facilitator=attendees[0]), name=name, now=when)
    s.add_segments([Segment(id=0, start=0.0, end=4.0, text=line, speaker="S1")])
    return s


def test_corrections_names_and_attendees_newest_first(tmp_path: Path) -> None:
    root = tmp_path / "sessions"
    older = dt.datetime(2026, 1, 5, 10, 0).astimezone()
    newer = dt.datetime(2026, 2, 9, 10, 0).astimezone()
    with _session(root, "old", older, ["Karen", "Ben"], "Check the pool savings on Pre-a's box.") as s:
        s.correct_line(0, "Check the pgbouncer pool settings on Priya's box.")
    with _session(root, "new", newer, ["Oluwaseun", "Ben"], "Thanks all.") as s:
        s.set_speakers(SpeakerNames(names={"S1": "Siobhan"}))
    (root / "broken").mkdir()  # no session.json: skipped, never an error
    terms = archive_vocabulary(root)
    assert terms.index("Siobhan") < terms.index("Oluwaseun") < terms.index("Karen")  # newest session first
    assert terms.index("pool settings") < terms.index("Siobhan")  # typed corrections lead
    assert {"Priya's", "pgbouncer"} <= set(terms)
    assert terms.count("Ben") == 1
    assert "Oluwaseun" not in archive_vocabulary(root, exclude="new")
    assert len(archive_vocabulary(root, limit=2)) == 2


def test_the_archive_spells_words_but_is_never_prompted(tmp_path: Path) -> None:
    root = tmp_path / "sessions"
    with _session(root, "old", dt.datetime(2026, 1, 5).astimezone(), ["Siobhan"], "Hi."):
        pass
    settings = Settings(storage=StorageSettings(sessions_dir=root))
    settings.asr.vocabulary = ["pgbouncer"]
    meeting = details(attendees=["Karen", "Ben"], facilitator="Karen")
    assert meeting_hotwords(meeting, settings) == ["Karen", "Ben", "pgbouncer"]
    assert snap_terms(settings) == ["Siobhan"]
    settings.asr.archive_vocabulary = False
    assert snap_terms(settings) == []


def test_a_name_from_an_earlier_session_spells_a_later_slip(tmp_path: Path) -> None:
    root = tmp_path / "sessions"
    with _session(root, "old", dt.datetime(2026, 1, 5).astimezone(), ["Karen"], "Shiv on will check it.") as s:
        s.correct_line(0, "Siobhan will check it.")
    said = ["Shiobhan,", " can", " you", " take", " the", " runbook?"]
    words = [Word(start=0.4 * n, end=0.4 * n + 0.3, text=w) for n, w in enumerate(said)]
    heard = Transcript(segments=[Segment(id=0, start=0.0, end=3.0, text="".join(said), words=words)])
    snapped = snap_transcript(heard, archive_vocabulary(root))
    assert snapped.segments[0].text.startswith("Siobhan, can you")
