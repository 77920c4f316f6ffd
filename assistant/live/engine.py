"""Assemble the live threads around one session: recording, streaming ASR, extraction."""

from __future__ import annotations

import queue
import time
from collections.abc import Sequence

from assistant.audio.decode import Audio
from assistant.audio.recorder import WavRecorder, recover_wav
from assistant.audio.source import AudioSource
from assistant.extraction.extractor import Extractor
from assistant.live.sides import SideTagger
from assistant.live.voices import Embedder, VoiceWorker
from assistant.live.workers import AsrWorker, AudioPump, Emit, LlmWorker
from assistant.session import Session
from assistant.speakers.sides import name_facilitator
from assistant.speakers.voiceprints import MIN_SIMILARITY
from assistant.transcription.protocol import WordTranscriber
from assistant.transcription.streaming import LIVE_STREAM, StreamingTranscriber


class LiveEngine:
    def __init__(
        self,
        session: Session,
        source: AudioSource,
        transcriber: WordTranscriber,
        extractor: Extractor | None,
        emit: Emit,
        voices: Embedder | None = None,
        min_similarity: float = MIN_SIMILARITY,
        hotwords: Sequence[str] | None = None,
        snap_terms: Sequence[str] = (),
    ) -> None:
        self.session = session
        self.source = source
        # A resumed session appends to its recording; stream time 0 is where it had stopped.
        self.time_offset = recover_wav(session.audio_path) if session.audio_path.exists() else 0.0
        # A call (`record --call`): one two-channel recording, mic left, call right.
        self.call = getattr(source, "channels", 1) == 2
        self.recorder = WavRecorder(session.audio_path, resume=self.time_offset > 0, channels=2 if self.call else 1)
        if self.call and name_facilitator(names := session.speakers, session.details.facilitator):
            session.set_speakers(names)  # mic lines are the facilitator's (S1); built on the owner thread
        hotwords = list(hotwords) if hotwords is not None else [*session.details.attendees]
        stream = StreamingTranscriber(transcriber, hotwords=hotwords, snap_terms=snap_terms,
                                      first_id=session.next_segment_id, **LIVE_STREAM)  # fmt: skip
        self._asr_queue: queue.Queue[Audio | None] = queue.Queue()
        self.pump = AudioPump(source, self.recorder, self._asr_queue, emit)
        self.asr = AsrWorker(stream, self._asr_queue, emit, time_offset=self.time_offset,
                             sides=SideTagger() if self.call else None)  # fmt: skip
        # Live mode retries failed windows itself, with a visible backoff; SDK retries would sleep
        # silently in the worker (up to 2 min on a Retry-After) with no status to show.
        # The live windows ask only for what needs a reaction in the room (see extractor.Focus); the final
        # pass drafts every section.
        live_extractor = (
            extractor.with_client(extractor.client.with_transport_retries(0)).focused("live") if extractor else None
        )
        self.llm = LlmWorker(live_extractor, emit) if live_extractor is not None else None
        self.stream_started_at = 0.0
        # Live speaker attribution (optional): its own thread, reading lines back from the recording.
        # On a call the sides name the lines live (mic: the facilitator); the call side is diarized at the end.
        live = voices if not self.call else None
        self.voices = VoiceWorker(live, session.audio_path, emit, min_similarity) if live is not None else None

    @property
    def recorded_s(self) -> float:
        """Seconds in the recording, including what a resumed session already held."""
        return self.recorder.duration

    @property
    def recording_error(self) -> str | None:
        """Why the recording stopped being written (disk full, read-only), if it did."""
        return self.recorder.error.message if self.recorder.error is not None else None

    def start(self) -> None:
        # The model is loaded by now (the caller built the transcriber): no audio piles up during a load.
        self.source.start()
        self.stream_started_at = time.monotonic()
        self.pump.start()
        self.asr.start()
        if self.llm is not None:
            self.llm.start()
        if self.voices is not None:
            self.voices.start()

    def stop_capture(self) -> None:
        """Stop listening; queued audio is still recorded and transcribed, then the stream ends."""
        self.pump.stop()

    def shutdown(self, timeout: float = 10.0) -> None:
        self.pump.stop()
        self.pump.join(timeout)
        self.asr.join(timeout)
        if self.voices is not None:
            self.voices.stop()
            self.voices.join(timeout)
        if self.llm is not None:
            self.llm.stop()
        self.recorder.close()
