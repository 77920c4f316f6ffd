"""Durable, owner-only files of a session folder: private modes, the append-only log and the owner lock.

Everything here is POSIX (fcntl, fchmod): the assistant runs on Linux and macOS.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import shutil
import tempfile
import time
from pathlib import Path

from assistant.errors import SessionError

PRIVATE_DIR = 0o700
PRIVATE_FILE = 0o600

LOCK_RETRY_S = 0.5
"""How long an owner waits for the lock: a listing process probes it for microseconds (see is_locked)."""

STAGING_PREFIX = ".new-"
STALE_STAGING_S = 3600.0
"""A staging folder this old whose lock is free was left by a crash during creation."""
LOCK_NAME = "session.lock"

# rename() onto a folder that holds anything fails with one of these: the name is taken.
_TAKEN = frozenset({errno.EEXIST, errno.ENOTEMPTY, errno.ENOTDIR, errno.EISDIR})


def make_private_dir(path: Path) -> None:
    """Create `path` (not its parents) with mode 0o700. Raises FileExistsError if it exists."""
    os.mkdir(path, PRIVATE_DIR)
    # mkdir's mode is filtered by the umask; set it explicitly so it is exactly 0o700.
    os.chmod(path, PRIVATE_DIR)


def ensure_root(root: Path) -> None:
    """Create the sessions folder if needed (0o700 when we create it; an existing one is left alone)."""
    if root.is_dir():
        return
    root.parent.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(FileExistsError):
        make_private_dir(root)


def make_staging_dir(root: Path) -> Path:
    """A new private, hidden folder in `root` where a session is built before it gets its name."""
    path = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=root))
    os.chmod(path, PRIVATE_DIR)
    return path


def claim_name(staging: Path, target: Path) -> bool:
    """Rename the complete folder `staging` to `target`; False when `target` is taken.

    rename() is atomic and refuses a target that holds anything, so two processes can never both
    get a name and no session is ever overwritten (an empty folder of that name is replaced: it
    holds nothing to lose).
    """
    try:
        os.rename(staging, target)
    except OSError as exc:
        if exc.errno in _TAKEN:
            return False
        raise
    fsync_dir(target.parent)
    return True


def remove_stale_staging(root: Path) -> None:
    """Delete staging folders left by a crash during creation (best effort)."""
    with contextlib.suppress(OSError):
        for entry in os.scandir(root):
            if not entry.name.startswith(STAGING_PREFIX) or not entry.is_dir(follow_symlinks=False):
                continue
            path = Path(entry.path)
            with contextlib.suppress(OSError):
                old = time.time() - entry.stat(follow_symlinks=False).st_mtime > STALE_STAGING_S
                # A creator holds the lock while it builds the folder; never pull it from under it.
                if old and not is_locked(path / LOCK_NAME):
                    shutil.rmtree(path, ignore_errors=True)


def fsync_dir(directory: Path) -> None:
    """Persist entries created in `directory` (best effort: not every filesystem allows it)."""
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def read_complete_lines(path: Path) -> tuple[list[bytes], int]:
    """The newline-terminated lines of `path` and how many bytes they span.

    Bytes after the last newline are a torn append (the writer died mid-write): they were never
    acknowledged, so they are ignored rather than reported as corruption.
    """
    data = path.read_bytes()
    end = data.rfind(b"\n") + 1
    return data[:end].splitlines(), end


class AppendLog:
    """An append-only file; `append` returns only once the data is on disk (fsync)."""

    def __init__(self, path: Path, valid_size: int) -> None:
        """Open `path` for appending, cutting off anything past `valid_size` (a torn last line).

        Without the cut, the next line would be glued onto the torn one and both would be lost.
        """
        self._fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC, PRIVATE_FILE)
        try:
            os.fchmod(self._fd, PRIVATE_FILE)
            if os.fstat(self._fd).st_size > valid_size:
                os.ftruncate(self._fd, valid_size)
                os.fsync(self._fd)
        except BaseException:
            os.close(self._fd)
            raise
        self._size = valid_size

    def append(self, data: bytes) -> None:
        """Write `data` at the end and fsync. Raises OSError, leaving the file as it was before."""
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(self._fd, view) :]
            os.fsync(self._fd)
        except BaseException:
            # A partial write (full disk) would leave half a line that the next append turns into a
            # corrupt line in the middle of the log; cut back to the last good end.
            with contextlib.suppress(OSError):
                os.ftruncate(self._fd, self._size)
            raise
        self._size += len(data)

    def close(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1


class OwnerLock:
    """An exclusive flock held for as long as a process owns a session.

    The kernel drops the lock when the owner dies, however it dies (kill -9 included), so "is the lock
    free?" answers "is the owner gone?" without trusting a pid that may have been reused. The pid is
    written into the file only to name the owner in error messages.
    """

    def __init__(self, fd: int) -> None:
        self._fd = fd

    @classmethod
    def acquire(cls, path: Path, *, session: str, retry_s: float = LOCK_RETRY_S) -> OwnerLock:
        """Take the lock or raise SessionError naming the process that holds it."""
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, PRIVATE_FILE)
        try:
            os.fchmod(fd, PRIVATE_FILE)
            deadline = time.monotonic() + retry_s
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        owner = _read_pid(fd)
                        by = f" (process {owner})" if owner else ""
                        raise SessionError(
                            f"Session {session!r} is in use by another assistant{by}; close it there first."
                        ) from None
                    time.sleep(0.02)
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        except BaseException:
            os.close(fd)
            raise
        return cls(fd)

    def release(self) -> None:
        if self._fd >= 0:
            # Closing the descriptor releases the flock.
            os.close(self._fd)
            self._fd = -1


def is_locked(path: Path) -> bool:
    """True when some process holds the owner lock at `path`. Never creates the file."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    except OSError:
        # Missing (never created) or unreadable: no owner we can see.
        return False
    try:
        # A shared lock conflicts only with the owner's exclusive one, so listers never block each other.
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)
    return False


def _read_pid(fd: int) -> int | None:
    try:
        return int(os.pread(fd, 32, 0).decode("ascii").strip())
    except (OSError, ValueError, UnicodeDecodeError):
        return None
