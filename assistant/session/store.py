"""Creating, opening and changing sessions: `Session`. The folder layout is in `assistant.session.core`."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from assistant.domain.postmortem import ActionItem, ActionStatus, MeetingDetails, Postmortem, ReviewStatus
from assistant.domain.transcript import Segment
from assistant.errors import SessionError
from assistant.export.atomic import atomic_write_text
from assistant.extraction.merge import merge_into
from assistant.session.correcting import CorrectableSession
from assistant.session.files import (
    LOCK_NAME,
    PRIVATE_FILE,
    AppendLog,
    OwnerLock,
    claim_name,
    ensure_root,
    is_locked,
    make_staging_dir,
    remove_stale_staging,
)
from assistant.session.indexing import after_save
from assistant.session.meta import SESSION_STATES, SessionMeta, SessionState
from assistant.session.names import candidates, default_name, validate_name
from assistant.session.reading import (
    SPEAKERS_FILE,
    TRANSCRIPT_FILE,
    read_corrections,
    read_meta,
    read_postmortem,
    read_speakers,
    read_transcript,
    reason,
)
from assistant.session.review import Change, drop_missing, validated_changes
from assistant.speakers.names import SpeakerNames

LOCK_FILE = LOCK_NAME


class Session(CorrectableSession):
    """One meeting's durable state. Get one with `Session.create` or `Session.open`.

    Every mutating method has persisted its change when it returns. If saving fails it raises
    SessionError; for postmortem changes the change is then in memory only and the next successful
    save (every save writes the whole document) makes it durable.

    `postmortem` and `transcript` are views for reading: change them only through the methods here,
    or the changes are not saved.
    """

    # --- creating and opening -------------------------------------------------------------------

    @classmethod
    def create(
        cls,
        root: Path,
        details: MeetingDetails,
        name: str | None = None,
        *,
        resume: bool = False,
        now: dt.datetime | None = None,
    ) -> Session:
        """Create a new session folder under `root` and own it (state "recording").

        Without `name`, the name is `YYYY-MM-DD_HHMM[_incident-id]` of `now` (default: the local time),
        with `-2`, `-3`, … appended while taken. An explicit `name` that is taken raises SessionError,
        unless `resume` is set: then that session is opened instead. No existing session is ever
        written into by a create, even by concurrent processes.

        The folder is built complete under a hidden staging name and then renamed into place, so a
        crash during creation never leaves a half-made session (only a hidden leftover, removed later).
        """
        created = (now or dt.datetime.now()).astimezone()
        base = default_name(created, details.incident_id) if name is None else validate_name(name)
        names = candidates(base) if name is None else [base]
        if name is not None and (root / name).exists() and not _is_empty_dir(root / name):
            return cls._existing(root, name, resume)
        try:
            ensure_root(root)
            remove_stale_staging(root)
            staging = make_staging_dir(root)
        except OSError as exc:
            raise SessionError(f"Cannot create a session in {root}: {reason(exc)}") from exc
        session = cls._build(staging, details, created)
        try:
            for candidate in names:
                session._meta.name = candidate
                session._save_meta()
                if claim_name(staging, root / candidate):
                    session._path = root / candidate
                    return session
        except BaseException as exc:
            session._discard()
            if isinstance(exc, OSError):
                raise SessionError(f"Cannot create a session in {root}: {reason(exc)}") from exc
            raise
        session._discard()
        if name is not None:
            return cls._existing(root, name, resume)  # created by someone else meanwhile
        raise SessionError(f"Too many sessions named like {base!r} in {root}; give this one a name.")

    @classmethod
    def _existing(cls, root: Path, name: str, resume: bool) -> Session:
        if resume:
            return cls.open(root, name)
        raise SessionError(f"A session named {name!r} already exists in {root}; choose another name.")

    @classmethod
    def _build(cls, staging: Path, details: MeetingDetails, created: dt.datetime) -> Session:
        """A complete new session in the folder `staging` (the owner lock held, files written)."""
        lock: OwnerLock | None = None
        log: AppendLog | None = None
        try:
            lock = OwnerLock.acquire(staging / LOCK_FILE, session=staging.name)
            log = AppendLog(staging / TRANSCRIPT_FILE, 0)
            meta = SessionMeta(
                name=staging.name,
                created_at=created,
                state="recording",
                details=details.model_copy(deep=True),
                pid=os.getpid(),
            )
            pm = Postmortem(details=details.model_copy(deep=True))
            session = cls(staging, meta, [], pm, lock=lock, log=log, state="recording")
            session._save_postmortem()
            return session
        except BaseException as exc:
            if log is not None:
                log.close()
            if lock is not None:
                lock.release()
            shutil.rmtree(staging, ignore_errors=True)
            if isinstance(exc, OSError):
                raise SessionError(f"Cannot create a session in {staging.parent}: {reason(exc)}") from exc
            raise

    def _discard(self) -> None:
        """Throw away a session that was never published (still under its staging name)."""
        self.close()
        shutil.rmtree(self._path, ignore_errors=True)

    @classmethod
    def open(cls, root: Path, name: str, *, readonly: bool = False) -> Session:
        """Open the session `name` under `root`.

        By default the caller becomes its owner (to resume it): this fails with SessionError while
        another process owns it. A session left "recording" by a process that is gone becomes
        "interrupted". With `readonly` nothing is locked or written (listing, exporting, even while
        another process is recording) and every mutating method raises SessionError.
        """
        path = root / validate_name(name)
        if not path.is_dir():
            raise SessionError(f"No session named {name!r} in {root} (see `assistant sessions`).")
        lock: OwnerLock | None = None
        log: AppendLog | None = None
        writing = False
        try:
            if not readonly:
                writing = True  # the lock file is the first write
                lock = OwnerLock.acquire(path / LOCK_FILE, session=name)
            writing = False
            meta = read_meta(path)
            segments, valid_size = read_transcript(path)
            pm = read_postmortem(path)
            speakers = read_speakers(path)
            corrections = read_corrections(path)
            if not readonly:
                writing = True
                log = AppendLog(path / TRANSCRIPT_FILE, valid_size)
        except BaseException as exc:
            if lock is not None:
                lock.release()
            if isinstance(exc, OSError):
                if writing:  # e.g. a read-only folder: say so, and that reading still works
                    raise SessionError(
                        f"Cannot open session {name!r} for writing: {reason(exc)} "
                        "(its files are unchanged; `assistant export` still reads it)"
                    ) from exc
                raise SessionError(f"Cannot read session {name!r}: {reason(exc)}") from exc
            raise
        state = meta.state
        if state == "recording" and (not readonly or not is_locked(path / LOCK_FILE)):
            # Owning it means we got the lock, so whoever was recording has gone.
            state = "interrupted"
        session = cls(
            path, meta, segments, pm, lock=lock, log=log, state=state, speakers=speakers, corrections=corrections
        )
        if pm.details != meta.details:
            # A crash between writing session.json and postmortem.json in update_details.
            pm.details = meta.details.model_copy(deep=True)
            session._check()
        if not readonly and state != meta.state:
            try:
                session.mark_state(state)
            except BaseException:
                session.close()
                raise
        return session

    # --- transcript -----------------------------------------------------------------------------

    def add_segments(self, segments: Iterable[Segment]) -> None:
        """Append committed segments; durable (fsynced) when this returns.

        Ids must be increasing and start at `next_segment_id` or later (ValueError otherwise, before
        anything is written). On a write error nothing of the batch is kept, on disk or in memory.
        """
        log = self._writable()
        batch = list(segments)
        expected = self.next_segment_id
        for seg in batch:
            if seg.id < expected:
                raise ValueError(f"segment id {seg.id} is not above the last committed one ({expected - 1})")
            expected = seg.id + 1
        if not batch:
            return
        data = b"".join(seg.model_dump_json().encode("utf-8") + b"\n" for seg in batch)
        with self._saving("transcript"):
            log.append(data)
        self._segments.extend(batch)
        after_save(self, "lines", batch)

    # --- proposals and review -------------------------------------------------------------------

    def merge_proposals(self, new: Postmortem) -> None:
        """Merge newly extracted proposals (merge_into: reviewed and edited items are never overridden),
        add `new.windows` (a window with an index already present replaces it: a retry supersedes its
        earlier failure), re-run the checks and save. `new` itself is not modified."""
        self._writable()
        incoming = new.model_copy(deep=True)
        merge_into(self._pm, incoming)
        for window in incoming.windows:
            self._pm.windows = [w for w in self._pm.windows if w.index != window.index]
            self._pm.windows.append(window)
        self._pm.windows.sort(key=lambda w: w.index)
        self._check()
        self._save_postmortem()

    def merge_final(self, final: Postmortem) -> None:
        """Take a final pass made over a copy of these proposals (`Extractor.extract(..., draft=copy)`):
        unreviewed proposals it dropped go, the rest is merged as by `merge_proposals` (checked, saved)."""
        self._writable()
        drop_missing(self._pm, final)
        self.merge_proposals(final)

    def set_status(self, item_id: str, status: ReviewStatus) -> None:
        """Accept, reject or reset one item. Undoable."""
        self._writable()
        item = self._item(item_id)
        if item.status is status:
            return
        self._undo.push([Change(item_id, {"status": item.status})])
        item.status = status
        self._save_postmortem()

    def edit_item(self, item_id: str, **fields: Any) -> None:
        """Change an item's text fields (e.g. `action=`, `owner=`, `due=`), mark it edited and re-run the
        checks so its flags describe the new text. Undoable. TypeError for a field that is not editable,
        SessionError for an invalid value."""
        self._writable()
        item = self._item(item_id)
        changes = validated_changes(item, fields)
        if not changes:
            return
        before = {name: getattr(item, name) for name in changes} | {"edited": item.edited}
        self._undo.push([Change(item_id, before)])
        for name, value in changes.items():
            setattr(item, name, value)
        item.edited = True
        self._check()
        self._save_postmortem()

    def set_action_status(self, item_id: str, status: ActionStatus) -> None:
        """Mark an action item's work done, or open again: the follow-up, not the review (its review
        status is left as it is). Undoable."""
        self._writable()
        item = self._item(item_id)
        if not isinstance(item, ActionItem):
            raise SessionError(f"Item {item_id!r} of session {self.name!r} is not an action item.")
        if item.item_status == status:
            return
        self._undo.push([Change(item_id, {"item_status": item.item_status})])
        item.item_status = status
        self._save_postmortem()

    def bulk_accept_unflagged(self) -> int:
        """Accept every proposed item without flags, as one undoable step; returns how many.

        Root-cause steps are left alone while the chain itself is flagged (it ends at a person or at
        "human error"): each step may look fine, but accepting them would accept the flawed chain.
        """
        self._writable()
        chain = {id(i) for i in self._pm.root_cause.whys}
        if self._pm.root_cause.systemic_cause is not None:
            chain.add(id(self._pm.root_cause.systemic_cause))
        step: list[Change] = []
        for item in self._pm.all_items():
            if item.status is not ReviewStatus.PROPOSED or item.flags:
                continue
            if self._pm.root_cause.flags and id(item) in chain:
                continue
            step.append(Change(item.id, {"status": item.status}))
            item.status = ReviewStatus.ACCEPTED
        if step:
            self._undo.push(step)
            self._save_postmortem()
        return len(step)

    def undo(self) -> list[str]:
        """Take back the newest review action (status change, edit or bulk accept) and save.

        Returns the ids of the items restored (empty when there is nothing to undo). The history is
        kept in memory only: it starts empty when a session is opened.
        """
        self._writable()
        line = self._undo.pop_line()
        if line is not None:
            return self._undo_correction(line)
        restored, content_changed = self._undo.pop_into(self._pm)
        if content_changed:
            self._check()
        if restored:
            self._save_postmortem()
        return restored

    # --- speakers -------------------------------------------------------------------------------

    def set_speakers(self, speakers: SpeakerNames) -> None:
        """Replace the speaker names/merges/reassignments, re-run the checks (owners of "I'll …" items
        follow the names) and save both files."""
        self._writable()
        self._speakers = speakers.model_copy(deep=True)
        with self._saving("speaker names"):
            text = self._speakers.model_dump_json(indent=2) + "\n"
            atomic_write_text(self._path / SPEAKERS_FILE, text, mode=PRIVATE_FILE)
        self._check()
        self._save_postmortem()

    # --- session details ------------------------------------------------------------------------

    def update_details(self, details: MeetingDetails) -> None:
        """Replace the meeting details; the checks run again (attendees and date affect owner/due flags)."""
        self._writable()
        self._meta.details = details.model_copy(deep=True)
        self._pm.details = details.model_copy(deep=True)
        self._check()
        self._save_meta()
        self._save_postmortem()

    def mark_state(self, state: SessionState) -> None:
        """Record the session's state (e.g. "recording" when recording resumes, "finalised" at the end)."""
        self._writable()
        if state not in SESSION_STATES:
            raise ValueError(f"unknown session state {state!r}")
        self._meta.state = state
        self._meta.pid = os.getpid()
        self._save_meta()
        self._state = state


def _is_empty_dir(path: Path) -> bool:
    try:
        return path.is_dir() and not any(path.iterdir())
    except OSError:
        return False
