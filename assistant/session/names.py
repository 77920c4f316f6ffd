"""Session names: the folder name under the sessions directory, so they must be safe path components."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

from assistant.errors import SessionError

MAX_NAME_LENGTH = 80
MAX_SUFFIX = 9999
"""How many "-N" variants of one default name are tried before giving up."""

_SUFFIX_ROOM = len(f"-{MAX_SUFFIX}")
_SLUG_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
_DOTS = re.compile(r"\.{2,}")


def name_problem(name: str) -> str | None:
    """Why `name` cannot be a session name, or None when it can."""
    if not name:
        return "it is empty"
    if len(name) > MAX_NAME_LENGTH:
        return f"it is longer than {MAX_NAME_LENGTH} characters"
    if "/" in name or "\\" in name:
        return "it contains a slash"
    if ".." in name:
        return 'it contains ".."'
    if name.startswith("."):
        # Hidden entries are skipped by listings and reserved for temporary files.
        return "it starts with a dot"
    if not name.isprintable():
        return "it contains control characters"
    if name != name.strip():
        return "it starts or ends with a space"
    return None


def validate_name(name: str) -> str:
    """Return `name` unchanged, or raise SessionError saying why it is not a valid session name."""
    problem = name_problem(name)
    if problem is not None:
        raise SessionError(f"Invalid session name {name!r}: {problem}.")
    return name


def slug(text: str) -> str:
    """`text` reduced to letters, digits, ".", "_" and "-" (case kept: incident ids are upper case)."""
    return _DOTS.sub(".", _SLUG_UNSAFE.sub("-", text)).strip("-._")


def default_name(created: dt.datetime, incident_id: str | None = None) -> str:
    """`YYYY-MM-DD_HHMM[_incident-id]`, short enough to take a "-N" suffix within MAX_NAME_LENGTH."""
    name = created.strftime("%Y-%m-%d_%H%M")
    incident = slug(incident_id or "")
    if incident:
        name = f"{name}_{incident}"
    return name[: MAX_NAME_LENGTH - _SUFFIX_ROOM].rstrip("-._")


def candidates(base: str) -> Iterator[str]:
    """`base`, then `base-2`, `base-3`, … up to MAX_SUFFIX."""
    yield base
    for n in range(2, MAX_SUFFIX + 1):
        yield f"{base}-{n}"
