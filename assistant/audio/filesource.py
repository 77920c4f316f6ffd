"""A recording played back through the AudioSource interface, in real time or as fast as possible.

Benchmarks and tests drive the live pipeline with it: same blocks, same `read` contract as the
microphone, but reproducible and without any sound system.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType

import numpy as np

from assistant.audio.decode import SAMPLE_RATE, Audio, iter_decoded
from assistant.audio.source import SILENCE_DBFS, rms_dbfs


class FileSource:
    """Implements AudioSource over a file decoded as it is played (16 kHz mono float32 blocks).

    The file is decoded a frame at a time, so memory does not grow with its length: a 2-hour
    recording held as one array would be 460 MB that a microphone never needs, and would distort the
    long-meeting memory figures this source exists for.

    With `realtime=True` block k is released no earlier than `start() + (k + 1) * block_s`, like a
    microphone; a consumer that falls behind gets the backlog at once (nothing is dropped, as with a
    queue that is large enough). With `realtime=False` every `read` returns the next block at once.
    """

    sample_rate = SAMPLE_RATE

    def __init__(self, path: Path, realtime: bool = True, block_s: float = 0.1, speed: float = 1.0) -> None:
        self._init(iter_decoded(Path(path)), realtime, block_s, speed)
        self._fill()  # a file that is not audio fails here, in the caller, before capture "starts"

    @classmethod
    def from_audio(cls, audio: Audio, *, realtime: bool = True, block_s: float = 0.1, speed: float = 1.0) -> FileSource:
        """Play samples that are already in memory (tests, synthetic input)."""
        self = cls.__new__(cls)
        self._init(iter([np.asarray(audio, dtype=np.float32).reshape(-1)]), realtime, block_s, speed)
        return self

    def _init(self, chunks: Iterator[Audio], realtime: bool, block_s: float, speed: float = 1.0) -> None:
        if block_s <= 0:
            raise ValueError("block_s must be positive")
        if speed <= 0:
            raise ValueError("speed must be positive")
        self._chunks: Iterator[Audio] | None = chunks
        self._pending: list[Audio] = []
        self._pending_n = 0
        self._realtime = realtime
        self._speed = speed
        """With `realtime`: play this many times faster than real time (long-meeting benchmarks)."""
        self._block = max(1, round(block_s * SAMPLE_RATE))
        self._pos = 0
        self._t0: float | None = None
        self._stopped = False
        self._level = SILENCE_DBFS

    def _fill(self) -> None:
        """Decode until a whole block is pending or the file has ended."""
        while self._chunks is not None and self._pending_n < self._block:
            chunk = next(self._chunks, None)
            if chunk is None:
                self._chunks = None
            elif chunk.size:
                self._pending.append(chunk)
                self._pending_n += chunk.size

    def _take(self) -> Audio:
        joined = np.concatenate(self._pending) if len(self._pending) > 1 else self._pending[0]
        block, rest = joined[: self._block].copy(), joined[self._block :]
        self._pending = [rest] if rest.size else []
        self._pending_n = rest.size
        return block

    def start(self) -> None:
        if self._t0 is None:
            self._t0 = time.monotonic()

    def stop(self) -> None:
        self._stopped = True

    def read(self, timeout: float = 0.1) -> Audio | None:
        """The next block, or None if it is not due within `timeout` (or the source has finished).

        At the end it returns None immediately: loop on `finished`, not on None.
        """
        if self._t0 is None:
            return None
        self._fill()
        if self.finished:
            return None
        end = self._pos + min(self._block, self._pending_n)
        if self._realtime:
            wait = self._t0 + end / SAMPLE_RATE / self._speed - time.monotonic()
            if wait > timeout:
                time.sleep(max(0.0, timeout))
                return None
            if wait > 0:
                time.sleep(wait)
        block = self._take()
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
    def position(self) -> float:
        """Seconds of audio handed out so far."""
        return self._pos / SAMPLE_RATE

    @property
    def finished(self) -> bool:
        return self._stopped or (self._chunks is None and self._pending_n == 0)

    @property
    def dropped_seconds(self) -> float:
        return 0.0

    @property
    def level(self) -> float:
        return self._level
