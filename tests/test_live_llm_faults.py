"""LLM faults during a live meeting: `assistant record --headless --from-file` with the real tiny.en
and the real embedded model behind the fault proxy, which injects one fault per request:

connection refused → HTTP 429 with Retry-After: 5 → a refusal → HTTP 500 → server killed mid-request
and back 6 s later → a malformed answer (re-asked once: the re-ask gets the real model's answer).

Expected: transcription and recording never stop; every failure is a visible `llm_status` line and
the window is retried after a growing backoff (Retry-After honoured); after recovery the lines of the
failed window are extracted; no item is duplicated; nothing crashes and the session is finalised.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path

import pytest

from assistant.domain.postmortem import Item
from assistant.extraction.embedded import EMBEDDED_MODEL_NAME
from assistant.session import Session
from tests.support.fixture_meetings import load_meeting
from tests.support.guarantees import assert_windows_accounted
from tests.support.jsonl_child import RecordChild
from tests.support.openai_proxy import OpenAIProxy

pytestmark = [pytest.mark.slow, pytest.mark.llm, pytest.mark.timeout(1800)]

ROOT = Path(__file__).resolve().parents[1]
FAULTS = ["refuse", "429:5", "refusal", "500", "kill:6", "malformed"]
LINE = re.compile(r"^L(\d+) \[", re.M)


def _lines(request: dict[str, object]) -> set[int]:
    messages = request["messages"]
    assert isinstance(messages, list)
    return {int(n) for n in LINE.findall(messages[1]["content"])}


def test_live_meeting_survives_llm_faults(embedded_server: str, tmp_path: Path) -> None:
    meeting = load_meeting("queue-backlog")
    # A window of the 1.5B model can take minutes on 2 busy cores: no timeout may add a fault of its own.
    # The windows engine, which asks the LLM for every live window: the faults need requests to land on
    # (the hybrid default calls no model while the meeting runs).
    env = {"ASSISTANT_LLM__TIMEOUT_S": "1500", "ASSISTANT_LLM__ENGINE": "windows"}
    with OpenAIProxy(embedded_server) as proxy:
        proxy.faults.extend(FAULTS)
        child = RecordChild(
            ["--sessions-dir", str(tmp_path), "--session", "faults", "--from-file", str(meeting.audio),
             "--attendees", ",".join(meeting.attendees), "--meeting-date", meeting.meeting_date.isoformat(),
             "--llm-url", proxy.base_url, "--llm-model", EMBEDDED_MODEL_NAME, "--structured-output", "json_object",
             "--no-speakers"],
            env=env,
        )  # fmt: skip
        try:
            rc = child.finish(timeout=1500)
        finally:
            if child.proc.poll() is None:
                child.proc.kill()
        assert rc == 0, child.stderr[-2000:]
        assert "Traceback" not in child.stderr, child.stderr[-2000:]
        assert not proxy.faults, "every fault was injected during the meeting"
        requests, times = list(proxy.requests), list(proxy.request_times)

    records = [r for _, r in child.records]
    statuses = [r for r in records if r["type"] == "llm_status"]
    retrying = [r for r in statuses if r["state"] == "retrying"]
    # One visible status per failed call, in order; a growing backoff, Retry-After honoured.
    assert [r["attempt"] for r in retrying] == [1, 2, 3, 4, 5], statuses
    assert [r["unavailable"] for r in retrying] == [True, True, False, True, True]
    delays = [r["retry_in_s"] for r in retrying]
    assert delays[1] == 5.0 and retrying[1]["retry_after_s"] == 5.0, delays
    assert delays[0] < delays[2] < delays[3] < delays[4] <= 60, delays
    for k, delay in enumerate(delays):
        # Request k failed; request k+1 (the retry) did not go out before the announced backoff.
        assert times[k + 1] - times[k] >= delay - 0.2, (k, times[k + 1] - times[k], delay)
    recovered = [r for r in statuses if r["state"] == "recovered"]
    assert recovered and recovered[0]["failed_attempts"] == 5, statuses
    assert records.index(recovered[0]) > records.index(retrying[-1])

    # After recovery, the lines of the first (failed) window were extracted: the first answered
    # request (the re-ask after the malformed answer) carries all of them.
    first_ok = requests[len(FAULTS)]
    assert _lines(requests[0]) <= _lines(first_ok), (_lines(requests[0]), _lines(first_ok))
    # Recovered in the live path, not by the final pass (what the model finds there is its own business).
    final_at = next(i for i, r in enumerate(records) if r["type"] == "final_pass")
    assert records.index(recovered[0]) < final_at

    # Transcription and recording never stopped: lines kept coming during the outage and cover the
    # whole meeting; the recording holds all of it.
    segments = [r for r in records if r["type"] == "segment"]
    duration = float(json.loads((meeting.folder / "turns.json").read_text())["duration"])
    assert segments[-1]["end"] >= duration - 15, segments[-1]
    outage_lines = [r for r in records[: records.index(recovered[0])] if r["type"] == "segment"]
    assert len(outage_lines) >= 10, "transcription stalled while the LLM was failing"

    with Session.open(tmp_path, "faults", readonly=True) as session:
        assert session.state == "finalised"
        assert [s.id for s in session.transcript.segments] == [r["id"] for r in segments]
        recorded_s = session.details.duration_s
        assert recorded_s is not None and abs(recorded_s - duration) < 1.5, recorded_s
        pm = session.postmortem
        assert_windows_accounted(pm)
        groups: dict[str, Sequence[Item]] = {
            "decisions": pm.decisions, "action_items": pm.action_items, "open_questions": pm.open_questions,
            "timeline": pm.timeline, "what_worked": pm.what_worked, "what_didnt": pm.what_didnt,
        }  # fmt: skip
        for name, items in groups.items():
            texts = [" ".join(i.main_text().lower().split()) for i in items]
            assert len(texts) == len(set(texts)), f"duplicate {name}: {texts}"
        ids = [i.id for i in pm.all_items()]
        assert len(ids) == len(set(ids))
