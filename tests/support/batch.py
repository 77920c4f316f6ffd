"""Folders of recordings for `assistant batch` tests: short clips of real fixture meetings (speech the
real Whisper model transcribes), broken files beside them, and a look into the batch ledger."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import time
from pathlib import Path
from typing import Any

from assistant.audio.decode import SAMPLE_RATE
from assistant.batch.ledger import LEDGER_FILE
from tests.support.bad_inputs import speech_clip, write_audio
from tests.support.cli import cli_command, cli_env
from tests.support.fixture_meetings import load_meeting

CLIP_MEETINGS = ("cache-stampede", "tls-cert")
SUMMARY = json.dumps({"summary": "A deploy changed the cache keys; the cold cache overloaded the catalog database."})


def clip_folder(folder: Path, seconds: float = 20.0, meetings: tuple[str, ...] = CLIP_MEETINGS) -> list[Path]:
    """The first `seconds` of each meeting as `<folder>/<meeting>/call.flac` (one per incident folder)."""
    paths = []
    for name in meetings:
        path = folder / name / "call.flac"
        path.parent.mkdir(parents=True, exist_ok=True)
        write_audio(path, speech_clip(load_meeting(name).audio, seconds), SAMPLE_RATE)
        paths.append(path)
    return paths


def ledger_rows(root: Path) -> list[dict[str, Any]]:
    path = root / LEDGER_FILE
    if not path.exists():
        return []
    db = sqlite3.connect(path, timeout=30)
    try:
        db.row_factory = sqlite3.Row
        return [dict(r) for r in db.execute("SELECT * FROM recordings ORDER BY path")]
    except sqlite3.OperationalError:  # the table not made yet
        return []
    finally:
        db.close()


def start_batch(*args: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    return subprocess.Popen(
        cli_command("batch", *args), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env=cli_env(env), stdin=subprocess.DEVNULL,
    )  # fmt: skip


def kill_a_running_worker(root: Path, proc: subprocess.Popen[str], timeout: float = 240) -> dict[str, Any]:
    """Wait until a recording is being processed by a worker that said who it is, SIGKILL that worker
    (never the batch itself), and return the ledger row as it was."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, proc.communicate()
        for row in ledger_rows(root):
            if row["state"] == "running" and row["worker"]:
                pid = int(row["worker"].rsplit(":", 1)[1])
                assert pid != proc.pid
                os.kill(pid, signal.SIGKILL)
                return row
        time.sleep(0.05)
    raise AssertionError("no worker started a recording in time")


def json_events(stdout: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stdout.splitlines() if line.startswith("{")]
