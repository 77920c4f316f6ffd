"""A summary of every session under a sessions folder, for `assistant sessions` and the TUI's picker."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from assistant.domain.postmortem import ReviewStatus
from assistant.errors import SessionError
from assistant.session.store import Session

ListedState = Literal["recording", "interrupted", "finalised", "corrupt"]


@dataclass(frozen=True)
class SessionInfo:
    name: str
    path: Path
    state: ListedState
    created: dt.datetime
    """When the session was created; for a corrupt one, when its folder last changed."""
    duration: float | None
    """Seconds of recording: the meeting details' duration, else the end of the last segment."""
    segments: int = 0
    proposals: int = 0
    """Every reviewable item the assistant proposed, whatever its review status."""
    accepted: int = 0
    error: str | None = None
    """Why a corrupt session cannot be read."""


@dataclass(frozen=True)
class Unreadable:
    """A session a cross-session command (actions, search) could not read, and why: it is skipped."""

    session: str
    error: str


def list_sessions(root: Path) -> list[SessionInfo]:
    """Every session folder under `root`, newest first. Never raises for a damaged session: it is
    listed with state "corrupt" and the reason in `error`. A missing `root` has no sessions."""
    infos = [_info(root, name) for name in session_names(root)]
    return sorted(infos, key=lambda i: (i.created, i.name), reverse=True)


def session_names(root: Path) -> list[str]:
    """The names of the session folders under `root`, sorted (none when `root` does not exist)."""
    try:
        # Hidden entries are temporary files or not ours; symlinks could point outside the folder.
        entries = [e for e in os.scandir(root) if not e.name.startswith(".") and e.is_dir(follow_symlinks=False)]
    except FileNotFoundError:
        return []
    except OSError as exc:
        raise SessionError(f"Cannot list sessions in {root}: {exc.strerror or exc}") from exc
    return sorted(entry.name for entry in entries)


def _info(root: Path, name: str) -> SessionInfo:
    try:
        # Read-only: takes no lock and writes nothing, so listing works while a session is recording.
        with Session.open(root, name, readonly=True) as session:
            transcript = session.transcript
            items = session.postmortem.all_items()
            return SessionInfo(
                name=name,
                path=session.path,
                state=session.state,
                created=session.created_at,
                duration=session.details.duration_s
                if session.details.duration_s is not None
                else (transcript.duration if transcript.segments else None),
                segments=len(transcript.segments),
                proposals=len(items),
                accepted=sum(1 for i in items if i.status is ReviewStatus.ACCEPTED),
            )
    except SessionError as exc:
        return SessionInfo(
            name=name,
            path=root / name,
            state="corrupt",
            created=_changed_at(root / name),
            duration=None,
            error=exc.message,
        )


def _changed_at(path: Path) -> dt.datetime:
    try:
        return dt.datetime.fromtimestamp(path.stat().st_mtime).astimezone()
    except OSError:
        return dt.datetime.fromtimestamp(0).astimezone()
