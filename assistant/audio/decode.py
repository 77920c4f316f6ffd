"""Decode any file PyAV can read into 16 kHz mono float32, with one-line errors for bad input."""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Generator
from contextlib import closing
from pathlib import Path

import av
import numpy as np
import numpy.typing as npt

from assistant.errors import InputAudioError

SAMPLE_RATE = 16_000
Audio = npt.NDArray[np.float32]
MIN_SAMPLES = SAMPLE_RATE // 10
"""Less than 0.1 s of audio is treated as none."""


def check_readable(path: Path) -> None:
    """Fail early, with the reason a person can act on, before PyAV gives a cryptic one (or, for a
    FIFO or a device, blocks or reads forever)."""
    try:
        st = path.stat()
    except FileNotFoundError:
        broken = path.is_symlink()
        raise InputAudioError(f"{path}: {'broken symbolic link' if broken else 'no such file'}") from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise InputAudioError(f"{path}: too many levels of symbolic links (a symlink loop?)") from None
        if exc.errno in (errno.EACCES, errno.EPERM):
            raise InputAudioError(f"{path}: permission denied") from None
        raise InputAudioError(f"{path}: cannot read it ({_reason(exc)})") from None
    if stat.S_ISDIR(st.st_mode):
        raise InputAudioError(f"{path}: is a directory, not a recording")
    if not stat.S_ISREG(st.st_mode):
        raise InputAudioError(f"{path}: not a regular file (a pipe, device or socket), not a recording")
    if not os.access(path, os.R_OK):
        raise InputAudioError(f"{path}: permission denied")
    if st.st_size == 0:
        raise InputAudioError(f"{path}: file is empty")


def _open(path: Path) -> av.container.InputContainer:
    check_readable(path)
    try:
        return av.open(str(path), metadata_errors="ignore")
    except (av.error.FFmpegError, OSError, UnicodeDecodeError, ValueError) as exc:
        raise InputAudioError(f"{path}: not a readable audio or video file ({_reason(exc)})") from exc


def probe_file(path: Path) -> None:
    """Cheap up-front check: raises InputAudioError unless the first 0.1 s of audio decodes.

    Decodes only until MIN_SAMPLES are out, so it catches everything `decode_file` rejects except
    damage further into the file (which `decode_file` tolerates: it keeps the readable part).
    """
    _decode(path, limit=MIN_SAMPLES)


def decode_file(path: Path) -> Audio:
    """Return the first audio stream as 16 kHz mono float32 in [-1, 1]."""
    return _decode(path)


def _decode(path: Path, limit: int | None = None) -> Audio:
    chunks: list[Audio] = []
    got = 0
    with closing(iter_decoded(path)) as decoded:  # closes the file at once when `limit` stops early
        for chunk in decoded:
            chunks.append(chunk)
            got += chunk.size
            if limit is not None and got >= limit:
                break
    audio = np.concatenate(chunks) if chunks else np.zeros(0, dtype=np.float32)
    if audio.size < MIN_SAMPLES:
        raise InputAudioError(f"{path}: the recording contains no audio (length {audio.size / SAMPLE_RATE:.2f} s)")
    return audio


def iter_decoded(path: Path) -> Generator[Audio, None, None]:
    """The first audio stream as 16 kHz mono float32 chunks, decoded as they are asked for.

    Memory stays at one decoded frame however long the file (a 2-hour file is 460 MB as one array).
    A file damaged part-way yields what was readable and stops; InputAudioError if nothing was.
    """
    container = _open(path)
    got = False
    try:
        if not container.streams.audio:
            raise InputAudioError(f"{path}: the file has no audio stream")
        stream = container.streams.audio[0]
        resampler = av.AudioResampler(format="flt", layout="mono", rate=SAMPLE_RATE)
        try:
            for frame in container.decode(stream):
                for out in resampler.resample(frame):
                    got = True
                    yield out.to_ndarray().reshape(-1).astype(np.float32, copy=False)
            for out in resampler.resample(None):
                yield out.to_ndarray().reshape(-1).astype(np.float32, copy=False)
        except (av.error.FFmpegError, ValueError) as exc:
            # A truncated file decodes up to the damage; keep what was readable if there is any.
            if not got:
                raise InputAudioError(f"{path}: audio could not be decoded ({_reason(exc)})") from exc
    finally:
        container.close()


def _reason(exc: BaseException) -> str:
    text = getattr(exc, "strerror", None) or str(exc)
    return " ".join(str(text).split())[:120]


def duration_hint(path: Path) -> float | None:
    """The container's stated duration in seconds (for progress only: headers can lie), or None."""
    try:
        with av.open(str(path), metadata_errors="ignore") as container:
            if container.duration:
                return float(container.duration) / 1_000_000  # av.time_base: microseconds
            stream = container.streams.audio[0] if container.streams.audio else None
            if stream is not None and stream.duration and stream.time_base:
                return float(stream.duration * stream.time_base)
    except (av.error.FFmpegError, OSError, UnicodeDecodeError, ValueError, IndexError):
        return None
    return None
