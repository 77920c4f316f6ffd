"""kill -9 during live recording: the audio up to ≤ 1 s before the kill is readable, no committed
segment is lost, and the next start resumes the same session instead of overwriting it."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest

from assistant.audio.decode import decode_file
from assistant.audio.recorder import recover_wav
from assistant.session import Session
from tests.support.fixture_meetings import load_meeting
from tests.support.jsonl_child import RecordChild

pytestmark = pytest.mark.slow


def _args(tmp_path: Path, audio: Path) -> list[str]:
    # --from-file plays the recording in real time through the same source interface as a microphone.
    return ["--sessions-dir", str(tmp_path), "--session", "crash", "--from-file", str(audio), "--no-llm"]


def test_kill_9_then_resume(tmp_path: Path) -> None:
    meeting = load_meeting("queue-backlog")
    child = RecordChild(_args(tmp_path, meeting.audio))
    child.wait_for("segment", timeout=180)  # capture has been running for a while
    time.sleep(2)
    streamed_s = child.of_type("segment")[-1]["end"]
    os.kill(child.proc.pid, signal.SIGKILL)
    killed_at = time.monotonic()
    child.finish(timeout=30)
    acked = child.of_type("segment")
    start_of_stream = killed_at  # upper bound for how much audio could have been captured
    del start_of_stream

    session_dir = tmp_path / "crash"
    recovered_s = recover_wav(session_dir / "audio.wav")
    # The source plays in real time from its start; the last printed segment ended at `streamed_s`
    # of audio, so at least that much (minus ≤ 1 s) must be on disk.
    assert recovered_s >= streamed_s - 1.0, (recovered_s, streamed_s)
    audio = decode_file(session_dir / "audio.wav")
    original = decode_file(meeting.audio)
    n = min(audio.size, original.size) - 16000
    assert abs(float((audio[:n] - original[:n]).max())) < 1e-3  # bit-identical up to 16-bit rounding

    with Session.open(tmp_path, "crash", readonly=True) as session:
        assert session.state in ("interrupted", "recording")
        saved = [s.id for s in session.transcript.segments]
    assert [r["id"] for r in acked] == saved[: len(acked)], "a printed (committed) segment was lost"

    # Restart with the same session name: resumes, appends, never overwrites.
    again = RecordChild(_args(tmp_path, meeting.audio))
    again.wait_for("session", timeout=120)
    again.wait_for("segment", timeout=180)
    again.proc.send_signal(signal.SIGINT)
    assert again.finish(timeout=300) == 0, again.stderr[-1500:]
    new_ids = [r["id"] for r in again.of_type("segment")]
    assert new_ids and min(new_ids) >= len(saved), "resumed ids must continue, not restart"
    resumed = again.of_type("segment")[0]
    assert resumed["start"] >= recovered_s - 0.5, "resumed times continue after the recovered audio"
    assert decode_file(session_dir / "audio.wav").size > audio.size
