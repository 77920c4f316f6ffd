"""The search index file: SQLite FTS5 (stdlib sqlite3), ranked by bm25. Headless, no session import.

The index is derived data: every row comes from a session's files and can be rebuilt from them at any
time (`assistant.search.sync`), so it is written for speed, not durability (`synchronous=OFF`: a crash of
the machine may leave it torn, which the next search detects and repairs by rebuilding).

Tables: `meta` (schema version, which sessions folder it indexes), `sessions` (per session: the
fingerprint of its files when indexed, its segment count, incident id and title), `docs` (one row per
transcript line or item, see `assistant.search.documents`) and `fts`, an external-content FTS5 table over
`docs.text` and `docs.extra`, kept in step by triggers.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Self

from assistant.search.documents import LINE, Doc

SCHEMA_VERSION = 1
PRIVATE_FILE = 0o600
"""Owner-only, like the session files it is read from: transcripts are often confidential."""

Fingerprint = dict[str, list[int] | None]
"""Per session file: [inode, size, mtime_ns], or None when absent. Files are replaced by rename on every
save (new inode) or appended to (new size), so a changed file changes its entry."""

_SCHEMA = (
    "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "CREATE TABLE sessions(name TEXT PRIMARY KEY, fingerprint TEXT NOT NULL, segments INTEGER NOT NULL, "
    "incident_id TEXT, title TEXT)",
    "CREATE TABLE docs(id INTEGER PRIMARY KEY, session TEXT NOT NULL, kind TEXT NOT NULL, ref TEXT NOT NULL, "
    "text TEXT NOT NULL, extra TEXT NOT NULL, start_s REAL, end_s REAL, speaker TEXT, status TEXT)",
    # Replacing one session's items on every review keystroke must not scan the whole index.
    "CREATE INDEX docs_session ON docs(session, kind)",
    "CREATE VIRTUAL TABLE fts USING fts5(text, extra, content='docs', content_rowid='id', "
    "tokenize='porter unicode61 remove_diacritics 2')",
    "CREATE TRIGGER docs_ai AFTER INSERT ON docs BEGIN "
    "INSERT INTO fts(rowid, text, extra) VALUES (new.id, new.text, new.extra); END",
    "CREATE TRIGGER docs_ad AFTER DELETE ON docs BEGIN "
    "INSERT INTO fts(fts, rowid, text, extra) VALUES ('delete', old.id, old.text, old.extra); END",
)
_TABLES = ("fts", "docs", "sessions", "meta")
_CORRUPT_CODES = frozenset({11, 26})  # SQLITE_CORRUPT (and its extended codes), SQLITE_NOTADB
_WEIGHTS = "1.0, 0.4"  # bm25 weight of `text`, then `extra` (owner and due date count less)
_TERM = re.compile(r'"([^"]*)"|(\S+)')
_WORD = re.compile(r"\w+")


def index_path(root: Path) -> Path:
    """The index of the sessions folder `root`: a file beside it in the data folder, named after it (two
    sessions folders in one data folder get two indexes)."""
    root = root.expanduser().resolve()
    return root.parent / f"{root.name}.search.sqlite"


def root_key(root: Path) -> str:
    return str(root.expanduser().resolve())


def is_corruption(exc: sqlite3.Error) -> bool:
    """The file is damaged or not a database (rebuild it), as opposed to busy, read-only, full…"""
    code = getattr(exc, "sqlite_errorcode", None)
    return isinstance(exc, sqlite3.DatabaseError) and code is not None and code & 0xFF in _CORRUPT_CODES


def match_expression(query: str) -> str | None:
    """The user's words as an FTS5 query: every word (or "quoted phrase") must occur; `word*` matches
    a prefix. Built from \\w+ tokens only, so no input is an FTS5 syntax error. None: nothing to find."""
    parts = []
    for phrase, bare in _TERM.findall(query):
        words = _WORD.findall(phrase or bare)
        if not words:
            continue
        part = '"' + " ".join(words) + '"'
        if not phrase and bare.endswith("*") and len(words) == 1:
            part += "*"
        parts.append(part)
    return " ".join(parts) or None


@dataclass(frozen=True)
class SessionRecord:
    name: str
    fingerprint: Fingerprint
    segments: int
    incident_id: str | None = None
    title: str | None = None


@dataclass(frozen=True)
class Hit:
    session: str
    incident_id: str | None
    kind: str
    ref: str
    text: str
    snippet: str
    """`text` around the match, matched words in [brackets]."""
    start: float | None
    end: float | None
    speaker: str | None
    status: str | None
    score: float
    """bm25 relevance, higher is better (SQLite's bm25 negated)."""


class SearchIndex:
    """One open connection to an index file (or `:memory:`). Autocommit; group writes in `transaction`."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    @classmethod
    def connect(cls, path: Path | None, *, timeout: float = 10.0) -> Self:
        """Open (creating an empty, owner-only file if needed) the index at `path`; None: in memory."""
        if path is not None and not path.exists():
            # Created here with its mode, before SQLite would create it with the umask's.
            os.close(os.open(path, os.O_RDWR | os.O_CREAT, PRIVATE_FILE))
        conn = sqlite3.connect(":memory:" if path is None else path, timeout=timeout, isolation_level=None)
        try:
            conn.execute("PRAGMA synchronous=OFF")
        except BaseException:
            conn.close()
            raise
        return cls(conn)

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """All or nothing; IMMEDIATE takes the write lock up front, so readers never see half a session."""
        self._conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            with contextlib.suppress(sqlite3.Error):
                self._conn.execute("ROLLBACK")
            raise
        self._conn.execute("COMMIT")

    # --- the file as a whole ------------------------------------------------------------------------

    def is_current(self, key: str) -> bool:
        """Written by this schema version for the sessions folder `key` (see `root_key`)."""
        try:
            rows = dict(self._conn.execute("SELECT key, value FROM meta").fetchall())
        except sqlite3.OperationalError as exc:
            if "no such table" in str(exc):  # a new, empty file
                return False
            raise
        return rows.get("schema") == str(SCHEMA_VERSION) and rows.get("root") == key

    def is_intact(self) -> bool:
        """SQLite's own structural check (pages, b-trees) and FTS5's check that its index matches `docs`.
        Raises sqlite3.DatabaseError for a file that is not a database at all."""
        rows = self._conn.execute("PRAGMA quick_check").fetchall()
        if rows != [("ok",)]:
            return False
        try:
            self._conn.execute("INSERT INTO fts(fts, rank) VALUES ('integrity-check', 0)")
        except sqlite3.DatabaseError as exc:
            if is_corruption(exc):
                return False
            raise
        return True

    def reset(self, key: str) -> None:
        """Drop everything and create the empty schema for the sessions folder `key` (in a transaction)."""
        for table in _TABLES:
            self._conn.execute(f"DROP TABLE IF EXISTS {table}")
        for statement in _SCHEMA:
            self._conn.execute(statement)
        self._conn.executemany(
            "INSERT INTO meta(key, value) VALUES (?, ?)", [("schema", str(SCHEMA_VERSION)), ("root", key)]
        )

    # --- sessions -----------------------------------------------------------------------------------

    def records(self) -> dict[str, SessionRecord]:
        rows = self._conn.execute("SELECT name, fingerprint, segments, incident_id, title FROM sessions")
        return {row[0]: _record(row) for row in rows.fetchall()}

    def record(self, name: str) -> SessionRecord | None:
        row = self._conn.execute(
            "SELECT name, fingerprint, segments, incident_id, title FROM sessions WHERE name = ?", (name,)
        ).fetchone()
        return None if row is None else _record(row)

    def put_record(self, record: SessionRecord) -> None:
        self._conn.execute(
            "INSERT OR REPLACE INTO sessions(name, fingerprint, segments, incident_id, title) VALUES (?, ?, ?, ?, ?)",
            (record.name, json.dumps(record.fingerprint, sort_keys=True), record.segments, record.incident_id,
             record.title),
        )  # fmt: skip

    def replace_session(self, record: SessionRecord, docs: Iterable[Doc]) -> None:
        self._conn.execute("DELETE FROM docs WHERE session = ?", (record.name,))
        self.add_docs(record.name, docs)
        self.put_record(record)

    def replace_items(self, name: str, docs: Iterable[Doc]) -> None:
        self._conn.execute("DELETE FROM docs WHERE session = ? AND kind != ?", (name, LINE))
        self.add_docs(name, docs)

    def add_docs(self, name: str, docs: Iterable[Doc]) -> None:
        self._conn.executemany(
            "INSERT INTO docs(session, kind, ref, text, extra, start_s, end_s, speaker, status) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            ((name, d.kind, d.ref, d.text, d.extra, d.start, d.end, d.speaker, d.status) for d in docs),
        )

    def remove_session(self, name: str) -> None:
        self._conn.execute("DELETE FROM docs WHERE session = ?", (name,))
        self._conn.execute("DELETE FROM sessions WHERE name = ?", (name,))

    def count(self, name: str | None = None) -> int:
        """How many rows (lines and items) the index holds, of one session or all."""
        if name is None:
            row = self._conn.execute("SELECT count(*) FROM docs").fetchone()
        else:
            row = self._conn.execute("SELECT count(*) FROM docs WHERE session = ?", (name,)).fetchone()
        return int(row[0])

    # --- searching ----------------------------------------------------------------------------------

    def search(self, match: str, limit: int = 20) -> list[Hit]:
        """The best `limit` rows for the FTS5 expression `match` (see `match_expression`), best first."""
        rows = self._conn.execute(
            f"SELECT d.session, s.incident_id, d.kind, d.ref, d.text, "
            f"snippet(fts, 0, '[', ']', '…', 16), d.start_s, d.end_s, d.speaker, d.status, bm25(fts, {_WEIGHTS}) "
            f"FROM fts JOIN docs d ON d.id = fts.rowid LEFT JOIN sessions s ON s.name = d.session "
            f"WHERE fts MATCH ? ORDER BY bm25(fts, {_WEIGHTS}), d.session, d.id LIMIT ?",
            (match, limit),
        ).fetchall()
        return [_hit(row) for row in rows]


def _record(row: tuple[Any, ...]) -> SessionRecord:
    name, fingerprint, segments, incident_id, title = row
    return SessionRecord(name, json.loads(fingerprint), int(segments), incident_id, title)


def _hit(row: tuple[Any, ...]) -> Hit:
    session, incident_id, kind, ref, text, snippet, start, end, speaker, status, rank = row
    # bm25() is negative, more negative = better; shown positive so "higher is better" reads naturally.
    return Hit(session, incident_id, kind, ref, text, snippet, start, end, speaker, status, round(-rank, 6))
