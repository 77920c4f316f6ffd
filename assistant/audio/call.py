"""A call recording's input: the microphone and the system output, as one two-channel source.

Two PortAudio streams run on two clocks. The microphone is the master: every microphone block is
paired with as many call samples, taken from a small FIFO of what the call stream delivered. A call
stream that lags is waited for briefly, then padded with silence; the samples that arrive late for
that slot are dropped (both counted), so the call never slips behind the mic — the echo search
looks only at the mic hearing the call *later*. One that runs ahead by more than `MAX_SKEW_S` (a
drifting clock) loses its oldest samples (counted). So both channels of the recording stay within
~0.1 s of each other, and each block is written to disk as one frame-whole write: a crash loses the
same ≤ 0.1–0.2 s on both.
"""

from __future__ import annotations

import numpy as np

from assistant.audio.capture import Capture
from assistant.audio.decode import SAMPLE_RATE, Audio
from assistant.audio.source import SILENCE_DBFS, rms_dbfs
from assistant.audio.system import SystemSource

MIC, CALL = 0, 1
"""Channel order of a call recording (and of every block `CallCapture.read` returns)."""
MAX_SKEW_S = 0.5
_WAIT_FOR_CALL_S = 0.15


class CallCapture:
    """Blocks of shape (n, 2) float32: microphone in column 0, call in column 1. Implements AudioSource."""

    sample_rate = SAMPLE_RATE
    channels = 2

    def __init__(self, mic: Capture, call: Capture) -> None:
        self.mic, self.call = mic, call
        self._fifo = np.zeros(0, dtype=np.float32)
        self._padded_frames = 0
        self._skipped_frames = 0
        self._late = 0
        """Call frames padded since the call stream started: the first that arrive are dropped."""
        self._call_started = False
        self._levels = (SILENCE_DBFS, SILENCE_DBFS)

    @classmethod
    def open(cls, mic_device: int | str | None, system: SystemSource) -> CallCapture:
        call = Capture(system.device, pulse_source=system.pulse_source)
        return cls(Capture(mic_device), call)

    def start(self) -> None:
        self.mic.start()
        try:
            self.call.start()
        except BaseException:
            self.mic.stop()
            raise

    def stop(self) -> None:
        try:
            self.mic.stop()
        finally:
            self.call.stop()

    def read(self, timeout: float = 0.1) -> Audio | None:
        block = self.mic.read(timeout)
        if block is None:
            return None
        n = block.size
        self._fill(n)
        take = self._fifo[:n]
        if take.size < n:
            if self._call_started:  # before its first block the call stream had no audio to be late with
                self._padded_frames += n - take.size
                self._late += n - take.size
            take = np.concatenate([take, np.zeros(n - take.size, dtype=np.float32)])
        self._fifo = self._fifo[n:]
        pair = np.stack([block, take], axis=1).astype(np.float32)
        self._levels = (rms_dbfs(block), rms_dbfs(take))
        return pair

    def _fill(self, n: int) -> None:
        """Move what the call stream delivered into the FIFO; wait a little if it has less than `n`."""
        chunks = [self._fifo]
        have = self._fifo.size
        waited = False
        while True:
            got = self.call.read(timeout=0.0 if have >= n or waited else _WAIT_FOR_CALL_S)
            if got is None:
                if have >= n or waited or self.call.finished:
                    break
                waited = True
                continue
            chunks.append(got)
            have += got.size
            self._call_started = True
        fifo = np.concatenate(chunks) if len(chunks) > 1 else self._fifo
        if self._late and fifo.size > n:  # audio for slots already recorded as silence
            drop = min(self._late, fifo.size - n)
            self._late -= drop
            self._skipped_frames += drop
            fifo = fifo[drop:]
        excess = fifo.size - n - round(MAX_SKEW_S * SAMPLE_RATE)
        if excess > 0:
            self._skipped_frames += excess
            fifo = fifo[excess:]
        self._fifo = fifo

    # --- AudioSource state --------------------------------------------------------------------------
    @property
    def finished(self) -> bool:
        return self.mic.finished

    @property
    def dropped_seconds(self) -> float:
        """Audio lost on either side, call audio recorded as silence because it came late included."""
        return self.mic.dropped_seconds + self.call.dropped_seconds + self.call_padded_seconds

    @property
    def level(self) -> float:
        return max(self._levels)

    @property
    def levels(self) -> tuple[float, float]:
        """(microphone, call) RMS of the last block, dBFS."""
        return self._levels

    @property
    def call_padded_seconds(self) -> float:
        """Call audio that did not arrive in time and was recorded as silence."""
        return self._padded_frames / SAMPLE_RATE

    @property
    def call_skipped_seconds(self) -> float:
        """Call audio dropped because its clock ran ahead of the microphone's."""
        return self._skipped_frames / SAMPLE_RATE
