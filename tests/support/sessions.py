"""A session as the session tests start from (created at NOW, the five lines of session_data recorded),
and reopening one the way a new process would."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from assistant.session import Session
from tests.support.session_data import details, segments

NOW = dt.datetime(2026, 3, 4, 9, 30).astimezone()
"""The creation time: a fixed clock makes the default session names (`2026-03-04_0930_…`) known."""


def recorded_session(root: Path) -> Session:
    """A new session under `root`, owned by this process, holding the five transcript lines."""
    s = Session.create(root, details(), now=NOW)
    s.add_segments(segments())
    return s


def reopen(s: Session) -> Session:
    """What a new process would see: close, then open as the owner."""
    s.close()
    return Session.open(s.path.parent, s.name)
