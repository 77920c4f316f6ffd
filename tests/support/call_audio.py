"""A video call on the private PulseAudio server of `virtual_mic`: a second null sink is the computer's
output (the call plays into it; its monitor is what `record --call` reads by default, once it is the
default sink), while `virt_speaker` stays what the virtual microphone hears (the facilitator).

Clips are cut from a fixture meeting's own turns (real espeak voices with their script text), so a
test knows which words each side said. Everything started here is stopped by the PIDs kept here.
"""

from __future__ import annotations

import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from assistant.audio.decode import decode_file
from tests.support.children import write_wav
from tests.support.virtual_mic import VirtualMic

CALL_SINK = "call_out"
MIC_SINK = "virt_speaker"
_RAW = ["--raw", "--format=s16le", "--rate=16000", "--channels=1", "--latency-msec=20"]


@dataclass(frozen=True)
class Clip:
    speaker: str
    text: str
    path: Path
    seconds: float


def fixture_clips(meeting: Path, turns: list[int], out: Path) -> list[Clip]:
    """Turns (indices into the fixture's turns.json) of `meeting` as WAV files in `out`."""
    import json

    meta = json.loads((meeting / "turns.json").read_text(encoding="utf-8"))
    audio = decode_file(meeting / "meeting.flac")
    clips = []
    for i in turns:
        turn = meta["turns"][i]
        a, b = round(turn["start"] * 16000), round(turn["end"] * 16000) + 3200
        path = out / f"turn{i}.wav"
        write_wav(path, np.rint(np.clip(audio[a:b], -1, 1) * 32767).astype(np.int16))
        clips.append(Clip(turn["speaker"], turn["text"], path, (b - a) / 16000))
    return clips


def play(mic: VirtualMic, clip: Path, sink: str, volume: float = 1.0) -> subprocess.Popen[bytes]:
    """Play `clip` into `sink` (MIC_SINK: said into the microphone; CALL_SINK: played by the call)."""
    cmd = ["paplay", f"--device={sink}", f"--volume={round(volume * 65536)}", str(clip)]
    return subprocess.Popen(cmd, env=mic.env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _pactl(mic: VirtualMic, *args: str) -> str:
    done = subprocess.run(["pactl", *args], env=mic.env, capture_output=True, text=True, timeout=10, check=True)
    return done.stdout.strip()


@contextmanager
def call_output(mic: VirtualMic) -> Iterator[str]:
    """The call's output sink, made the default sink for the block; yields its monitor's name."""
    module = _pactl(mic, "load-module", "module-null-sink", f"sink_name={CALL_SINK}", "rate=16000", "channels=1")
    # As for the mic: an idle null sink renders in ~2 s bursts; a silent stream keeps it running.
    with open("/dev/zero", "rb") as zero:
        keepalive = subprocess.Popen(["pacat", "--playback", f"--device={CALL_SINK}", *_RAW], stdin=zero,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=mic.env)  # fmt: skip
    try:
        _pactl(mic, "set-default-sink", CALL_SINK)
        time.sleep(1.0)  # the new sink's monitor settles (the same ~1-2 s start-up as the mic's)
        yield f"{CALL_SINK}.monitor"
    finally:
        keepalive.terminate()
        keepalive.wait(timeout=5)
        subprocess.run(["pactl", "set-default-sink", MIC_SINK], env=mic.env, capture_output=True, timeout=10)
        subprocess.run(["pactl", "unload-module", module], env=mic.env, capture_output=True, timeout=10)
