"""What the UI needs from the outside world, as small protocols injected into the app.

The real implementations (`real_services`) load Whisper, start the LLM and open the microphone; the
scripted ones (`scripted`) replay a meeting so the UI can be tested, demoed and screenshotted without
models. Which method runs on which thread is part of each contract: the UI thread owns the Session,
workers never receive it.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from assistant.domain.postmortem import MeetingDetails, Postmortem
from assistant.domain.transcript import Transcript
from assistant.live.events import LiveEvent
from assistant.live.voices import VoiceWorker
from assistant.live.workers import LlmWorker
from assistant.session import Session
from assistant.speakers.names import SpeakerNames
from assistant.speakers.voiceprints import Voiceprints

Emit = Callable[[LiveEvent], None]
"""Called from engine threads; must be thread-safe (the app passes one that posts a message)."""
Cancelled = Callable[[], bool]
TimeProgress = Callable[[float, float], None]
"""(position, total) seconds of audio transcribed."""
CountProgress = Callable[[int, int], None]
"""(done, total) extraction windows."""


class Prepared(Protocol):
    """Models loaded for one live meeting (opaque to the UI)."""

    def close(self) -> None:
        """Release them when the meeting never started (e.g. the user went back)."""


class LiveRun(Protocol):
    """One running live meeting: capture → recording → ASR → extraction threads."""

    @property
    def llm(self) -> LlmWorker | None:
        """The extraction worker the LiveController submits windows to (None: transcription only)."""

    @property
    def extracting(self) -> bool:
        """Whether proposals will come (False: transcription only, e.g. `--no-llm`)."""

    @property
    def time_offset(self) -> float:
        """Seconds already recorded before this run (a resumed session)."""

    @property
    def stream_started_at(self) -> float:
        """Monotonic time of stream time 0."""

    @property
    def voices(self) -> VoiceWorker | None:
        """Live speaker attribution's worker (None: off, see `speakers_off`)."""

    @property
    def speakers_off(self) -> str | None:
        """Why live speaker attribution is off (not installed, disabled), or None when it is on."""

    def final_speakers(self, transcript: Transcript, names: SpeakerNames, prints: Voiceprints) -> SpeakerNames | None:
        """Worker thread: re-diarize the whole recording and carry the names over by voice (None: off or
        nothing found; the live attribution stays). May raise AssistantError."""

    def stop_capture(self) -> None:
        """Stop listening (UI thread, returns at once); a StreamEnded event follows once the backlog is
        transcribed."""

    def final_pass(self, transcript: Transcript, details: MeetingDetails, progress: CountProgress) -> Postmortem | None:
        """Worker thread: extract from the whole meeting once more (None without an LLM). `progress`
        may raise to cancel."""

    def close(self, timeout: float) -> None:
        """Any thread: stop the threads (waiting at most about `timeout` s each) and release the models."""


class LiveService(Protocol):
    def check_input(self) -> None:
        """UI thread, fast: open the audio input or raise AssistantError (e.g. no microphone)."""

    def prepare(self, cancelled: Cancelled) -> Prepared:
        """Worker thread, slow: load the speech and language models."""

    def begin(self, session: Session, prepared: Prepared, emit: Emit) -> LiveRun:
        """UI thread: build the engine around `session` and start it. Uses the input from `check_input`."""


class ImportService(Protocol):
    def transcribe(self, recording: Path, details: MeetingDetails, progress: TimeProgress) -> Transcript:
        """Worker thread (attendees are hotwords). `progress` may raise to cancel."""

    def draft(self, transcript: Transcript, details: MeetingDetails, progress: CountProgress) -> Postmortem:
        """Worker thread: the checked draft postmortem. `progress` may raise to cancel."""


class AudioPlayer(Protocol):
    def play(self, wav: Path, start: float, end: float) -> str | None:
        """Any thread: start playing `wav` from `start` to `end` s. Returns None when playing, else why
        not (no output device, no audio); never raises."""

    def stop(self) -> None: ...


def _local_now() -> dt.datetime:
    return dt.datetime.now().astimezone()


@dataclass(frozen=True)
class Services:
    sessions_root: Path
    live: LiveService
    importer: ImportService
    player: AudioPlayer
    clock: Callable[[], float] = time.monotonic
    """Monotonic seconds: elapsed meeting time, extraction scheduling."""
    now: Callable[[], dt.datetime] = _local_now
    """Wall-clock time: default meeting date, new session names."""
    export_dir: Path = field(default_factory=Path.cwd)
    """Where exports go by default (the folder the app was started in)."""
