"""The one interface every audio producer offers: the live microphone and a file played back."""

from __future__ import annotations

import math
from typing import Protocol, runtime_checkable

import numpy as np

from assistant.audio.decode import Audio

# Floor for the meter: digital silence would otherwise be -inf, which a UI cannot draw.
SILENCE_DBFS = -100.0


@runtime_checkable
class AudioSource(Protocol):
    """Blocks of 16 kHz mono float32 audio in [-1, 1], pulled by one consumer thread.

    `read` returns None when nothing arrived within `timeout`; once `finished` is True no block
    will ever come again (file played out, or stopped and drained), so a loop can end.
    """

    @property
    def sample_rate(self) -> int: ...

    @property
    def dropped_seconds(self) -> float:
        """Audio lost because the consumer fell behind; a correct pipeline keeps this at 0."""
        ...

    @property
    def level(self) -> float:
        """RMS of the last block read, in dBFS (full-scale square wave = 0), for a level meter."""
        ...

    @property
    def finished(self) -> bool: ...

    def start(self) -> None: ...

    def stop(self) -> None: ...

    def read(self, timeout: float = 0.1) -> Audio | None: ...


def rms_dbfs(block: Audio) -> float:
    """RMS level of a block in dBFS, floored at SILENCE_DBFS."""
    if block.size == 0:
        return SILENCE_DBFS
    # float64 accumulation: a float32 mean of many squares loses precision for quiet input.
    rms = math.sqrt(float(np.mean(np.square(block, dtype=np.float64))))
    if rms <= 0.0:
        return SILENCE_DBFS
    return max(SILENCE_DBFS, 20.0 * math.log10(rms))
