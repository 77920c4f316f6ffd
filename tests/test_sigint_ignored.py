"""A headless recording started with SIGINT ignored (`assistant record --headless &` in a script: the
shell ignores SIGINT for background jobs, and Python then installs no handler) still ends cleanly on
`kill -INT`: the recording is finalised, not left running."""

from __future__ import annotations

import json
import signal
import subprocess
import time
from pathlib import Path

import pytest

from tests.support.bad_inputs import speech_clip, write_audio
from tests.support.cli import ROOT, cli_command, cli_env
from tests.support.fixture_meetings import load_meeting


@pytest.mark.slow
def test_sigint_stops_a_recording_started_with_sigint_ignored(tmp_path: Path) -> None:
    clip = tmp_path / "clip.flac"
    write_audio(clip, speech_clip(load_meeting("queue-backlog").audio, seconds=60.0), 16_000)
    proc = subprocess.Popen(
        cli_command("record", "--headless", "--from-file", str(clip), "--no-llm", "--no-speakers",
                    "--sessions-dir", str(tmp_path / "s"), "--session", "bg"),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=cli_env(), cwd=ROOT,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN),
    )  # fmt: skip
    try:
        assert proc.stdout is not None
        for line in proc.stdout:
            if json.loads(line)["type"] == "recording":
                break
        time.sleep(3)
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err[-1000:]
    types = [json.loads(line)["type"] for line in out.splitlines()]
    assert "stopping" in types and "finalised" in types
