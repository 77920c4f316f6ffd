"""kill -9 during a recording fed by a real-time FileSource (no sound system, no timing flakiness):
the WAV is repairable, loses at most ~1 s, and resuming appends with the earlier audio untouched."""

from __future__ import annotations

import os
import signal
import struct
import time
from pathlib import Path

import numpy as np
import pytest

from assistant.audio.recorder import HEADER_SIZE, WavRecorder, recover_wav
from tests.support.children import noise, read_events, read_wav, start_recorder, wait_event, write_wav

pytestmark = pytest.mark.timeout(120)


def test_kill_9_loses_under_a_second_and_resume_appends(tmp_path: Path) -> None:
    source = noise(20.0, seed=31)
    clip = tmp_path / "meeting.wav"
    write_wav(clip, source)
    out, events = tmp_path / "recording.wav", tmp_path / "events.jsonl"
    proc = start_recorder(out, events, 20.0, "--file", str(clip))
    started = wait_event(events, "started", proc, timeout=30)
    time.sleep(3.2)
    os.kill(proc.pid, signal.SIGKILL)
    t_kill = time.monotonic()
    proc.wait(timeout=10)
    elapsed = t_kill - started["t"]  # audio a real-time source had released by the kill
    written = [e["frames"] for e in read_events(events) if e["event"] == "block"][-1]

    size = out.stat().st_size
    declared = struct.unpack("<I", out.read_bytes()[40:44])[0]
    assert declared <= size - HEADER_SIZE  # the header lags the data (patched every 0.5 s)
    duration = recover_wav(out)
    print(
        f"file kill -9: {elapsed:.2f} s elapsed, header said {declared / 32000:.2f} s, "
        f"{duration:.2f} s recovered, lost {elapsed - duration:.2f} s"
    )
    assert duration >= elapsed - 1.0
    assert round(duration * 16000) >= written
    recovered = read_wav(out)
    assert np.array_equal(recovered, source[: recovered.size])  # bit-exact, nothing garbled

    # Resume where it stopped, as the app would after a crash, and continue with the next second.
    n = recovered.size
    with WavRecorder(out, resume=True) as rec:
        assert rec.resumed_duration == pytest.approx(duration)
        rec.write((source[n : n + 16000] / 32768).astype(np.float32))
    after = read_wav(out)
    assert after.size == n + 16000
    assert np.array_equal(after, source[: n + 16000])
