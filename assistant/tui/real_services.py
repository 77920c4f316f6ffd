"""The production services: the microphone (or `--from-file`) and the models of a live meeting, through
the core's `assistant.live`; Whisper and the configured LLM for imports; sound output.

Heavy modules are imported inside the methods, on the worker threads that need them, so the home
screen opens without loading any model.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.audio.playback import SoundDevicePlayer
from assistant.config import Settings
from assistant.domain.postmortem import MeetingDetails, Postmortem
from assistant.domain.transcript import Transcript
from assistant.session import Session
from assistant.tui.services import Cancelled, CountProgress, Emit, Prepared, Services, TimeProgress

if TYPE_CHECKING:
    from assistant.audio.source import AudioSource
    from assistant.live.meeting import Meeting
    from assistant.live.models import MeetingModels

LoadModels = Callable[[Settings, bool, Cancelled], "MeetingModels"]
"""(settings, no_llm, cancelled) → the models; tests pass one that returns fakes."""


def _load_models(settings: Settings, no_llm: bool, cancelled: Cancelled) -> MeetingModels:
    from assistant.live.models import load_models

    return load_models(settings, no_llm=no_llm, cancelled=cancelled)


class RealLive:
    """Live meetings on the microphone (`device`) or a file played in real time (`from_file`, `speed`
    times faster). Input, models and the meeting are the core's (`assistant.live`), as for
    `record --headless`."""

    def __init__(self, settings: Settings, *, device: str | None = None, from_file: Path | None = None,
                 no_llm: bool = False, speed: float = 1.0, load: LoadModels = _load_models, call: bool = False,
                 system_device: str | None = None) -> None:  # fmt: skip
        self.settings = settings
        self.device = device
        self.call, self.system_device = call, system_device
        """`record --call`: the microphone and the system output (see `open_input`)."""
        self.from_file = from_file
        self.no_llm = no_llm
        self.speed = speed
        self.load = load
        self._source: AudioSource | None = None

    def check_input(self, call: bool | None = None) -> None:
        from assistant.live.models import open_input

        if call is not None:
            self.call = call
        # Resolves the device now (AudioDeviceError if there is none); the stream opens in `begin`.
        self._source = open_input(self.device, self.from_file, self.speed, call=self.call,
                                  system_device=self.system_device)  # fmt: skip

    def prepare(self, cancelled: Cancelled) -> Prepared:
        return self.load(self.settings, self.no_llm, cancelled)

    def begin(self, session: Session, prepared: Prepared, emit: Emit, clock: Callable[[], float]) -> Meeting:
        from assistant.live.meeting import Meeting
        from assistant.live.models import MeetingModels

        assert isinstance(prepared, MeetingModels)
        if self._source is None:
            self.check_input()
        source, self._source = self._source, None  # one source per meeting: a stopped one cannot restart
        assert source is not None
        return Meeting.live(self.settings, session, source, prepared, emit, clock=clock)


class RealImporter:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def transcribe(self, recording: Path, details: MeetingDetails, progress: TimeProgress) -> Transcript:
        from assistant.errors import NoSpeechError
        from assistant.pipeline import hotwords_for
        from assistant.session.vocabulary import snap_terms
        from assistant.speakers.filemode import attribute_recording
        from assistant.transcription.file import transcribe_file

        transcript = transcribe_file(recording, self.settings, hotwords_for(details, self.settings), progress,
                                     snap_terms=snap_terms(self.settings))  # fmt: skip
        if not transcript.segments:
            raise NoSpeechError(recording.name)
        # Lines labelled S1, S2… (split at speaker changes) before the session stores them; unchanged
        # when attribution is off. Naming happens later and lives in the session's speakers.json.
        return attribute_recording(recording, transcript, enabled=self.settings.speakers.enabled).transcript

    def draft(self, transcript: Transcript, details: MeetingDetails, progress: CountProgress) -> Postmortem:
        from assistant.pipeline import draft_postmortem

        return draft_postmortem(transcript, details, self.settings, progress)


def real_services(settings: Settings, *, device: str | None = None, from_file: Path | None = None,
                  no_llm: bool = False, call: bool = False, system_device: str | None = None) -> Services:  # fmt: skip
    return Services(
        sessions_root=settings.storage.sessions_root,
        live=RealLive(
            settings, device=device, from_file=from_file, no_llm=no_llm, call=call, system_device=system_device
        ),
        importer=RealImporter(settings),
        player=SoundDevicePlayer(),
        people=dict(settings.people),
    )
