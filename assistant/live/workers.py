"""The live engine's threads. Each only reads its input, does its one job and posts events.

- AudioPump: source → durable recording (first, so nothing depends on ASR) → ASR queue.
- AsrWorker: streaming transcription; adapts its step when it falls behind.
- LlmWorker: one extraction in flight; a slow or failing LLM never blocks the other two.
"""

from __future__ import annotations

import contextlib
import logging
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from assistant.audio.decode import Audio
from assistant.audio.recorder import WavRecorder
from assistant.audio.source import AudioSource
from assistant.domain.postmortem import MeetingDetails, Postmortem, WindowStatus
from assistant.domain.transcript import Segment, Word
from assistant.errors import AssistantError, LLMError
from assistant.extraction.llm import LLMUnavailable
from assistant.extraction.windows import Window
from assistant.live.callmix import CallMixer
from assistant.live.echo import EchoFilter
from assistant.live.events import (
    AsrStatus,
    AudioStatus,
    LiveEvent,
    ProposalsExtracted,
    SegmentsCommitted,
    StreamEnded,
    TentativeChanged,
    WorkerFailed,
)
from assistant.live.sides import SideTagger
from assistant.transcription.protocol import AudioStream
from assistant.transcription.streaming import StreamUpdate

log = logging.getLogger(__name__)
Emit = Callable[[LiveEvent], None]
_END = None


class AudioPump(threading.Thread):
    def __init__(self, source: AudioSource, recorder: WavRecorder, out: queue.Queue[Audio | None], emit: Emit) -> None:
        super().__init__(name="audio-pump", daemon=True)
        self.source, self.recorder, self.out, self.emit = source, recorder, out, emit

    def run(self) -> None:
        last_status = 0.0
        recording = True
        try:
            # A stopped source stays readable until drained, then reports finished.
            while not self.source.finished:
                block = self.source.read(timeout=0.1)
                if block is not None:
                    if recording:
                        try:
                            self.recorder.write(block)
                        except AssistantError as exc:
                            # Disk full / read-only: stop writing, keep what is saved, keep transcribing.
                            recording = False
                            self.emit(WorkerFailed("recorder", exc.message, fatal=True))
                    self.out.put(block)
                now = time.monotonic()
                if now - last_status >= 0.25:
                    last_status = now
                    self.emit(AudioStatus(self.source.level, self.source.dropped_seconds, self.recorder.duration,
                                          getattr(self.source, "levels", None)))  # fmt: skip
        except Exception as exc:  # a capture failure must still end the stream cleanly
            log.exception("audio pump failed")
            self.emit(WorkerFailed("audio", f"audio capture failed: {exc}", fatal=True))
        finally:
            self.out.put(_END)

    def stop(self) -> None:
        self.source.stop()


