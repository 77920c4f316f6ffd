"""Which side of a call a committed line came from: the facilitator's microphone or the call.

ASR runs on the mix of both channels (one Whisper pass: the same lag as a one-input meeting; see
bench/call_asr.py for mix vs per-channel). Each line is then given a side from the two channels over
its time span:

- a channel that is silent there cannot be the speaker;
- the microphone also hears the call through the speakers when no headset is used (echo). That part
  of the microphone signal is a delayed, scaled copy of the call channel, so it is measured by signal
  cross-correlation (lags 0..`MAX_ECHO_LAG_S`) and taken out before comparing: only what the mic heard
  *besides* the call counts for the mic. Cross-correlation, not text, because it needs no second
  transcription and works on the line before any words are compared.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

from assistant.audio.decode import SAMPLE_RATE
from assistant.domain.transcript import Segment, Side
from assistant.speakers.sides import FACILITATOR

SILENT_DBFS = -55.0
"""Below this RMS a channel holds no speech (room noise of a laptop mic is ~-60 dBFS)."""
MAX_ECHO_LAG_S = 0.5
"""How much later the mic may hear the call than the call channel has it (speaker → air → mic, buffers)."""
KEEP_S = 180.0
"""Audio kept for tagging: lines commit at most ~30 s after they were said (the live buffer)."""

Stereo = npt.NDArray[np.float32]


def _db(energy: float, n: int) -> float:
    if n == 0 or energy <= 0.0:
        return -100.0
    return max(-100.0, 10.0 * math.log10(energy / n))


def echo_share(mic: npt.NDArray[np.float64], call: npt.NDArray[np.float64], max_lag: int) -> float:
    """Share (0..1) of the mic's energy that is a delayed, scaled copy of the call (peak normalised
    cross-correlation squared, mic lagging the call by 0..`max_lag` samples)."""
    e_mic, e_call = float(mic @ mic), float(call @ call)
    if e_mic <= 0.0 or e_call <= 0.0:
        return 0.0
    size = 1 << (mic.size + call.size - 1).bit_length()
    # r[k] = sum_t mic[t + k] * call[t]: the mic hears the call k samples later.
    r = np.fft.irfft(np.fft.rfft(mic, size) * np.conj(np.fft.rfft(call, size)), size)[: max_lag + 1]
    peak = float(np.max(r)) if r.size else 0.0
    return min(1.0, max(0.0, peak) ** 2 / (e_mic * e_call))


def side_of(mic: npt.NDArray[np.float32], call: npt.NDArray[np.float32]) -> Side:
    """The side whose own sound dominates this stretch (equal lengths, 16 kHz)."""
    m, c = mic.astype(np.float64), call.astype(np.float64)
    mic_db, call_db = _db(float(m @ m), m.size), _db(float(c @ c), c.size)
    if call_db < SILENT_DBFS:
        return "mic"
    if mic_db < SILENT_DBFS:
        return "call"
    share = echo_share(m, c, round(MAX_ECHO_LAG_S * SAMPLE_RATE))
    own_mic_db = mic_db + 10.0 * math.log10(max(1.0 - share, 1e-6))
    return "mic" if own_mic_db > call_db else "call"


class SideTagger:
    """The last `KEEP_S` of both channels on the stream's clock (ASR thread only)."""

    def __init__(self, keep_s: float = KEEP_S) -> None:
        self._keep = round(keep_s * SAMPLE_RATE)
        self._audio: Stereo = np.zeros((0, 2), dtype=np.float32)
        self._first = 0
        """Stream frame of `_audio[0]`."""

    def add(self, block: Stereo) -> None:
        self._audio = np.concatenate([self._audio, block.reshape(-1, 2)])
        excess = self._audio.shape[0] - self._keep
        if excess > self._keep // 4:  # trim in steps, not on every block: each trim copies
            self._audio = self._audio[excess:]
            self._first += excess

    def side(self, start: float, end: float) -> Side:
        a = max(0, round(start * SAMPLE_RATE) - self._first)
        b = max(a, round(end * SAMPLE_RATE) - self._first)
        span = self._audio[a:b]
        if span.shape[0] == 0:
            return "call"  # audio no longer held (never for live lines): the call is the likelier side
        return side_of(span[:, 0], span[:, 1])

    def tag(self, segment: Segment) -> Segment:
        """The line with its side; a mic line is the facilitator's from the start (label S1)."""
        side = self.side(segment.start, segment.end)
        speaker = FACILITATOR if side == "mic" else segment.speaker
        return segment.model_copy(update={"side": side, "speaker": speaker})
