"""`session.json`: what a session is (name, creation time, state, meeting details, audio file name)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, Field, field_validator

from assistant.domain.postmortem import MeetingDetails

SessionState = Literal["recording", "interrupted", "finalised"]
"""`recording`: a process owns the session and is working on it (recording or reviewing).
`interrupted`: it was `recording` but its process is gone (crash, kill, power cut); it can be resumed.
`finalised`: the facilitator finished it."""

SESSION_STATES: tuple[SessionState, ...] = ("recording", "interrupted", "finalised")

FORMAT_VERSION = 1
"""Bumped on incompatible layout changes; a newer folder is refused rather than misread."""

DEFAULT_AUDIO_FILE = "audio.wav"


class SessionMeta(BaseModel):
    format: int = FORMAT_VERSION
    name: str
    created_at: dt.datetime
    state: SessionState = "recording"
    details: MeetingDetails = Field(default_factory=MeetingDetails)
    audio_file: str = DEFAULT_AUDIO_FILE
    pid: int | None = None
    """The process that last set the state (informational: liveness is decided by the owner lock)."""

    @field_validator("created_at")
    @classmethod
    def _aware(cls, value: dt.datetime) -> dt.datetime:
        # Listings sort by creation time; a hand-edited naive time must still compare (taken as local).
        return value if value.tzinfo is not None else value.astimezone()

    @field_validator("audio_file")
    @classmethod
    def _plain_file_name(cls, value: str) -> str:
        # The file is opened relative to the session folder; a hand-edited value must not escape it.
        if not value or "/" in value or "\\" in value or value.startswith(".") or "\0" in value:
            raise ValueError("must be a plain file name")
        return value
