"""The batch's own logic, without models: the ledger (leases, bounded attempts, a dead run's lease
taken over, Ctrl-C giving leases back), manifests (CSV / JSON lines, bad rows), folders and the plan
(duplicates by content, broken files reported with their reason, session names stable across runs)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest

from assistant.batch.inputs import BatchInput, collect, read_manifest
from assistant.batch.ledger import LEASE_S, Ledger
from assistant.batch.plan import plan, session_name
from assistant.batch.sizing import LLM_SERVER_MB, WORKER_MEMORY_MB, default_jobs
from assistant.errors import ConfigError
from tests.support.bad_inputs import write_audio
from tests.support.children import noise
from tests.support.cli import assert_one_error_line, run_cli


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_lease_is_held_by_one_run_until_it_expires(tmp_path: Path) -> None:
    clock = Clock()
    a, b = Ledger(tmp_path / "l.sqlite", clock), Ledger(tmp_path / "l.sqlite", clock)
    a.register("h1", "/x.flac", "x-h1", 60.0)
    assert a.claim("h1", "run-a") is not None
    assert b.claim("h1", "run-b") is None  # never twice at once
    clock.now += LEASE_S / 2
    a.renew("run-a")
    clock.now += LEASE_S * 0.9
    assert b.claim("h1", "run-b") is None  # renewed: still run-a's
    clock.now += LEASE_S  # run-a died: its lease lapses and run-b takes over, as attempt 2
    row = b.claim("h1", "run-b")
    assert row is not None and row.attempts == 2 and row.lease_owner == "run-b"
    assert not a.finish("h1", "run-a", "done")  # the dead run's late answer changes nothing
    assert b.finish("h1", "run-b", "done", wall_s=3.0)
    assert b.claim("h1", "run-c") is None and b.get("h1").state == "done"  # type: ignore[union-attr]


def test_failures_are_retried_a_bounded_number_of_times(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path / "l.sqlite")
    ledger.register("h", "/x.flac", "x-h", None)
    for attempt in (1, 2, 3):
        row = ledger.claim("h", "run", max_attempts=3)
        assert row is not None and row.attempts == attempt
        ledger.finish("h", "run", "failed", "LLM down")
    assert ledger.claim("h", "run", max_attempts=3) is None
    assert ledger.reset_attempts() == 1  # --retry-failed
    assert ledger.claim("h", "run", max_attempts=3) is not None


def test_ctrl_c_gives_the_lease_back_without_counting_the_attempt(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path / "l.sqlite")
    ledger.register("h", "/x.flac", "x-h", None)
    ledger.claim("h", "run")
    ledger.release("h", "run")
    row = ledger.get("h")
    assert row is not None and (row.state, row.attempts, row.lease_owner) == ("pending", 0, None)
    ledger.register("h", "/elsewhere.flac", "other", None)  # seen again: the first row stays
    assert ledger.get("h").session == "x-h"  # type: ignore[union-attr]


def test_csv_and_jsonl_manifests(tmp_path: Path) -> None:
    (tmp_path / "a.flac").write_bytes(b"")
    csv_path = tmp_path / "m.csv"
    csv_path.write_text(
        "Path,Title,Date,Attendees,Incident ID,Speaker names\n"
        'a.flac,"Cache, again",2026-03-02,"Ana;Ben",INC-7,"S1=Ana,S2=Ben"\n'
        "b.flac,,03/02/2026,,,\n"
        ",no path,,,,\n",
        encoding="utf-8",
    )
    items, bad = read_manifest(csv_path)
    assert [(i.path, i.details, i.speaker_names) for i in items] == [
        (tmp_path / "a.flac",
         {"title": "Cache, again", "incident_id": "INC-7", "date": __import__("datetime").date(2026, 3, 2),
          "attendees": ["Ana", "Ben"]},
         {"S1": "Ana", "S2": "Ben"}),
    ]  # fmt: skip
    assert [r.reason for r in bad] == ["m.csv:3: not a date (YYYY-MM-DD): '03/02/2026'", "m.csv:4: no path"]

    jsonl = tmp_path / "m.jsonl"
    rows = [{"path": "/abs/c.wav", "attendees": ["Cy"], "speaker_names": {"S1": "Cy"}}, {"path": "d", "room": 4}]
    jsonl.write_text("\n".join(json.dumps(r) for r in rows) + "\n\n", encoding="utf-8")
    items, bad = read_manifest(jsonl)
    assert [(i.path, i.details, i.speaker_names) for i in items] == [
        (Path("/abs/c.wav"), {"attendees": ["Cy"]}, {"S1": "Cy"})
    ]
    assert len(bad) == 1 and "unknown column 'room'" in bad[0].reason

    (tmp_path / "broken.jsonl").write_text('{"path": "x"}\nnot json\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="line 2 is not JSON"):
        read_manifest(tmp_path / "broken.jsonl")
    (tmp_path / "nopath.csv").write_text("file,title\nx,y\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="no 'path' column"):
        read_manifest(tmp_path / "nopath.csv")


def test_folders_are_searched_recursively_by_extension(tmp_path: Path) -> None:
    for rel in ("x/1.flac", "x/deep/2.M4A", "x/notes.txt", "x/.cache/3.wav", "4.mp3"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_bytes(b"")
    items, bad = collect([tmp_path / "x", tmp_path / "4.mp3", tmp_path / "x" / "1.flac", tmp_path / "gone.wav"])
    assert [i.path.relative_to(tmp_path).as_posix() for i in items] == ["x/1.flac", "x/deep/2.M4A", "4.mp3"]
    assert [(b.path, b.reason) for b in bad] == [(str(tmp_path / "gone.wav"), "no such file or folder")]


def test_plan_reports_duplicates_and_broken_files_and_keeps_names(tmp_path: Path) -> None:
    good = tmp_path / "inc-1" / "meeting.flac"
    good.parent.mkdir()
    write_audio(good, (noise(1.0, seed=1) / 32768).astype(np.float32), 16000)
    other = tmp_path / "inc-2" / "meeting.flac"
    other.parent.mkdir()
    write_audio(other, (noise(1.0, seed=2) / 32768).astype(np.float32), 16000)
    copy = tmp_path / "copy.flac"
    copy.write_bytes(good.read_bytes())
    corrupt = tmp_path / "corrupt.wav"
    corrupt.write_bytes(b"RIFF\x00\x00\x00\x00WAVEjunk" * 10)
    unreadable = tmp_path / "unreadable"
    unreadable.mkdir()
    items = [BatchInput(p) for p in (good, other, copy, corrupt)] + [BatchInput(unreadable)]
    skipped: list[tuple[str, str, str]] = []
    ledger = Ledger(tmp_path / "l.sqlite")
    queued = plan(items, ledger, lambda *s: skipped.append(s), max_attempts=3)
    assert [p.item.path for p in queued] == [good, other]
    # Two `meeting.flac`s: named by their folders too; each name ends in its content hash.
    assert [p.session for p in queued] == [f"inc-1-meeting-{queued[0].key[:8]}", f"inc-2-meeting-{queued[1].key[:8]}"]
    reasons = {Path(path).name: reason for path, reason, _ in skipped}
    assert reasons["copy.flac"] == f"duplicate of {good} (same content)"
    assert "corrupt.wav" in reasons and "unreadable" in reasons
    assert reasons["unreadable"].startswith("unreadable (")

    # The next run: what is done is skipped quietly, the names stay as the ledger has them.
    ledger.claim(queued[0].key, "run")
    ledger.finish(queued[0].key, "run", "done")
    skipped.clear()
    again = plan([BatchInput(good), BatchInput(other)], ledger, lambda *s: skipped.append(s), max_attempts=3)
    assert [p.session for p in again] == [queued[1].session]
    assert skipped == [(str(good), f"done before: session {queued[0].session}", "done_before")]


def test_session_names_use_a_manifest_title() -> None:
    item = BatchInput(Path("/a/call.m4a"), {"title": "Payments: 2nd outage / Tuesday"})
    assert session_name(item, "0123456789abcdef") == "Payments-2nd-outage-Tuesday-01234567"


def test_default_jobs_follow_cores_and_memory() -> None:
    assert default_jobs(2, 24000, embedded_llm=True) == 2
    assert default_jobs(8, LLM_SERVER_MB + 3 * WORKER_MEMORY_MB, embedded_llm=True) == 3
    assert default_jobs(8, 3 * WORKER_MEMORY_MB, embedded_llm=False) == 3
    assert default_jobs(4, 500, embedded_llm=True) == 1


def test_ray_without_the_extra_is_one_line_naming_it(tmp_path: Path) -> None:
    # A module named `ray` that fails to import, first on the path: as if the extra were not installed.
    shadow = tmp_path / "no_ray"
    shadow.mkdir()
    (shadow / "ray.py").write_text("raise ModuleNotFoundError(\"No module named 'ray'\", name='ray')\n")
    clip = tmp_path / "inbox" / "a.flac"
    clip.parent.mkdir()
    write_audio(clip, (noise(1.0, seed=3) / 32768).astype(np.float32), 16000)
    path = os.pathsep.join(p for p in (str(shadow), os.environ.get("PYTHONPATH", "")) if p)
    proc = run_cli("batch", str(clip.parent), "--ray", "auto", "--sessions-dir", str(tmp_path / "s"),
                   "--llm-url", "http://127.0.0.1:9/v1", "--llm-model", "x", env={"PYTHONPATH": path})  # fmt: skip
    assert_one_error_line(proc, "postmortem-assistant[cluster]", exit_code=2)
