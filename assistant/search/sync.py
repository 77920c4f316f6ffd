"""Searching every session: the index file brought up to date with the session files first.

The session files are the record; the index is rebuilt from them whenever it is missing, was written by
another schema version or for another sessions folder, fails SQLite's structural check, or `rebuild` is
asked for; otherwise only the sessions whose files changed since they were indexed (their fingerprint,
see `assistant.session.indexing`) are read again, and sessions that are gone are dropped. When the index
file cannot be written at all (a read-only or full data folder), the search runs on an index built in
memory instead: slower, never wrong.
"""

from __future__ import annotations

import contextlib
import logging
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from assistant.errors import ConfigError, SessionError
from assistant.search.index import Hit, SearchIndex, index_path, is_corruption, match_expression, root_key
from assistant.session.indexing import session_docs, session_fingerprint, session_record
from assistant.session.listing import Unreadable, session_names
from assistant.session.store import Session

log = logging.getLogger(__name__)

DEFAULT_LIMIT = 20


@dataclass
class Synced:
    index: SearchIndex
    path: Path | None
    """The index file; None when searching an index built in memory."""
    rebuilt: bool = False
    skipped: list[Unreadable] = field(default_factory=list)
    note: str | None = None
    """Why the index file was not used, when `path` is None."""


@dataclass(frozen=True)
class SearchResult:
    query: str
    hits: list[Hit]
    skipped: list[Unreadable]
    rebuilt: bool
    index: Path | None
    note: str | None = None


def search_sessions(root: Path, query: str, *, limit: int = DEFAULT_LIMIT, rebuild: bool = False) -> SearchResult:
    """The best `limit` lines and items of every session under `root` for `query` (every word must
    occur; "a phrase" in quotes; `word*` a prefix). ConfigError when the query has no word."""
    match = match_expression(query)
    if match is None:
        raise ConfigError('Nothing to search for: give a word (or a "quoted phrase").')
    for attempt in (1, 2):
        try:
            with synced_index(root, rebuild=rebuild) as synced:
                hits = synced.index.search(match, limit)
                return SearchResult(query, hits, synced.skipped, synced.rebuilt, synced.path, synced.note)
        except sqlite3.DatabaseError as exc:
            # Damage the structural check did not see (e.g. in FTS5's own tables): rebuild, once.
            if attempt == 2 or not is_corruption(exc):
                raise
            rebuild = True
    raise AssertionError("unreachable")


@contextlib.contextmanager
def synced_index(root: Path, *, rebuild: bool = False) -> Iterator[Synced]:
    """The index of `root`, up to date with every session in it (closed on exit)."""
    synced = _open(root.expanduser(), rebuild)
    try:
        yield synced
    finally:
        synced.index.close()


def refresh(index: SearchIndex, root: Path) -> list[Unreadable]:
    """Re-read the sessions whose files changed since they were indexed; drop those that are gone."""
    skipped: list[Unreadable] = []
    with index.transaction():
        records = index.records()
        names = session_names(root)
        for gone in sorted(set(records) - set(names)):
            index.remove_session(gone)
        for name in names:
            # Taken before reading: if the session is saved meanwhile, the next search sees it changed.
            fingerprint = session_fingerprint(root / name)
            record = records.get(name)
            if record is not None and record.fingerprint == fingerprint:
                continue
            try:
                # Read-only: no lock, nothing written, so a session being recorded is searched too.
                with Session.open(root, name, readonly=True) as session:
                    index.replace_session(session_record(session, fingerprint), session_docs(session))
            except SessionError as exc:
                index.remove_session(name)
                skipped.append(Unreadable(name, exc.message))
    return skipped


class _Damaged(Exception):
    pass


def _open(root: Path, rebuild: bool) -> Synced:
    if not root.is_dir():  # no sessions yet: nothing to index, and no file to leave behind
        return _in_memory(root, None)
    path = index_path(root)
    try:
        try:
            return _open_file(root, path, rebuild)
        except (_Damaged, sqlite3.DatabaseError) as exc:
            if isinstance(exc, sqlite3.DatabaseError) and not is_corruption(exc):
                raise
        log.info("search index %s is damaged: rebuilding it from the session files", path)
        _remove(path)
        return _open_file(root, path, rebuild=True)
    except (sqlite3.OperationalError, OSError) as exc:  # read-only, full, locked too long…
        return _in_memory(root, f"cannot use the search index {path} ({exc}); searched without it")


def _open_file(root: Path, path: Path, rebuild: bool) -> Synced:
    index = SearchIndex.connect(path)
    try:
        key = root_key(root)
        current = index.is_current(key)
        if current and not rebuild and not index.is_intact():
            raise _Damaged
        if rebuild or not current:
            with index.transaction():
                index.reset(key)
        skipped = refresh(index, root)
    except BaseException:
        index.close()
        raise
    return Synced(index, path, rebuilt=rebuild or not current, skipped=skipped)


def _in_memory(root: Path, note: str | None) -> Synced:
    index = SearchIndex.connect(None)
    with index.transaction():
        index.reset(root_key(root))
    skipped = refresh(index, root) if root.is_dir() else []
    return Synced(index, None, rebuilt=True, skipped=skipped, note=note)


def _remove(path: Path) -> None:
    # A damaged index holds nothing that is not in the session files; its journal goes with it.
    for suffix in ("", "-journal", "-wal", "-shm"):
        with contextlib.suppress(FileNotFoundError):
            path.with_name(path.name + suffix).unlink()
