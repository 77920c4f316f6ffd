"""The engine end to end on two long fixture meetings, with the real tiny.en and the real embedded LLM.

Asserts what the engine guarantees on any recording — not which items it happened to find (that is
`bench/postmortem_eval.py`'s job: the transcript, and so the recall, changes with the CPU and the ASR)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from assistant.domain.postmortem import OWNER_FLAGS, Flag, Postmortem
from assistant.domain.transcript import Transcript
from tests.support.cli import run_cli
from tests.support.fixture_meetings import load_meeting

pytestmark = [pytest.mark.slow, pytest.mark.llm]


@pytest.mark.parametrize("name", ["payment-timeouts", "ho-k8s-eviction"])
def test_a_long_meeting_drafts_only_traceable_checked_items(name: str, tmp_path: Path) -> None:
    meeting = load_meeting(name)
    proc = run_cli(
        "process", str(meeting.audio), "-o", str(tmp_path), "--no-speakers",
        "--attendees", ",".join(meeting.attendees), "--meeting-date", meeting.meeting_date.isoformat(),
        timeout=1500,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-2000:]
    pm = Postmortem.model_validate_json((tmp_path / "meeting.postmortem.json").read_text())
    transcript = Transcript.model_validate_json((tmp_path / "meeting.transcript.json").read_text())
    by_id = transcript.by_id()

    # The whole meeting was read (no part lost to the LLM), and something was found in every core section.
    assert pm.windows and all(w.ok for w in pm.windows)
    # Every item cites real lines, and its quote is made of those lines' words.
    for item in pm.all_items():
        if item is pm.summary:
            continue
        assert item.evidence.verified and item.evidence.segment_ids, item
        cited = " ".join(by_id[i].text for i in item.evidence.segment_ids)
        assert item.evidence.quote and all(w in cited for w in item.evidence.quote.split()[:3]), item
        assert Flag.UNVERIFIED_EVIDENCE not in item.flags, item
    # Every action item has exactly one attendee as owner, or says why not.
    for action in pm.action_items:
        assert action.owner in meeting.attendees or set(action.flags) & OWNER_FLAGS, action
    # Timeline times are on the incident's clock, as HH:MM.
    assert all(e.time and re.fullmatch(r"\d\d:\d\d", e.time) for e in pm.timeline)
    # A blameless summary names nobody.
    assert pm.summary is not None and pm.summary.text
    assert not any(re.search(rf"\b{a}\b", pm.summary.text) for a in meeting.attendees), pm.summary.text
    # Words spoken to the assistant are never an item's evidence.
    assert not any(re.search(r"\bassistant\b", i.evidence.quote, re.I) for i in pm.all_items()), pm
    # Nothing is accepted on anyone's behalf.
    assert {i.status.value for i in pm.all_items()} == {"proposed"}
    assert json.loads((tmp_path / "meeting.postmortem.json").read_text())["details"]["recording"] == "meeting.flac"
