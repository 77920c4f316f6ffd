"""Keeps the search index in step with a session as it is saved (the session store calls `after_save`).

Cheap by design, since it runs on every save (each committed line while recording, each review keystroke):
only the part that was saved is re-indexed — new lines appended, the items replaced, the details updated —
unless the index's fingerprint of the session's *other* files no longer matches them (an older version or
a failed update left it behind): then the whole session is indexed again. It never fails or slows a save
noticeably: errors are logged at debug level and left for the next search, which compares every session's
fingerprint with its files and repairs what differs (`assistant.search.sync`).
"""

from __future__ import annotations

import logging
import os
import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from assistant.domain.transcript import Segment, Transcript
from assistant.search.documents import Doc, item_docs, line_docs
from assistant.search.index import Fingerprint, SearchIndex, SessionRecord, index_path, root_key
from assistant.session.corrections import CORRECTIONS_FILE
from assistant.session.reading import META_FILE, POSTMORTEM_FILE, SPEAKERS_FILE, TRANSCRIPT_FILE
from assistant.speakers.names import named_transcript

if TYPE_CHECKING:
    from assistant.session.core import SessionBase

log = logging.getLogger(__name__)

Part = Literal["lines", "items", "meta", "corrections"]
INDEXED_FILES = (META_FILE, TRANSCRIPT_FILE, POSTMORTEM_FILE, SPEAKERS_FILE, CORRECTIONS_FILE)
_FILE_OF: dict[Part, str] = {
    "lines": TRANSCRIPT_FILE, "items": POSTMORTEM_FILE, "meta": META_FILE, "corrections": CORRECTIONS_FILE,
}  # fmt: skip
HOOK_TIMEOUT_S = 1.0
"""How long a save waits for a search rebuilding the index elsewhere before leaving the update to it."""


def session_fingerprint(path: Path) -> Fingerprint:
    """What the index compares to know whether it still describes the session folder `path`."""
    fingerprint: Fingerprint = {}
    for name in INDEXED_FILES:
        try:
            st = os.stat(path / name)
        except FileNotFoundError:
            fingerprint[name] = None
        else:
            fingerprint[name] = [st.st_ino, st.st_size, st.st_mtime_ns]
    return fingerprint


def session_record(session: SessionBase, fingerprint: Fingerprint) -> SessionRecord:
    details = session.details
    return SessionRecord(
        session.name, fingerprint, len(session.transcript.segments), details.incident_id, details.title
    )


def session_docs(session: SessionBase) -> list[Doc]:
    """Every row of the session: lines with speaker names, then items."""
    return [*line_docs(session.named_transcript.segments), *item_docs(session.postmortem)]


def after_save(session: SessionBase, part: Part, new_segments: Sequence[Segment] = ()) -> None:
    """Update the index of the session's folder after `part` was saved (`new_segments`: the lines just
    appended). Does nothing until a first search has created the index, or while the session is still
    being created under its hidden staging name."""
    if session.path.name.startswith("."):
        return
    root = session.path.parent
    path = index_path(root)
    if not path.exists():
        return
    try:
        with SearchIndex.connect(path, timeout=HOOK_TIMEOUT_S) as index:
            if index.is_current(root_key(root)):  # else the next search rebuilds it anyway
                with index.transaction():
                    _update(index, session, part, new_segments)
    except (sqlite3.Error, OSError) as exc:
        # Never the save's problem: the session files are written; the next search repairs the index.
        log.debug("search index not updated for %s (%s): %s", session.name, part, exc)


def _update(index: SearchIndex, session: SessionBase, part: Part, new_segments: Sequence[Segment]) -> None:
    fingerprint = session_fingerprint(session.path)
    record = index.record(session.name)
    saved = _FILE_OF[part]
    # A corrected line changes a row in the middle: re-index the session (one line's fix, rare).
    if record is None or part == "corrections" or _others_changed(record.fingerprint, fingerprint, saved):
        index.replace_session(session_record(session, fingerprint), session_docs(session))
        return
    if part == "lines":
        if record.segments != len(session.transcript.segments) - len(new_segments):
            index.replace_session(session_record(session, fingerprint), session_docs(session))
            return
        batch = Transcript.model_construct(segments=list(new_segments), duration=0.0, language="en")
        index.add_docs(session.name, line_docs(named_transcript(batch, session.speakers).segments))
    elif part == "items":
        index.replace_items(session.name, item_docs(session.postmortem))
    index.put_record(session_record(session, fingerprint))


def _others_changed(indexed: Fingerprint, current: Fingerprint, saved: str) -> bool:
    return any(indexed.get(name) != current.get(name) for name in INDEXED_FILES if name != saved)
