"""`assistant batch` on this machine, with the real speech model on two short clips of fixture meetings
and a canned LLM for the hybrid engine's one summary call: broken inputs beside them are reported (one
line each, with the reason) and skipped; a worker killed mid-recording costs only that recording,
which is retried, and nothing is lost or made twice; Ctrl-C stops cleanly and the next run finishes."""

from __future__ import annotations

import signal
import time
from pathlib import Path

import pytest

from assistant.domain.postmortem import Postmortem, ReviewStatus
from assistant.session import Session
from assistant.session.listing import session_names
from tests.support.batch import (
    SUMMARY,
    clip_folder,
    json_events,
    kill_a_running_worker,
    ledger_rows,
    start_batch,
)
from tests.support.canned_llm import CannedLlm

pytestmark = [pytest.mark.slow, pytest.mark.timeout(600)]


def _llm_args(llm: CannedLlm) -> list[str]:
    return ["--llm-url", llm.base_url, "--llm-model", "canned", "--structured-output", "json_object"]


def test_bad_inputs_are_skipped_and_a_killed_worker_loses_nothing(tmp_path: Path) -> None:
    inbox, root = tmp_path / "inbox", tmp_path / "sessions"
    clips = clip_folder(inbox, seconds=15.0)
    (inbox / "zz-copies").mkdir()  # found after the original (folders are walked in name order)
    (inbox / "zz-copies" / "copy-of-first.flac").write_bytes(clips[0].read_bytes())
    (inbox / "corrupt.wav").write_bytes(b"RIFF\x24\x00\x00\x00WAVEfmt garbage" * 20)
    (inbox / "empty.mp3").write_bytes(b"")
    with CannedLlm(SUMMARY) as llm:
        proc = start_batch(str(inbox), str(tmp_path / "missing.flac"), "--sessions-dir", str(root), "--jobs", "2",
                           "--no-speakers", "--json", *_llm_args(llm))  # fmt: skip
        killed = kill_a_running_worker(root, proc)
        out, err = proc.communicate(timeout=500)
    assert proc.returncode == 0, err[-3000:]
    assert "Traceback" not in err
    events = json_events(out)
    skipped = {Path(e["path"]).name: e["reason"] for e in events if e["event"] == "skipped"}
    assert skipped.keys() == {"copy-of-first.flac", "corrupt.wav", "empty.mp3", "missing.flac"}, skipped
    assert skipped["copy-of-first.flac"] == f"duplicate of {clips[0]} (same content)"
    assert skipped["missing.flac"] == "no such file or folder"
    retries = [e for e in events if e["event"] == "retry"]
    assert [(r["path"], r["attempt"]) for r in retries] == [(killed["path"], 1)], events
    assert "worker process died (exit code -9)" in retries[0]["reason"]
    summary = events[-1]
    assert (summary["event"], summary["done"], summary["failed"], summary["skipped"]) == ("summary", 2, 0, 4)

    # One finalised session per clip, nothing half-made or hidden left behind, every row done once.
    rows = ledger_rows(root)
    assert sorted(r["path"] for r in rows) == sorted(str(c) for c in clips)
    assert {r["state"] for r in rows} == {"done"} and sorted(r["attempts"] for r in rows) == [1, 2]
    assert session_names(root) == sorted(r["session"] for r in rows)
    assert not [p.name for p in root.iterdir() if p.name.startswith(".") and p.name != ".batch"]
    for row in rows:
        with Session.open(root, row["session"], readonly=True) as s:
            assert s.state == "finalised" and s.transcript.segments
            assert s.details.recording == "call.flac"
            # The draft `process` wrote beside it (the shared code path), its items as proposals.
            draft = root / ".batch" / "out" / row["session"] / "call.postmortem.json"
            items = Postmortem.model_validate_json(draft.read_text(encoding="utf-8")).all_items()
            assert {i.id for i in s.postmortem.all_items()} == {i.id for i in items}
            assert all(i.status is ReviewStatus.PROPOSED for i in s.postmortem.all_items())


def test_ctrl_c_stops_cleanly_and_the_next_run_finishes(tmp_path: Path) -> None:
    inbox, root = tmp_path / "inbox", tmp_path / "sessions"
    clip_folder(inbox, seconds=10.0)
    with CannedLlm(SUMMARY) as llm:
        args = [str(inbox), "--sessions-dir", str(root), "--jobs", "1", "--no-speakers", "--json", *_llm_args(llm)]
        proc = start_batch(*args)
        deadline = time.monotonic() + 240
        while not any(r["worker"] for r in ledger_rows(root)):
            assert time.monotonic() < deadline and proc.poll() is None, proc.communicate()
            time.sleep(0.05)
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == 130, err[-2000:]
        assert "Traceback" not in err
        assert json_events(out)[-1]["event"] == "interrupted"
        # Given back, not counted as an attempt; no lease left for a live run to wait out.
        assert all(r["state"] in ("pending", "done") and r["lease_owner"] is None for r in ledger_rows(root))

        again = start_batch(*args)
        out, err = again.communicate(timeout=400)
    assert again.returncode == 0, err[-2000:]
    assert json_events(out)[-1]["done"] + json_events(out)[-1]["done_before"] == 2
    rows = ledger_rows(root)
    assert [r["state"] for r in rows] == ["done", "done"] and all(r["attempts"] == 1 for r in rows)
    assert session_names(root) == sorted(r["session"] for r in rows)
