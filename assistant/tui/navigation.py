"""Navigation requests: screens post these and the app (which owns the open Session) acts on them.

Screens never switch screens or open sessions themselves, so the one place that opens and closes the
Session is `PostmortemApp`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from textual.message import Message

from assistant.domain.postmortem import MeetingDetails


@dataclass(frozen=True)
class MeetingSetup:
    """What the meeting details form produces."""

    details: MeetingDetails
    session_name: str | None = None
    recording: Path | None = None
    """Set for an import."""
    call: bool = False
    """A video call: record the system output next to the microphone (`record --call`)."""


class GoHome(Message):
    """Close the open session and show the session list."""


class OpenSession(Message):
    """Open a saved session: for review, or (`resume`) to continue recording it. A review can start at
    an item (`item`, its id) or a transcript line (`segment`, its id): where a search hit or an action
    item in the list came from."""

    def __init__(self, name: str, *, resume: bool = False, item: str | None = None, segment: int | None = None) -> None:
        super().__init__()
        self.name = name
        self.resume = resume
        self.item = item
        self.segment = segment


class NewMeeting(Message):
    """Ask for meeting details (`import_recording`: for a recording file), then start."""

    def __init__(self, *, import_recording: bool = False) -> None:
        super().__init__()
        self.import_recording = import_recording


class StartMeeting(Message):
    """Create a session from the details form and start recording or importing into it."""

    def __init__(self, setup: MeetingSetup) -> None:
        super().__init__()
        self.setup = setup


class ShowReview(Message):
    """The live meeting or the import finished: review the open session."""
