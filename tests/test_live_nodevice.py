"""No microphone: `record --headless` says so in one line, exits non-zero and writes nothing."""

from __future__ import annotations

from pathlib import Path

from tests.support.cli import assert_one_error_line, run_cli


def test_record_without_audio_device_writes_nothing(tmp_path: Path) -> None:
    sessions = tmp_path / "sessions"
    proc = run_cli("record", "--headless", "--sessions-dir", str(sessions), "--no-llm",
                   env={"PULSE_SERVER": "unix:/nonexistent/native"}, timeout=120)  # fmt: skip
    line = assert_one_error_line(proc)
    assert "device" in line.lower() or "portaudio" in line.lower()
    assert not sessions.exists() or not any(sessions.iterdir())
