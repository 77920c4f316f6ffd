"""The ASR worker after a CPU stall: a backlog of audio blocks is appended to the stream in one go.

Appending block by block copies the growing buffer each time (O(n²)): in a 2-hour run, a few minutes
of starvation left a backlog the thread then spent 40 minutes appending, falling further behind
for good. The stream here is a stand-in that records what it is given (the real streaming
transcriber is tested in tests/test_streaming.py and end to end in tests/test_live_e2e.py).
"""

from __future__ import annotations

import queue
from typing import Any

import numpy as np

from assistant.live.events import LiveEvent, StreamEnded
from assistant.live.workers import AsrWorker
from assistant.transcription.streaming import StreamUpdate

BLOCK = 1600  # 0.1 s


class RecordingStream:
    def __init__(self) -> None:
        self.inserted: list[int] = []
        self.received = 0

    def insert_audio(self, block: np.ndarray) -> None:
        self.inserted.append(block.size)
        self.received += block.size

    @property
    def ready(self) -> bool:
        return False

    @property
    def audio_end_s(self) -> float:
        return self.received / 16_000

    def process(self) -> StreamUpdate:
        raise AssertionError("never ready: the worker only appends, then finishes")

    def finish(self) -> StreamUpdate:
        end = self.audio_end_s
        return StreamUpdate(committed=[], tentative="", lag_s=0.0, audio_end_s=end, committed_end_s=end,
                            step_s=1.0, compute_s=0.0)  # fmt: skip


def test_a_backlog_is_appended_once_not_block_by_block() -> None:
    inbox: queue.Queue[Any] = queue.Queue()
    for n in range(3000):  # five minutes of audio waiting
        inbox.put(np.full(BLOCK, n % 7, dtype=np.float32))
    inbox.put(None)  # end of stream
    events: list[LiveEvent] = []
    stream = RecordingStream()
    worker = AsrWorker(stream, inbox, events.append)
    worker.start()
    worker.join(30)
    assert not worker.is_alive()
    assert stream.inserted == [3000 * BLOCK]
    assert isinstance(events[-1], StreamEnded) and events[-1].audio_end_s == 300.0
