"""What the UI needs from the outside world, as small protocols injected into the app.

The real implementations (`real_services`) open the microphone and load the models through the core
(`assistant.live.models`); the scripted ones (`scripted`) replay a meeting so the UI can be tested,
demoed and screenshotted without models. Which method runs on which thread is part of each contract:
the UI thread owns the Session, workers never receive it.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from assistant.domain.postmortem import MeetingDetails, Postmortem
from assistant.domain.transcript import Transcript
from assistant.live.events import LiveEvent
from assistant.session import Session

if TYPE_CHECKING:
    from assistant.live.meeting import Meeting

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


class LiveService(Protocol):
    """Live meetings. The meeting itself is the core's `Meeting` (the same as `record --headless`):
    the UI renders its events and state and sends it the facilitator's commands."""

    def check_input(self, call: bool | None = None) -> None:
        """UI thread, fast: open the audio input or raise AssistantError (e.g. no microphone). `call`: the
        setup form's "video call" choice (mic + system output); None: as the app was started."""

    def prepare(self, cancelled: Cancelled) -> Prepared:
        """Worker thread, slow: load the speech and language models."""

    def begin(self, session: Session, prepared: Prepared, emit: Emit, clock: Callable[[], float]) -> Meeting:
        """UI thread: the meeting around `session`, not started yet (`Meeting.start`). Uses the input
        from `check_input`; `emit` is called from the engine's threads; `clock` schedules extraction.
        Closing the meeting releases `prepared`."""


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
    people: Mapping[str, str] = field(default_factory=dict)
    """`[people]` from the settings: names -> tracker users, for the tracker exports."""
