"""`process RECORDING --session NAME` saves the result as a session, as the app's import does: the real
speech model on a fixture meeting, a canned LLM for the one summary call of the hybrid engine, then a line
of it found again by `assistant search`. A name already taken fails in one line, before any work, and
leaves that session and the output folder untouched."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from assistant.domain.postmortem import Postmortem, ReviewStatus
from assistant.domain.transcript import Transcript
from assistant.session import Session
from tests.support.canned_llm import CannedLlm
from tests.support.cli import assert_one_error_line, run_cli
from tests.support.fixture_meetings import load_meeting
from tests.support.many_sessions import WEBHOOK, file_contents, make_sessions

SUMMARY = json.dumps({"summary": "A deploy changed the cache keys; the cold cache overloaded the catalog database."})


def test_a_taken_session_name_fails_before_any_work(tmp_path: Path) -> None:
    root = tmp_path / "sessions"
    make_sessions(root)
    files = file_contents(root)
    out = tmp_path / "out"
    meeting = load_meeting("cache-stampede")
    proc = run_cli("process", str(meeting.audio), "-o", str(out), "--session", WEBHOOK, "--sessions-dir", str(root))
    assert_one_error_line(proc, f"A session named {WEBHOOK!r} already exists")
    assert file_contents(root) == files and not out.exists()


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_process_saves_a_session_that_search_finds(tmp_path: Path) -> None:
    meeting = load_meeting("cache-stampede")
    root, out = tmp_path / "sessions", tmp_path / "out"
    with CannedLlm(SUMMARY) as llm:
        proc = run_cli(
            "process", str(meeting.audio), "-o", str(out), "--session", "stampede", "--sessions-dir", str(root),
            "--no-speakers", "--attendees", ",".join(meeting.attendees),
            "--meeting-date", meeting.meeting_date.isoformat(), "--incident-id", meeting.header["incident_id"],
            "--llm-url", llm.base_url, "--llm-model", "canned", "--structured-output", "json_object",
            timeout=850,
        )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "Session:  stampede" in proc.stdout

    transcript = Transcript.model_validate_json((out / "meeting.transcript.json").read_text(encoding="utf-8"))
    draft = Postmortem.model_validate_json((out / "meeting.postmortem.json").read_text(encoding="utf-8"))
    with Session.open(root, "stampede", readonly=True) as s:
        assert s.state == "finalised"
        assert s.details.recording == "meeting.flac" and s.details.incident_id == meeting.header["incident_id"]
        assert [(g.id, g.text) for g in s.transcript.segments] == [(g.id, g.text) for g in transcript.segments]
        items = s.postmortem.all_items()
        assert {i.id for i in items} == {i.id for i in draft.all_items()} and items
        assert all(i.status is ReviewStatus.PROPOSED for i in items)  # proposals, for a person to review

    # A line of the meeting, by its most distinctive word, is found in the new session.
    def longest_word(text: str) -> str:
        return max(re.findall(r"[A-Za-z]+", text), key=len, default="")

    line = max(transcript.segments, key=lambda g: len(longest_word(g.text)))
    word = longest_word(line.text)
    found = run_cli("search", word, "--json", "--limit", "500", "--sessions-dir", str(root))
    assert found.returncode == 0, found.stderr
    hits = json.loads(found.stdout)["hits"]
    assert {"session": "stampede", "kind": "line", "segment_id": line.id, "start": line.start}.items() <= next(
        h for h in hits if h["segment_id"] == line.id
    ).items(), (word, hits)
