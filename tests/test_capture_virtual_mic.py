"""Real capture end to end: PortAudio → ALSA pulse plugin → a private PulseAudio whose mic hears paplay.

Every recorder runs in a child process (PortAudio reads PULSE_SERVER once, at import; and kill -9
needs a process to kill). What is played is bit-exact in what is recorded, so the checks are tight
on content and loose on timing.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import time
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest

from assistant.audio.recorder import recover_wav
from tests.support.children import (
    finish,
    noise,
    read_events,
    read_wav,
    start_recorder,
    wait_event,
    write_wav,
)
from tests.support.cli import run_cli
from tests.support.virtual_mic import VirtualMic

# Real audio capture (PortAudio through a private PulseAudio): the slow tier. The `virtual_mic` fixture
# is conftest's, one daemon for the whole run (shared with the live end-to-end tests).
pytestmark = [pytest.mark.slow, pytest.mark.timeout(180)]


def _speech_clip(folder: Path) -> Path:
    """~3 s of deterministic synthetic speech at 16 kHz mono 16-bit (espeak-ng + sox)."""
    if shutil.which("espeak-ng") is None or shutil.which("sox") is None:
        pytest.fail("espeak-ng and sox are needed to make the test clip (apt install espeak-ng sox)")
    raw, clip = folder / "speech22k.wav", folder / "speech.wav"
    text = "The failover started at nine fifteen and the pager never fired."
    subprocess.run(["espeak-ng", "-s", "190", "-w", str(raw), text], check=True, capture_output=True)
    subprocess.run(
        ["sox", str(raw), "-r", "16000", "-c", "1", "-b", "16", str(clip), "trim", "0", "3"],
        check=True, capture_output=True,
    )  # fmt: skip
    return clip


def _align(recorded: npt.NDArray[np.int16], played: npt.NDArray[np.int16]) -> tuple[int, float]:
    """Offset of `played` inside `recorded` (FFT cross-correlation peak) and the Pearson r there."""
    rec, ref = recorded.astype(np.float64), played.astype(np.float64)
    n = rec.size + ref.size
    corr = np.fft.irfft(np.fft.rfft(rec, n) * np.conj(np.fft.rfft(ref, n)), n)[: rec.size]
    lag = int(np.argmax(corr))
    seg = rec[lag : lag + ref.size]
    if seg.size < ref.size:
        return lag, 0.0
    return lag, float(np.corrcoef(seg, ref)[0, 1])


def _rms(x: npt.NDArray[np.int16]) -> float:
    return float(np.sqrt(np.mean(np.square(x.astype(np.float64))))) if x.size else 0.0


def test_devices_command_lists_the_virtual_mic(virtual_mic: VirtualMic) -> None:
    r = run_cli("devices", env=virtual_mic.env, timeout=60)
    assert r.returncode == 0, r.stderr
    assert r.stderr == ""
    assert re.search(r"^\*\s+\d+\s+default\s+\d+ ch\s+\d+ Hz$", r.stdout, re.M), r.stdout


def test_capture_records_what_is_played(virtual_mic: VirtualMic, tmp_path: Path) -> None:
    clip = _speech_clip(tmp_path)
    played = read_wav(clip)
    out, events = tmp_path / "capture.wav", tmp_path / "events.jsonl"
    proc = start_recorder(out, events, 5.0, env=virtual_mic.env)
    wait_event(events, "block", proc, timeout=30)  # the stream is running
    time.sleep(0.5)  # some silence first: the "before" level to compare against
    t_play = time.monotonic()
    player = virtual_mic.play(clip)
    assert player.wait(timeout=30) == 0
    finish(proc, timeout=30)
    done = next(e for e in read_events(events) if e["event"] == "done")
    recorded = read_wav(out)

    assert done["dropped_blocks"] == 0 and done["dropped_seconds"] == 0.0
    assert recorded.size == 5 * 16000
    lag, r = _align(recorded, played)
    assert r > 0.99, f"recording does not match the played clip (r={r:.3f} at {lag / 16000:.2f} s)"
    assert lag + played.size <= recorded.size
    silence = recorded[: max(0, lag - 1600)]
    assert _rms(recorded[lag : lag + played.size]) > 30 * max(_rms(silence), 1.0)
    # Play → consumer latency: when the block holding the first played sample reached the recorder,
    # after paplay was launched. Includes paplay start-up; measured ~0.07-0.15 s on a 2-core box.
    latency = done["block_times"][lag // 1600] - t_play
    print(f"virtual mic: r={r:.4f}, onset at {lag / 16000:.3f} s, play→capture latency {latency * 1000:.0f} ms")
    assert 0 < latency < 1.5


def test_kill_9_while_recording_the_mic_then_resume(virtual_mic: VirtualMic, tmp_path: Path) -> None:
    clip = tmp_path / "noise.wav"
    write_wav(clip, noise(12.0, seed=21))
    out, events = tmp_path / "killed.wav", tmp_path / "events.jsonl"
    proc = start_recorder(out, events, 60.0, env=virtual_mic.env)
    first = wait_event(events, "block", proc, timeout=30)
    player = virtual_mic.play(clip)
    time.sleep(3.0)
    os.kill(proc.pid, signal.SIGKILL)
    t_kill = time.monotonic()
    proc.wait(timeout=10)
    player.kill()
    player.wait(timeout=10)
    # Audio the mic had delivered by the kill: the stream starts one block before the first arrives.
    elapsed = t_kill - (first["t"] - 0.1)
    written = [e["frames"] for e in read_events(events) if e["event"] == "block"][-1]

    duration = recover_wav(out)
    print(f"mic kill -9: {elapsed:.2f} s elapsed, {duration:.2f} s recovered, lost {elapsed - duration:.2f} s")
    assert duration >= elapsed - 1.0
    assert round(duration * 16000) >= written  # nothing acknowledged as written was lost
    before = read_wav(out)
    assert _rms(before) > 1000  # it heard the noise, not only silence

    events2 = tmp_path / "events2.jsonl"
    resumed = start_recorder(out, events2, 1.0, "--resume", env=virtual_mic.env)
    finish(resumed, timeout=60)
    after = read_wav(out)
    assert after.size == before.size + 16000
    assert np.array_equal(after[: before.size], before)
