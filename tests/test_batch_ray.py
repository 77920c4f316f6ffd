"""`assistant batch DIR --ray auto` on this machine: a local Ray instance (2 CPUs) started by the batch
runs each recording as a Ray task — the real speech model on two short clips of fixture meetings, a
canned LLM for the hybrid engine's summary call. A Ray worker SIGKILLed mid-recording costs only that
recording (retried by the ledger, Ray's own retries off); each clip ends as one session that `assistant
search` finds a line of; the same command again does nothing (no Ray started, nothing rewritten)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from assistant.session import Session
from assistant.session.listing import session_names
from tests.support.batch import SUMMARY, clip_folder, json_events, kill_a_running_worker, ledger_rows, start_batch
from tests.support.canned_llm import CannedLlm
from tests.support.cli import run_cli
from tests.support.many_sessions import file_contents

pytest.importorskip("ray", reason="the cluster extra (scripts/bootstrap.sh installs it)")
pytestmark = [pytest.mark.slow, pytest.mark.timeout(600)]


def test_ray_batch_makes_one_searchable_session_per_recording(tmp_path: Path) -> None:
    inbox, root = tmp_path / "inbox", tmp_path / "sessions"
    clip_folder(inbox, seconds=15.0)
    with CannedLlm(SUMMARY) as llm:
        args = [str(inbox), "--sessions-dir", str(root), "--ray", "auto", "--no-speakers", "--json",
                "--llm-url", llm.base_url, "--llm-model", "canned", "--structured-output", "json_object"]  # fmt: skip
        proc = start_batch(*args, env={"RAY_ADDRESS": ""})
        killed = kill_a_running_worker(root, proc)
        out, err = proc.communicate(timeout=500)
        assert proc.returncode == 0, err[-3000:]
        assert "Traceback" not in err
        events = json_events(out)
        retries = [e for e in events if e["event"] == "retry"]
        assert [r["path"] for r in retries] == [killed["path"]] and "Ray task failed" in retries[0]["reason"]
        summary = events[-1]
        assert (summary["done"], summary["failed"], summary["skipped"]) == (2, 0, 0), events
        assert summary["mode"].startswith("ray auto")

        rows = ledger_rows(root)
        assert [r["state"] for r in rows] == ["done", "done"] and sorted(r["attempts"] for r in rows) == [1, 2]
        assert session_names(root) == sorted(r["session"] for r in rows)
        for row in rows:
            with Session.open(root, row["session"], readonly=True) as s:
                assert s.state == "finalised"
                line = max(s.transcript.segments, key=lambda g: len(_longest_word(g.text)))
            found = run_cli("search", _longest_word(line.text), "--json", "--limit", "500", "--sessions-dir", str(root))
            assert found.returncode == 0, found.stderr
            hits = json.loads(found.stdout)["hits"]
            assert any(h["session"] == row["session"] and h.get("segment_id") == line.id for h in hits), hits

        # Again: everything is done before; no Ray, no LLM call, no session file touched.
        before, calls = file_contents(root), llm.calls
        again = start_batch(*args)
        out, err = again.communicate(timeout=120)
    assert again.returncode == 0, err[-2000:]
    summary = json_events(out)[-1]
    assert (summary["done"], summary["done_before"], summary["failed"]) == (0, 2, 0)
    assert llm.calls == calls and file_contents(root) == before


def _longest_word(text: str) -> str:
    return max(re.findall(r"[A-Za-z]+", text), key=len, default="")
