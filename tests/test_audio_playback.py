"""Evidence playback is best effort: it reads the right stretch of the recording, and on a machine
without speakers (or PortAudio) it returns a reason instead of raising."""

from __future__ import annotations

import os
import subprocess
import sys
import wave
from pathlib import Path

import numpy as np

from assistant.audio.playback import PAD_SECONDS, read_stretch

ROOT = Path(__file__).resolve().parents[1]


def write_ramp(path: Path, seconds: float) -> None:
    samples = (np.arange(int(seconds * 16_000)) % 30_000).astype("<i2")
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(16_000)
        w.writeframes(samples.tobytes())


def test_read_stretch_takes_the_evidence_times_with_a_little_padding(tmp_path: Path) -> None:
    wav = tmp_path / "audio.wav"
    write_ramp(wav, 10.0)
    samples, rate = read_stretch(wav, 2.0, 3.0)
    assert rate == 16_000
    first = int((2.0 - PAD_SECONDS) * rate)
    assert len(samples) == int((3.0 + PAD_SECONDS) * rate) - first
    assert samples[0] == first % 30_000
    assert len(read_stretch(wav, 20.0, 21.0)[0]) == 0  # past the end: nothing, no error


def test_no_output_device_gives_a_reason_not_an_exception(tmp_path: Path) -> None:
    wav = tmp_path / "audio.wav"
    write_ramp(wav, 2.0)
    code = (
        "import sys; from pathlib import Path; from assistant.audio.playback import SoundDevicePlayer\n"
        "p = SoundDevicePlayer()\n"
        f"print(p.play(Path({str(wav)!r}), 0.5, 1.0)); print(p.play(Path('/nonexistent.wav'), 0, 1)); p.stop()\n"
    )
    # A child process: PortAudio reads the sound-server settings once, at import.
    env = {**os.environ, "PULSE_SERVER": "unix:/nonexistent/native"}
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    no_device, missing = proc.stdout.strip().splitlines()
    assert no_device != "None" and ("output" in no_device or "device" in no_device), no_device
    assert missing.startswith("cannot read the recording")
