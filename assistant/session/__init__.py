"""Durable sessions: one folder per meeting holding its audio, committed transcript, proposals with their
review state and meeting details, written so that a crash at any moment loses no committed segment and
no review decision. See `core` for the folder layout."""

from assistant.session.listing import ListedState, SessionInfo, list_sessions
from assistant.session.meta import SESSION_STATES, SessionState
from assistant.session.names import MAX_NAME_LENGTH, default_name, validate_name
from assistant.session.store import Session

__all__ = [
    "MAX_NAME_LENGTH",
    "SESSION_STATES",
    "ListedState",
    "Session",
    "SessionInfo",
    "SessionState",
    "default_name",
    "list_sessions",
    "validate_name",
]
