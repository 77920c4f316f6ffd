"""The durable session folder: one per meeting, written so that a crash at any moment loses nothing committed.

`SessionBase` (here) holds an open session's state, its read-only views and how it saves; `Session`
(`assistant.session.store`) adds creating, opening and every change.

Layout of `<sessions dir>/<name>/` (folder 0o700, files 0o600):

- `session.json`    name, creation time, state, meeting details, audio file name, pid — replaced atomically.
- `transcript.jsonl` committed segments, one JSON object a line, append-only, fsynced after each batch.
- `postmortem.json` the whole Postmortem (proposals, review decisions, edits), replaced atomically
                    (temp file + fsync + rename) after every change: a crash leaves the old or the new
                    version, never a torn one. Plain Postmortem JSON, as `assistant export --format json`.
- `corrections.json` people's fixes of transcript lines (segment id → text, with the original;
                    `assistant.session.corrections`), replaced atomically; absent until a line is corrected.
- `speakers.json`   speaker names, merges and lines moved between speakers (SpeakerNames), replaced
                    atomically; absent until someone names a speaker. Voiceprints are never stored.
- `session.lock`    flock held by the owning process (see files.OwnerLock).
- `audio.wav`       written by the audio module; this module only names it (`Session.audio_path`).

`session.json` is authoritative for the meeting details; `postmortem.json` carries a copy because the
renderers and checks read `Postmortem.details`.

A `Session` belongs to one thread and one process: it takes no locks of its own beyond the owner lock.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType
from typing import Self

from assistant.checks.apply import apply_checks
from assistant.domain.postmortem import Item, MeetingDetails, Postmortem
from assistant.domain.transcript import Segment, Transcript
from assistant.errors import SessionError
from assistant.export.atomic import atomic_write_text
from assistant.export.jsonexport import render_json
from assistant.session.corrections import Corrections
from assistant.session.files import PRIVATE_FILE, AppendLog, OwnerLock
from assistant.session.indexing import after_save
from assistant.session.meta import SessionMeta, SessionState
from assistant.session.reading import META_FILE, POSTMORTEM_FILE, reason
from assistant.session.review import UndoStack
from assistant.speakers.names import SpeakerNames, named_transcript, speakers_by_segment


class SessionBase:
    """An open session's state, views and saving; see `Session` for how to get one and change it."""

    def __init__(
        self,
        path: Path,
        meta: SessionMeta,
        segments: list[Segment],
        pm: Postmortem,
        *,
        lock: OwnerLock | None,
        log: AppendLog | None,
        state: SessionState,
        speakers: SpeakerNames | None = None,
        corrections: Corrections | None = None,
    ) -> None:
        self._path = path
        self._corrections = corrections or Corrections()
        self._speakers = speakers or SpeakerNames()
        self._meta = meta
        self._segments = segments
        self._pm = pm
        self._lock = lock
        self._log = log
        self._state = state
        self._undo = UndoStack()
        self._closed = False

    def close(self) -> None:
        """Release the session (idempotent). The state is left as it is: see `mark_state`."""
        if self._log is not None:
            self._log.close()
        if self._lock is not None:
            self._lock.release()
        self._closed = True

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    # --- reading --------------------------------------------------------------------------------

    @property
    def name(self) -> str:
        return self._path.name

    @property
    def path(self) -> Path:
        return self._path

    @property
    def audio_path(self) -> Path:
        """Where the audio module writes the recording (it should create it with mode 0o600)."""
        return self._path / self._meta.audio_file

    @property
    def created_at(self) -> dt.datetime:
        return self._meta.created_at

    @property
    def state(self) -> SessionState:
        return self._state

    @property
    def readonly(self) -> bool:
        return self._lock is None

    @property
    def details(self) -> MeetingDetails:
        return self._meta.details

    @property
    def transcript(self) -> Transcript:
        """The committed transcript with people's corrections (a new object each time; uncorrected
        segments are shared)."""
        segments = self._corrections.corrected(self._segments) if self._corrections.lines else list(self._segments)
        duration = max((s.end for s in segments), default=0.0)
        return Transcript.model_construct(segments=segments, duration=duration, language="en")

    @property
    def postmortem(self) -> Postmortem:
        return self._pm

    @property
    def speakers(self) -> SpeakerNames:
        """Speaker names, merges and reassigned lines (a copy: change them with `set_speakers`)."""
        return self._speakers.model_copy(deep=True)

    @property
    def named_transcript(self) -> Transcript:
        """The transcript with speaker names (or S1, S2… where unnamed) in `Segment.speaker`."""
        return named_transcript(self.transcript, self._speakers)

    @property
    def next_segment_id(self) -> int:
        """The id to give the next committed segment (ids only grow, so evidence never points elsewhere)."""
        return self._segments[-1].id + 1 if self._segments else 0

    @property
    def can_undo(self) -> bool:
        return bool(self._undo)

    # --- internals ------------------------------------------------------------------------------

    def _check(self) -> None:
        apply_checks(self._pm, self.transcript, speakers_by_segment(self.transcript, self._speakers))

    def _writable(self) -> AppendLog:
        if self._closed:
            raise SessionError(f"Session {self.name!r} is closed.")
        if self._log is None:
            raise SessionError(f"Session {self.name!r} is open read-only.")
        return self._log

    def _item(self, item_id: str) -> Item:
        item = self._pm.find(item_id)
        if item is None:
            raise SessionError(f"No item {item_id!r} in session {self.name!r}.")
        return item

    @contextlib.contextmanager
    def _saving(self, what: str) -> Iterator[None]:
        try:
            yield
        except OSError as exc:
            raise SessionError(f"Cannot save the {what} of session {self.name!r}: {reason(exc)}") from exc

    def _save_postmortem(self) -> None:
        with self._saving("postmortem"):
            atomic_write_text(self._path / POSTMORTEM_FILE, render_json(self._pm), mode=PRIVATE_FILE)
        after_save(self, "items")  # the search index follows every save (cheaply; never fails it)

    def _save_meta(self) -> None:
        with self._saving("details"):
            text = self._meta.model_dump_json(indent=2) + "\n"
            atomic_write_text(self._path / META_FILE, text, mode=PRIVATE_FILE)
        after_save(self, "meta")
