"""Messages posted from worker threads (and between screens) to the UI thread.

`post_message` is thread-safe; `call_from_thread` is not used because it blocks and raises while the
app shuts down. Latest-value messages declare `can_replace` so a busy UI coalesces them.
"""

from __future__ import annotations

from textual.message import Message

from assistant.domain.transcript import Transcript
from assistant.live.events import AsrStatus, AudioStatus, LiveEvent, TentativeChanged

_LATEST_VALUE = (TentativeChanged, AsrStatus, AudioStatus)


class LiveEventMessage(Message):
    """A LiveEvent from the engine threads, to be applied by the LiveController on the UI thread."""

    def __init__(self, event: LiveEvent) -> None:
        super().__init__()
        self.event = event

    def can_replace(self, message: Message) -> bool:
        # Only status-like events: every committed segment and every proposal must be applied.
        return (
            isinstance(message, LiveEventMessage)
            and isinstance(self.event, _LATEST_VALUE)
            and type(message.event) is type(self.event)
        )


class ImportProgress(Message):
    """Progress of one import phase ("transcribe" in seconds of audio, "extract" in windows)."""

    def __init__(self, phase: str, done: float, total: float) -> None:
        super().__init__()
        self.phase = phase
        self.done = done
        self.total = total

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, ImportProgress) and message.phase == self.phase


class ImportTranscribed(Message):
    """The recording is transcribed: the UI stores the transcript before extraction starts."""

    def __init__(self, transcript: Transcript) -> None:
        super().__init__()
        self.transcript = transcript


class FinalPassProgress(Message):
    def __init__(self, done: int, total: int) -> None:
        super().__init__()
        self.done = done
        self.total = total

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, FinalPassProgress)


class SessionChanged(Message):
    """The open session changed outside the current screen (e.g. live proposals under a review)."""
