"""Play a stretch of a session's recording (the evidence of a proposal) on the default output device.

Best effort by design: a laptop without speakers, a container without PortAudio or a half-written WAV
must never break the review, so every failure becomes a reason string. sounddevice comes from
`assistant.audio.capture` (its only importer, lazily: it raises OSError at import without libportaudio2).
"""

from __future__ import annotations

import sys
import wave
from pathlib import Path
from typing import Any

import numpy as np

MAX_SECONDS = 30.0
"""Evidence is a sentence or two; a longer stretch is a bad time range, not worth blocking speakers for."""
PAD_SECONDS = 0.3
"""A little before and after: word timestamps clip the first and last syllables."""


def read_stretch(wav: Path, start: float, end: float) -> tuple[Any, int]:
    """Samples (int16) from `start` to `end` seconds, and the sample rate. Raises OSError / wave.Error."""
    with wave.open(str(wav), "rb") as w:
        rate = w.getframerate()
        first = max(0, int((start - PAD_SECONDS) * rate))
        last = min(w.getnframes(), int((min(end, start + MAX_SECONDS) + PAD_SECONDS) * rate))
        if w.getsampwidth() != 2 or last <= first:
            return np.zeros(0, dtype=np.int16), rate
        w.setpos(first)
        data = np.frombuffer(w.readframes(last - first), dtype="<i2")
        channels = w.getnchannels()
    return (data.reshape(-1, channels) if channels > 1 else data), rate


class SoundDevicePlayer:
    def play(self, wav: Path, start: float, end: float) -> str | None:
        try:
            samples, rate = read_stretch(wav, start, end)
        except (OSError, EOFError, wave.Error) as exc:
            return f"cannot read the recording ({exc})"
        if len(samples) == 0:
            return "no audio at that time"
        try:
            from assistant.audio.capture import load_sounddevice  # PortAudio only when something plays

            sd = load_sounddevice()
            output = sd.default.device[1]
            if output is None or int(output) < 0:
                return "no audio output device"
            sd.play(samples, rate)
        except Exception as exc:  # PortAudio missing or refusing: OSError, PortAudioError, …
            return f"no audio output ({' '.join(str(exc).split())[:80]})"
        return None

    def stop(self) -> None:
        try:
            sd = sys.modules.get("sounddevice")  # never import it just to stop nothing
            if sd is not None:
                sd.stop()
        except Exception:
            pass
