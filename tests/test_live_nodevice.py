"""No microphone: `record --headless` says so in one line, exits non-zero and writes nothing."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def test_record_without_audio_device_writes_nothing(tmp_path: Path) -> None:
    env = {**os.environ, "PULSE_SERVER": "unix:/nonexistent/native"}
    sessions = tmp_path / "sessions"
    proc = subprocess.run(
        [sys.executable, "-m", "assistant", "record", "--headless", "--sessions-dir", str(sessions), "--no-llm"],
        capture_output=True, text=True, env=env, timeout=120,
    )  # fmt: skip
    assert proc.returncode != 0
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in proc.stderr, proc.stderr
    assert "device" in lines[0].lower() or "portaudio" in lines[0].lower()
    assert not sessions.exists() or not any(sessions.iterdir())
