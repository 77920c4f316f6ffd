"""`assistant batch` with the defaults a user gets: the bundled Whisper and the embedded LLM, one
server started by the batch and shared by its jobs. One short clip of a fixture meeting (the Ray and
worker-crash paths are covered with a canned LLM in test_batch_ray / test_batch_local)."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.session import Session
from tests.support.batch import clip_folder, json_events, ledger_rows, start_batch

pytestmark = [pytest.mark.slow, pytest.mark.llm, pytest.mark.timeout(900)]


def test_batch_with_the_embedded_model(tmp_path: Path) -> None:
    inbox, root = tmp_path / "inbox", tmp_path / "sessions"
    clip_folder(inbox, seconds=45.0, meetings=("cache-stampede",))
    proc = start_batch(str(inbox), "--sessions-dir", str(root), "--no-speakers", "--json")
    out, err = proc.communicate(timeout=850)
    assert proc.returncode == 0, err[-3000:]
    assert "Traceback" not in err and "the LLM failed" not in err, err[-3000:]
    summary = json_events(out)[-1]
    assert (summary["done"], summary["failed"]) == (1, 0), out
    [row] = ledger_rows(root)
    with Session.open(root, row["session"], readonly=True) as s:
        assert s.state == "finalised" and s.transcript.segments
        pm = s.postmortem
        assert pm.summary is not None and pm.summary.text.strip(), pm
        assert all(w.ok for w in pm.windows)
