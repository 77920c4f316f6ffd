"""The mono signal Whisper hears on a call: both channels, with the call's echo taken out of the mic.

Without a headset the microphone hears the call again through the speakers, a few tens to hundreds of
ms later. Mixed as it is, each call word reaches Whisper twice (a strong slap-back echo), which
measured WER 0.79 instead of 0.17 on the bench's call (bench/call_asr.py). The call channel is the
clean reference of that echo, so per 100 ms block the echo path (one delay and gain: the direct
path, which carries most of the energy) is estimated by cross-correlation over the last second and
subtracted; what is still mostly echo after that (room reverb) is muted. The facilitator's own voice
is not correlated with the call, so it passes, also while the others talk (double talk).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from assistant.audio.decode import SAMPLE_RATE
from assistant.live.sides import MAX_ECHO_LAG_S, SILENT_DBFS

WINDOW_S = 1.0
"""Seconds of both channels the echo path is estimated from (long enough for a clear peak)."""
MOSTLY_ECHO = 0.25
"""A block whose mic energy after subtraction is below this share of before was (nearly) all echo."""
_SILENT = 10 ** (SILENT_DBFS / 10)
_BLOCK = SAMPLE_RATE // 10

Mono = npt.NDArray[np.float32]


class CallMixer:
    """Feed (n, 2) blocks (mic, call) in order; returns the mono mix for ASR (one thread)."""

    def __init__(self) -> None:
        self._max_lag = round(MAX_ECHO_LAG_S * SAMPLE_RATE)
        self._keep = round(WINDOW_S * SAMPLE_RATE) + self._max_lag
        self._history = np.zeros((self._keep, 2), dtype=np.float64)

    def mix(self, stereo: npt.NDArray[np.float32]) -> Mono:
        frames = stereo.reshape(-1, 2).astype(np.float64)
        out = [self._block(frames[i : i + _BLOCK]) for i in range(0, frames.shape[0], _BLOCK)]
        return np.concatenate(out).astype(np.float32) if out else np.zeros(0, dtype=np.float32)

    def _block(self, block: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        self._history = np.concatenate([self._history, block])[-self._keep :]
        mic, call = block[:, 0], block[:, 1]
        n = block.shape[0]
        # The call as it was up to `max_lag` ago: its echo still arrives after the call itself went quiet.
        recent = self._history[-(n + self._max_lag) :, 1]
        if float(recent @ recent) / recent.size > _SILENT and float(mic @ mic) / max(1, n) > _SILENT:
            mic = self._without_echo(mic, n)
        return (mic + call) / 2.0

    def _without_echo(self, mic: npt.NDArray[np.float64], n: int) -> npt.NDArray[np.float64]:
        lag_max = self._max_lag
        m = self._history[-round(WINDOW_S * SAMPLE_RATE) :, 0]
        c = self._history[:, 1]  # starts `lag_max` before the mic window: every lag has its call samples
        size = 1 << (m.size + c.size).bit_length()
        # corr[o] = sum_t c[o + t] * m[t]; offset o is a delay of lag_max - o (the mic hears the call later).
        corr = np.fft.irfft(np.fft.rfft(c, size) * np.conj(np.fft.rfft(m, size)), size)[: lag_max + 1]
        lag = lag_max - int(np.argmax(np.abs(corr)))
        start = self._keep - n - lag  # the call samples this block's echo is a copy of
        ref = self._history[start : start + n, 1]
        e_ref = float(ref @ ref)
        if e_ref <= 0.0:
            return mic
        clean = mic - (float(mic @ ref) / e_ref) * ref
        if float(clean @ clean) < MOSTLY_ECHO * float(mic @ mic):
            return np.zeros_like(mic)
        return clean
