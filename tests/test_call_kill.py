"""kill -9 in the middle of a call recording (microphone + system output through the private PulseAudio
server): both channels lose ≤ 1 s, each holds what was played into it, and the recording resumes as
two channels with the earlier audio untouched."""

from __future__ import annotations

import os
import signal
import time
import wave
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest

from assistant.audio.recorder import recover_wav
from assistant.errors import AudioDeviceError
from tests.support.call_audio import CALL_SINK, MIC_SINK, call_output, play
from tests.support.children import finish, noise, read_events, start_recorder, wait_event, write_wav
from tests.support.cli import assert_one_error_line, run_cli
from tests.support.virtual_mic import VirtualMic

pytestmark = [pytest.mark.slow, pytest.mark.timeout(180)]


def _channels(path: Path) -> npt.NDArray[np.int16]:
    with wave.open(str(path), "rb") as w:
        assert (w.getnchannels(), w.getsampwidth(), w.getframerate()) == (2, 2, 16_000)
        return np.frombuffer(w.readframes(w.getnframes()), dtype="<i2").reshape(-1, 2)


def _match(recorded: npt.NDArray[np.int16], played: npt.NDArray[np.int16]) -> float:
    """Correlation of the played clip with the recording at its best alignment."""
    a, b = recorded.astype(np.float64), played[: 3 * 16000].astype(np.float64)
    size = 1 << (a.size + b.size).bit_length()
    r = np.fft.irfft(np.fft.rfft(a, size) * np.conj(np.fft.rfft(b, size)), size)[: a.size - b.size]
    lag = int(np.argmax(r))
    return float(np.corrcoef(a[lag : lag + b.size], b)[0, 1])


def test_kill_9_mid_call_loses_under_a_second_on_both_channels(virtual_mic: VirtualMic, tmp_path: Path) -> None:
    mic_clip, call_clip = tmp_path / "mic.wav", tmp_path / "call.wav"
    mic_noise, call_noise = noise(10.0, seed=41), noise(10.0, seed=42)
    write_wav(mic_clip, mic_noise)
    write_wav(call_clip, call_noise)
    with call_output(virtual_mic):
        out, events = tmp_path / "call-recording.wav", tmp_path / "events.jsonl"
        proc = start_recorder(out, events, 60.0, "--call", env=virtual_mic.env)
        first = wait_event(events, "block", proc, timeout=30)
        players = [play(virtual_mic, mic_clip, MIC_SINK), play(virtual_mic, call_clip, CALL_SINK)]
        time.sleep(5.0)
        os.kill(proc.pid, signal.SIGKILL)
        t_kill = time.monotonic()
        proc.wait(timeout=10)
        for p in players:
            p.kill()
            p.wait(timeout=10)
        elapsed = t_kill - (first["t"] - 0.1)
        written = [e["frames"] for e in read_events(events) if e["event"] == "block"][-1]

        duration = recover_wav(out)
        print(f"call kill -9: {elapsed:.2f} s elapsed, {duration:.2f} s recovered on both channels, "
              f"lost {elapsed - duration:.2f} s")  # fmt: skip
        assert duration >= elapsed - 1.0
        assert round(duration * 16000) >= written
        before = _channels(out)
        # Each channel heard its own input, not the other's (the mic is not the call's monitor).
        assert _match(before[:, 0], mic_noise) > 0.95 and _match(before[:, 1], call_noise) > 0.95
        assert _match(before[:, 0], call_noise) < 0.2 and _match(before[:, 1], mic_noise) < 0.2

        resumed = start_recorder(out, tmp_path / "events2.jsonl", 1.0, "--call", "--resume", env=virtual_mic.env)
        finish(resumed, timeout=60)
    after = _channels(out)
    assert after.shape[0] == before.shape[0] + 16000
    assert np.array_equal(after[: before.shape[0]], before)


def test_an_unknown_system_device_is_one_line(virtual_mic: VirtualMic, tmp_path: Path) -> None:
    r = run_cli("record", "--headless", "--call", "--system-device", "nosuch", "--sessions-dir", str(tmp_path),
                env=virtual_mic.env, timeout=60)  # fmt: skip
    assert_one_error_line(r, "no system output device 'nosuch'", exit_code=AudioDeviceError.exit_code)
    assert not any(tmp_path.iterdir())
