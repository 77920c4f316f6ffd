"""The production services: Whisper, the configured LLM, the microphone (or `--from-file`), speakers.

Heavy modules are imported inside the methods, on the worker threads that need them, so the home
screen opens without loading any model.
"""

from __future__ import annotations

from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.config import Settings
from assistant.domain.postmortem import MeetingDetails, Postmortem
from assistant.domain.transcript import Transcript
from assistant.live.workers import LlmWorker
from assistant.session import Session
from assistant.audio.playback import SoundDevicePlayer
from assistant.tui.services import Cancelled, CountProgress, Emit, Prepared, Services, TimeProgress

if TYPE_CHECKING:
    from assistant.audio.source import AudioSource
    from assistant.extraction.extractor import Extractor
    from assistant.live.engine import LiveEngine
    from assistant.live.voices import VoiceWorker
    from assistant.speakers.diarize import SpeakerDiarizer
    from assistant.speakers.names import SpeakerNames
    from assistant.speakers.voiceprints import Voiceprints
    from assistant.transcription.whisper import WhisperTranscriber


@dataclass
class _Models:
    transcriber: WhisperTranscriber
    extractor: Extractor | None
    stack: ExitStack
    diarizer: SpeakerDiarizer | None = None
    speakers_off: str | None = None
    """Why live speaker attribution is off (no `speakers` extra, disabled, model failed)."""
    """Owns the embedded LLM server (if any): closing it stops the server."""

    def close(self) -> None:
        self.stack.close()


class _EngineRun:
    def __init__(self, engine: LiveEngine, models: _Models, min_similarity: float) -> None:
        self.engine = engine
        self.models = models
        self.min_similarity = min_similarity

    @property
    def voices(self) -> VoiceWorker | None:
        return self.engine.voices

    @property
    def speakers_off(self) -> str | None:
        return self.models.speakers_off

    def final_speakers(self, transcript: Transcript, names: SpeakerNames, prints: Voiceprints) -> SpeakerNames | None:
        from assistant.live.voices import final_speakers

        if self.models.diarizer is None:
            return None
        if self.models.extractor is not None:
            # Called once nothing is in flight: free the idle LLM server's memory while diarizing.
            self.models.extractor.client.release_idle()
        return final_speakers(self.models.diarizer, self.engine.session.audio_path, transcript.segments, names,
                              prints, self.min_similarity)  # fmt: skip

    @property
    def llm(self) -> LlmWorker | None:
        return self.engine.llm

    @property
    def extracting(self) -> bool:
        return self.engine.llm is not None

    @property
    def time_offset(self) -> float:
        return self.engine.time_offset

    @property
    def stream_started_at(self) -> float:
        return self.engine.stream_started_at

    def stop_capture(self) -> None:
        self.engine.stop_capture()

    def final_pass(self, transcript: Transcript, details: MeetingDetails, progress: CountProgress) -> Postmortem | None:
        if self.models.extractor is None:
            return None
        return self.models.extractor.extract(transcript.segments, details, progress=progress)

    def close(self, timeout: float) -> None:
        try:
            self.engine.shutdown(timeout)
        finally:
            self.models.close()


class _Cancelled(Exception):
    pass


class RealLive:
    """Live meetings on the microphone (`device`) or a file played in real time (`from_file`)."""

    def __init__(self, settings: Settings, *, device: str | None = None, from_file: Path | None = None,
                 no_llm: bool = False) -> None:  # fmt: skip
        self.settings = settings
        self.device = device
        self.from_file = from_file
        self.no_llm = no_llm
        self._source: AudioSource | None = None

    def check_input(self) -> None:
        from assistant.live.headless import open_source

        # Resolves the device now (AudioDeviceError if there is none); the stream opens in `begin`.
        self._source = open_source(self.device, self.from_file)

    def prepare(self, cancelled: Cancelled) -> Prepared:
        from assistant.extraction.extractor import Extractor
        from assistant.extraction.prompts import PromptLibrary
        from assistant.llm_backend import open_llm
        from assistant.transcription.whisper import WhisperTranscriber

        stack = ExitStack()
        try:
            transcriber = WhisperTranscriber(self.settings.asr)
            extractor = None
            if not self.no_llm and not cancelled():
                client = open_llm(self.settings, stack)
                prompts = PromptLibrary(self.settings.storage.prompts_dir)
                extractor = Extractor(client, prompts, self.settings.llm.window_tokens)
            diarizer, speakers_off = None, None
            if not cancelled():
                from assistant.live.headless import load_voice_model

                diarizer, speakers_off = load_voice_model(self.settings)
            if cancelled():
                # The user left while the models loaded: nobody will close them, so do it here (an
                # embedded LLM server would otherwise outlive the app).
                raise _Cancelled
        except BaseException:
            stack.close()
            raise
        return _Models(transcriber, extractor, stack, diarizer, speakers_off)

    def begin(self, session: Session, prepared: Prepared, emit: Emit) -> _EngineRun:
        from assistant.live.engine import LiveEngine

        assert isinstance(prepared, _Models)
        if self._source is None:
            self.check_input()
        source, self._source = self._source, None  # one source per meeting: a stopped one cannot restart
        assert source is not None
        engine = LiveEngine(session, source, prepared.transcriber, prepared.extractor, emit,
                            voices=prepared.diarizer, min_similarity=self.settings.speakers.min_similarity)  # fmt: skip
        engine.start()
        return _EngineRun(engine, prepared, self.settings.speakers.min_similarity)


class RealImporter:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def transcribe(self, recording: Path, details: MeetingDetails, progress: TimeProgress) -> Transcript:
        from assistant.pipeline import hotwords_for
        from assistant.speakers.filemode import attribute_recording
        from assistant.transcription.file import transcribe_file

        transcript = transcribe_file(recording, self.settings, hotwords_for(details, self.settings), progress)
        # Lines labelled S1, S2… (split at speaker changes) before the session stores them; unchanged
        # when attribution is off. Naming happens later and lives in the session's speakers.json.
        return attribute_recording(recording, transcript, enabled=self.settings.speakers.enabled).transcript

    def draft(self, transcript: Transcript, details: MeetingDetails, progress: CountProgress) -> Postmortem:
        from assistant.pipeline import draft_postmortem

        return draft_postmortem(transcript, details, self.settings, progress)


def real_services(settings: Settings, *, device: str | None = None, from_file: Path | None = None,
                  no_llm: bool = False) -> Services:  # fmt: skip
    return Services(
        sessions_root=Path(settings.storage.sessions_dir).expanduser(),
        live=RealLive(settings, device=device, from_file=from_file, no_llm=no_llm),
        importer=RealImporter(settings),
        player=SoundDevicePlayer(),
    )
