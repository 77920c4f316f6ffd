"""`record --headless` with the real speech model on a fixture meeting: every `candidate` line marks a
line already committed, in the same turn, before any item citing it; every mark ends confirmed or
dropped; a live confirmation names an item printed before it. Guarantees only: which lines the rules
mark and how many are confirmed is the benchmark's business (bench/live_candidates.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.support.canned_llm import CannedLlm
from tests.support.fixture_meetings import load_meeting
from tests.support.jsonl_child import RecordChild
from tests.test_live_candidates import assert_candidate_guarantees

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]

SUMMARY = json.dumps({"summary": "A certificate expired; renewal becomes automatic and expiry is alerted on."})


def test_candidate_lines_precede_their_items_and_mark_committed_lines(tmp_path: Path) -> None:
    meeting = load_meeting("tls-cert")
    # The LLM only writes the summary with the default (hybrid) engine: a canned stand-in is enough.
    # No speaker model: voices are not the point, and torch would double the child's start-up.
    with CannedLlm(SUMMARY) as llm:
        child = RecordChild(["--sessions-dir", str(tmp_path), "--session", "marks", "--from-file", str(meeting.audio),
                             "--speed", "2", "--no-speakers", "--attendees", ",".join(meeting.attendees),
                             "--llm-url", llm.base_url, "--llm-model", "canned",
                             "--structured-output", "json_object"])  # fmt: skip
        assert child.finish(timeout=800) == 0, child.stderr[-1500:]
    records = [r for _, r in child.records]
    assert child.of_type("segment") and child.of_type("candidate"), child.stderr[-1500:]
    assert_candidate_guarantees(records)
