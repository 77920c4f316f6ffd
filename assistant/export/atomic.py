"""Crash-safe file writes: a reader sees either the old file or the complete new one, never half of it."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path


def atomic_write_bytes(path: Path, data: bytes, *, mode: int = 0o644) -> None:
    """Write `data` to `path` atomically, with permission bits `mode` (not filtered by the umask).

    The temp file lives in the target's directory because os.replace is only atomic within one
    filesystem. Raises OSError; on failure the temp file is removed and `path` is left as it was.
    """
    path = Path(path)
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as f:
            # mkstemp creates 0o600; set the final mode explicitly so it is the same whatever the umask.
            os.fchmod(f.fileno(), mode)
            f.write(data)
            f.flush()
            # Data must be on disk before the rename, or a power cut can leave a renamed empty file.
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    _fsync_dir(path.parent)


def atomic_write_text(path: Path, text: str, *, mode: int = 0o644) -> None:
    """Write `text` as UTF-8, byte for byte (no newline translation: CSV keeps its CRLF)."""
    atomic_write_bytes(path, text.encode("utf-8"), mode=mode)


def _fsync_dir(directory: Path) -> None:
    # Persist the rename itself. Best effort: some filesystems / platforms refuse fsync on a directory,
    # and the file content is already safe at this point.
    try:
        dir_fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):
            os.fsync(dir_fd)
    finally:
        os.close(dir_fd)
