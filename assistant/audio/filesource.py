"""A decoded file played back through the AudioSource interface, in real time or as fast as possible.

Benchmarks and tests drive the live pipeline with it: same blocks, same `read` contract as the
microphone, but reproducible and without any sound system.
"""

from __future__ import annotations

import time
from pathlib import Path
from types import TracebackType

import numpy as np

from assistant.audio.decode import SAMPLE_RATE, Audio, decode_file
from assistant.audio.source import SILENCE_DBFS, rms_dbfs


class FileSource:
    """Implements AudioSource over a whole file decoded up front (16 kHz mono float32).

    With `realtime=True` block k is released no earlier than `start() + (k + 1) * block_s`, like a
    microphone; a consumer that falls behind gets the backlog at once (nothing is dropped, as with a
    queue that is large enough). With `realtime=False` every `read` returns the next block at once.
    """

    sample_rate = SAMPLE_RATE

    def __init__(self, path: Path, realtime: bool = True, block_s: float = 0.1, speed: float = 1.0) -> None:
        self._init(decode_file(Path(path)), realtime, block_s, speed)

    @classmethod
    def from_audio(cls, audio: Audio, *, realtime: bool = True, block_s: float = 0.1, speed: float = 1.0) -> FileSource:
        """Play samples that are already in memory (tests, synthetic input)."""
        self = cls.__new__(cls)
        self._init(np.asarray(audio, dtype=np.float32).reshape(-1), realtime, block_s, speed)
        return self

    def _init(self, audio: Audio, realtime: bool, block_s: float, speed: float = 1.0) -> None:
        if block_s <= 0:
            raise ValueError("block_s must be positive")
        if speed <= 0:
            raise ValueError("speed must be positive")
        self._audio = audio
        self._realtime = realtime
        self._speed = speed
        """With `realtime`: play this many times faster than real time (long-meeting benchmarks)."""
        self._block = max(1, round(block_s * SAMPLE_RATE))
        self._pos = 0
        self._t0: float | None = None
        self._stopped = False
        self._level = SILENCE_DBFS

    def start(self) -> None:
        if self._t0 is None:
            self._t0 = time.monotonic()

    def stop(self) -> None:
        self._stopped = True

    def read(self, timeout: float = 0.1) -> Audio | None:
        """The next block, or None if it is not due within `timeout` (or the source has finished).

        At the end it returns None immediately: loop on `finished`, not on None.
        """
        if self._t0 is None or self.finished:
            return None
        end = min(self._pos + self._block, self._audio.size)
        if self._realtime:
            wait = self._t0 + end / SAMPLE_RATE / self._speed - time.monotonic()
            if wait > timeout:
                time.sleep(max(0.0, timeout))
                return None
            if wait > 0:
                time.sleep(wait)
        block = self._audio[self._pos : end].copy()
        self._pos = end
        self._level = rms_dbfs(block)
        return block

    def __enter__(self) -> FileSource:
        self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    @property
    def duration(self) -> float:
        return self._audio.size / SAMPLE_RATE

    @property
    def position(self) -> float:
        """Seconds of audio handed out so far."""
        return self._pos / SAMPLE_RATE

    @property
    def finished(self) -> bool:
        return self._stopped or self._pos >= self._audio.size

    @property
    def dropped_seconds(self) -> float:
        return 0.0

    @property
    def level(self) -> float:
        return self._level
