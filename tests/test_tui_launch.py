"""Starting the UI from the command line: problems found before the UI starts are one line on stderr and
a non-zero exit (no half-drawn screen). That only `assistant/tui` imports textual is
tests/test_import_contract.py's."""

from __future__ import annotations

import subprocess
from pathlib import Path

from assistant.tui.scripted import seed_session
from tests.support.cli import assert_one_error_line, run_cli


def one_error_line(proc: subprocess.CompletedProcess[str]) -> str:
    assert "\x1b[" not in proc.stdout  # the UI never drew anything
    return assert_one_error_line(proc)


def test_record_without_microphone_fails_before_the_ui(tmp_path: Path) -> None:
    sessions = tmp_path / "sessions"
    proc = run_cli(
        "record", "--sessions-dir", str(sessions), "--no-llm", env={"PULSE_SERVER": "unix:/nonexistent/native"}
    )
    assert proc.returncode == 6
    line = one_error_line(proc)
    assert "device" in line.lower() or "portaudio" in line.lower()
    assert not sessions.exists() or not any(sessions.iterdir())


def test_open_a_missing_recording(tmp_path: Path) -> None:
    proc = run_cli("open", str(tmp_path / "nope.flac"), "--sessions-dir", str(tmp_path))
    assert proc.returncode == 2
    assert "nope.flac: no such file" in one_error_line(proc)


def test_open_a_missing_session(tmp_path: Path) -> None:
    proc = run_cli("open", "--session", "nope", "--sessions-dir", str(tmp_path))
    assert proc.returncode == 5
    assert "No session named 'nope'" in one_error_line(proc)


def test_import_into_an_existing_session_name_is_refused(tmp_path: Path) -> None:
    seed_session(tmp_path, "taken")
    recording = tmp_path / "m.wav"
    recording.write_bytes(b"RIFF")
    proc = run_cli("open", str(recording), "--session", "taken", "--sessions-dir", str(tmp_path))
    assert proc.returncode != 0
    assert "already exists" in one_error_line(proc)


def test_open_needs_a_recording_or_a_session(tmp_path: Path) -> None:
    proc = run_cli("open", "--sessions-dir", str(tmp_path))
    assert proc.returncode != 0
    assert "RECORDING" in one_error_line(proc)
