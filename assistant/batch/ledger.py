"""The batch ledger: one SQLite file in the sessions folder (`.batch/ledger.sqlite`) with every
recording's content hash, session name and state, so a batch resumes where it stopped.

States: `pending` (known, never finished), `running` (leased by one batch run until `lease_until`),
`done` (its session is saved), `failed` (retried while `attempts` < the bound), `bad` (no speech or
not decodable: never retried). A lease is taken in one `BEGIN IMMEDIATE` transaction, so two batch
runs over the same folder never process a recording at the same time; a run that died (kill -9,
power loss) stops renewing its leases and another run takes them over once they expire.
"""

from __future__ import annotations

import contextlib
import sqlite3
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

State = Literal["pending", "running", "done", "failed", "bad"]
LEDGER_FILE = Path(".batch") / "ledger.sqlite"
MAX_ATTEMPTS = 3
LEASE_S = 120.0
"""How long a lease outlives its last renewal; a live run renews every `LEASE_S / 4`."""

_SCHEMA = """
CREATE TABLE IF NOT EXISTS recordings (
    hash TEXT PRIMARY KEY,
    path TEXT NOT NULL,
    session TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'pending',
    attempts INTEGER NOT NULL DEFAULT 0,
    error TEXT,
    audio_s REAL,
    wall_s REAL,
    lease_owner TEXT,
    lease_until REAL,
    worker TEXT,
    updated REAL NOT NULL
)
"""


@dataclass(frozen=True)
class Row:
    hash: str
    path: str
    session: str
    state: State
    attempts: int
    error: str | None
    audio_s: float | None
    wall_s: float | None
    lease_owner: str | None
    lease_until: float | None
    worker: str | None


class Ledger:
    def __init__(self, path: Path, clock: Callable[[], float] = time.time) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._now = clock
        # Autocommit; transactions are explicit. The timeout waits out another run's short writes.
        self._db = sqlite3.connect(path, timeout=30.0, isolation_level=None, check_same_thread=False)
        self._db.execute(_SCHEMA)

    @classmethod
    def of(cls, sessions_root: Path) -> Ledger:
        return cls(sessions_root / LEDGER_FILE)

    def close(self) -> None:
        self._db.close()

    @contextlib.contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        self._db.execute("BEGIN IMMEDIATE")  # the write lock first: read-then-update is atomic
        try:
            yield self._db
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def get(self, key: str) -> Row | None:
        cur = self._db.execute(f"SELECT {_COLUMNS} FROM recordings WHERE hash = ?", (key,))
        found = cur.fetchone()
        return Row(*found) if found else None

    def rows(self) -> list[Row]:
        return [Row(*r) for r in self._db.execute(f"SELECT {_COLUMNS} FROM recordings ORDER BY path")]

    def register(self, key: str, path: str, session: str, audio_s: float | None) -> Row:
        """The recording's row, added as `pending` the first time its content is seen."""
        with self._write() as db:
            db.execute(
                "INSERT OR IGNORE INTO recordings (hash, path, session, audio_s, updated) VALUES (?, ?, ?, ?, ?)",
                (key, path, session, audio_s, self._now()),
            )
        row = self.get(key)
        assert row is not None
        return row

    def claim(self, key: str, owner: str, max_attempts: int = MAX_ATTEMPTS) -> Row | None:
        """Lease the recording to `owner` and count an attempt; None when it is done, bad, out of
        attempts or leased by a run that is still alive."""
        now = self._now()
        with self._write() as db:
            row = self.get(key)
            if row is None or not claimable(row, now, max_attempts):
                return None
            db.execute(
                "UPDATE recordings SET state = 'running', attempts = attempts + 1, lease_owner = ?, "
                "lease_until = ?, worker = NULL, updated = ? WHERE hash = ?",
                (owner, now + LEASE_S, now, key),
            )
        return self.get(key)

    def renew(self, owner: str) -> None:
        now = self._now()
        with self._write() as db:
            db.execute(
                "UPDATE recordings SET lease_until = ? WHERE lease_owner = ? AND state = 'running'",
                (now + LEASE_S, owner),
            )

    def note_worker(self, key: str, worker: str) -> None:
        """Which process (host:pid) is working on it: for people (and tests) looking at a running batch."""
        with self._write() as db:
            db.execute("UPDATE recordings SET worker = ? WHERE hash = ? AND state = 'running'", (worker, key))

    def finish(self, key: str, owner: str, state: State, error: str | None = None, wall_s: float | None = None) -> bool:
        """Record the outcome of `owner`'s attempt; False (nothing written) if the lease was lost."""
        with self._write() as db:
            cur = db.execute(
                "UPDATE recordings SET state = ?, error = ?, wall_s = COALESCE(?, wall_s), lease_owner = NULL, "
                "lease_until = NULL, updated = ? WHERE hash = ? AND lease_owner = ? AND state = 'running'",
                (state, error, wall_s, self._now(), key, owner),
            )
            return cur.rowcount == 1

    def mark_bad(self, key: str, error: str) -> None:
        with self._write() as db:
            db.execute(
                "UPDATE recordings SET state = 'bad', error = ?, updated = ? WHERE hash = ? AND state != 'done'",
                (error, self._now(), key),
            )

    def release(self, key: str, owner: str) -> None:
        """Give an unfinished lease back (Ctrl-C): the attempt does not count."""
        with self._write() as db:
            db.execute(
                "UPDATE recordings SET state = CASE WHEN attempts > 1 THEN 'failed' ELSE 'pending' END, "
                "attempts = attempts - 1, lease_owner = NULL, lease_until = NULL, worker = NULL, updated = ? "
                "WHERE hash = ? AND lease_owner = ? AND state = 'running'",
                (self._now(), key, owner),
            )

    def reset_attempts(self) -> int:
        """`--retry-failed`: failed recordings get their attempts back."""
        with self._write() as db:
            cur = db.execute(
                "UPDATE recordings SET attempts = 0 WHERE state = 'failed' OR (state = 'running' AND lease_until < ?)",
                (self._now(),),
            )
            return cur.rowcount


def claimable(row: Row, now: float, max_attempts: int) -> bool:
    if row.state == "pending":
        return True
    if row.state == "failed":
        return row.attempts < max_attempts
    if row.state == "running":  # another run's lease, still valid unless it stopped renewing
        return (row.lease_until or 0.0) < now and row.attempts < max_attempts
    return False


_COLUMNS = ", ".join(Row.__dataclass_fields__)
