"""Decode any file PyAV can read into 16 kHz mono float32, with one-line errors for bad input."""

from __future__ import annotations

import os
from pathlib import Path

import av
import numpy as np
import numpy.typing as npt

from assistant.errors import InputAudioError

SAMPLE_RATE = 16_000
Audio = npt.NDArray[np.float32]


def check_readable(path: Path) -> None:
    """Fail early, with the reason a person can act on, before PyAV gives a cryptic one."""
    if not path.exists():
        raise InputAudioError(f"{path}: no such file")
    if path.is_dir():
        raise InputAudioError(f"{path}: is a directory, not a recording")
    if not os.access(path, os.R_OK):
        raise InputAudioError(f"{path}: permission denied")
    if path.stat().st_size == 0:
        raise InputAudioError(f"{path}: file is empty")


def decode_file(path: Path) -> Audio:
    """Return the first audio stream as 16 kHz mono float32 in [-1, 1]."""
    check_readable(path)
    try:
        container = av.open(str(path), metadata_errors="ignore")
    except (av.error.FFmpegError, UnicodeDecodeError, ValueError) as exc:
        raise InputAudioError(f"{path}: not a readable audio or video file ({_reason(exc)})") from exc
    chunks: list[Audio] = []
    try:
        if not container.streams.audio:
            raise InputAudioError(f"{path}: the file has no audio stream")
        stream = container.streams.audio[0]
        resampler = av.AudioResampler(format="flt", layout="mono", rate=SAMPLE_RATE)
        try:
            for frame in container.decode(stream):
                for out in resampler.resample(frame):
                    chunks.append(out.to_ndarray().reshape(-1).astype(np.float32, copy=False))
            for out in resampler.resample(None):
                chunks.append(out.to_ndarray().reshape(-1).astype(np.float32, copy=False))
        except av.error.FFmpegError as exc:
            # A truncated file decodes up to the damage; keep what was readable if there is any.
            if not chunks:
                raise InputAudioError(f"{path}: audio could not be decoded ({_reason(exc)})") from exc
    finally:
        container.close()
    audio = np.concatenate(chunks) if chunks else np.zeros(0, dtype=np.float32)
    if audio.size < SAMPLE_RATE // 10:
        raise InputAudioError(f"{path}: the recording contains no audio (length {audio.size / SAMPLE_RATE:.2f} s)")
    return audio


def _reason(exc: BaseException) -> str:
    text = getattr(exc, "strerror", None) or str(exc)
    return " ".join(str(text).split())[:120]