class AsrWorker(threading.Thread):
    def __init__(
        self, stream: AudioStream, inbox: queue.Queue[Audio | None], emit: Emit, time_offset: float = 0.0,
        sides: SideTagger | None = None,
    ) -> None:  # fmt: skip
        super().__init__(name="asr", daemon=True)
        self.stream, self.inbox, self.emit = stream, inbox, emit
        self.time_offset = time_offset
        """Resumed sessions: stream time 0 is this far into the recording."""
        self.sides = sides
        """A call (two-channel blocks): ASR hears the mix, each committed line gets its side."""
        self.echo = EchoFilter()
        self.mixer = CallMixer()
        self._saw_end = False

    def run(self) -> None:
        try:
            while True:
                blocks, ended = self._drain()
                if blocks:
                    # One append per drain, not per block: each append copies the whole buffer, so
                    # a backlog of n blocks appended one by one cost O(n²) — after a CPU stall in a
                    # 2-hour run, the ASR thread spent 40 min appending and never caught up again.
                    self.stream.insert_audio(self._mono(blocks))
                if ended:
                    self._publish(self.stream.finish())
                    break
                if self.stream.ready:
                    self._publish(self.stream.process())
        except Exception as exc:
            log.exception("ASR failed")
            self.emit(WorkerFailed("asr", f"transcription failed, recording continues: {exc}", fatal=True))
            # The recording is the one thing that must not stop: the pump keeps writing it, so keep
            # taking (and dropping) its blocks until capture ends; the stream ends with the capture,
            # and the recording can be transcribed afterwards (`assistant process .../audio.wav`).
            self._discard_until_end()
        finally:
            self.emit(StreamEnded(audio_end_s=self.stream.audio_end_s + self.time_offset))

    def _mono(self, blocks: list[Audio]) -> Audio:
        if self.sides is None:
            return np.concatenate([np.reshape(b, -1) for b in blocks])
        stereo = np.concatenate([np.reshape(b, (-1, 2)) for b in blocks])
        self.sides.add(stereo)
        return self.mixer.mix(stereo)

    def _discard_until_end(self) -> None:
        while not self._saw_end and self.inbox.get() is not _END:
            pass

    def _drain(self) -> tuple[list[Audio], bool]:
        """Wait briefly for audio, then take everything queued: when behind, one long pass beats
        many short ones. Returns (blocks, end of stream)."""
        blocks: list[Audio] = []
        try:
            item = self.inbox.get(timeout=0.1)
        except queue.Empty:
            return blocks, False
        while True:
            if item is _END:
                self._saw_end = True
                return blocks, True
            blocks.append(item)
            try:
                item = self.inbox.get_nowait()
            except queue.Empty:
                return blocks, False

    def _shift(self, seg: Segment) -> Segment:
        if not self.time_offset:
            return seg
        off = self.time_offset
        words = [Word(start=w.start + off, end=w.end + off, text=w.text, probability=w.probability) for w in seg.words]
        return seg.model_copy(update={"start": seg.start + off, "end": seg.end + off, "words": words})

    def _publish(self, update: StreamUpdate) -> None:
        committed = update.committed
        if self.sides is not None:  # tagged on the stream's clock, before the resume offset
            committed = self.echo.keep([self.sides.tag(s) for s in committed])
        if committed:
            self.emit(SegmentsCommitted([self._shift(s) for s in committed], time.monotonic()))
        self.emit(TentativeChanged(update.tentative))
        self.emit(
            AsrStatus(update.lag_s, update.audio_end_s + self.time_offset, update.step_s, update.behind,
                      update.compute_s)
        )  # fmt: skip


@dataclass(frozen=True)
class ExtractionJob:
    segments: list[Segment]
    details: MeetingDetails
    known: str
    requested_at: float


class WindowExtractor(Protocol):
    """What the LLM worker runs (`Extractor` focused on live windows)."""

    def run_window(self, window: Window, details: MeetingDetails, known: str = "") -> Postmortem:
        """Proposals from one window; raises LLMError (its kind chooses the backoff)."""


class JobQueue(Protocol):
    """Where the controller submits live windows (the LLM worker)."""

    def submit(self, job: ExtractionJob) -> bool:
        """Take `job`, or False at once when busy (the lines stay pending)."""


class LlmWorker(threading.Thread):
    """Runs one extraction at a time. `submit` never blocks: a busy worker refuses the job and the
    scheduler keeps the lines pending."""

    def __init__(self, extractor: WindowExtractor, emit: Emit) -> None:
        super().__init__(name="llm", daemon=True)
        self.extractor, self.emit = extractor, emit
        self._jobs: queue.Queue[ExtractionJob | None] = queue.Queue(maxsize=1)
        self._index = 0

    def submit(self, job: ExtractionJob) -> bool:
        try:
            self._jobs.put_nowait(job)
        except queue.Full:
            return False
        return True

    def stop(self) -> None:
        # A full slot means a job is queued; the worker ends after it (daemon thread either way).
        with contextlib.suppress(queue.Full):
            self._jobs.put_nowait(None)

    def run(self) -> None:
        while (job := self._jobs.get()) is not None:
            window = Window(self._index, tuple(job.segments), 0)
            self._index += 1
            unavailable, retry_after = False, None
            try:
                draft = self.extractor.run_window(window, job.details, known=job.known)
                status = WindowStatus(index=window.index, start=window.start, end=window.end, ok=True)
            except LLMError as exc:
                log.warning("live window %d failed: %s", window.index, exc.message)
                draft = Postmortem()
                status = WindowStatus(index=window.index, start=window.start, end=window.end, ok=False,
                                      error=exc.message)  # fmt: skip
                if isinstance(exc, LLMUnavailable):
                    unavailable, retry_after = True, exc.retry_after_s
            except Exception as exc:  # a bug guard: the worker must survive for the next window
                log.exception("extraction crashed")
                draft = Postmortem()
                status = WindowStatus(index=window.index, start=window.start, end=window.end, ok=False,
                                      error=f"extraction crashed: {type(exc).__name__}: {exc}"[:300])  # fmt: skip
            self.emit(
                ProposalsExtracted(draft, status, [s.id for s in job.segments], job.requested_at, time.monotonic(),
                                   unavailable=unavailable, retry_after_s=retry_after)
            )  # fmt: skip
