"""What a batch processes: recordings named on the command line, found in folders (recursively, by
extension) or listed in a manifest (CSV or JSON lines: a path plus optional meeting details)."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import os
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.errors import ConfigError

AUDIO_EXTENSIONS = frozenset(
    {".wav", ".flac", ".mp3", ".m4a", ".aac", ".ogg", ".oga", ".opus", ".webm", ".mp4", ".mkv", ".mov", ".wma"}
)
MANIFEST_EXTENSIONS = frozenset({".csv", ".jsonl"})
KNOWN_COLUMNS = frozenset(
    {"path", "title", "date", "attendees", "incident_id", "facilitator", "severity", "speaker_names"}
)


@dataclass(frozen=True)
class BatchInput:
    path: Path
    details: dict[str, Any] = field(default_factory=dict)
    """MeetingDetails fields from a manifest (title, date, attendees, incident_id, facilitator, severity)."""
    speaker_names: dict[str, str] = field(default_factory=dict)
    source: str = ""
    """Where it was named (a manifest's line), for error lines."""


@dataclass(frozen=True)
class Rejected:
    """An input that is not processed, and why (one line in the report)."""

    path: str
    reason: str


def collect(args: Iterable[Path]) -> tuple[list[BatchInput], list[Rejected]]:
    """Every recording the arguments name, in order, each path once. A manifest that cannot be read
    raises ConfigError (its whole content is unknown); a missing file is rejected, the rest goes on."""
    found: list[BatchInput] = []
    rejected: list[Rejected] = []
    for arg in args:
        if arg.is_dir():
            found.extend(BatchInput(p) for p in _audio_under(arg))
        elif arg.suffix.lower() in MANIFEST_EXTENSIONS and arg.is_file():
            items, bad = read_manifest(arg)
            found.extend(items)
            rejected.extend(bad)
        elif arg.exists():
            found.append(BatchInput(arg))
        else:
            rejected.append(Rejected(str(arg), "no such file or folder"))
    seen: set[Path] = set()
    unique = []
    for item in found:
        key = item.path.resolve()
        if key not in seen:
            seen.add(key)
            unique.append(item)
    return unique, rejected


def _audio_under(folder: Path) -> list[Path]:
    paths: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))  # hidden: caches, our own ledger
        paths.extend(Path(dirpath) / f for f in sorted(filenames) if Path(f).suffix.lower() in AUDIO_EXTENSIONS)
    return paths


def read_manifest(path: Path) -> tuple[list[BatchInput], list[Rejected]]:
    """A CSV (header row with a `path` column) or JSON-lines manifest; relative paths are relative to
    the manifest's folder. A row with a bad value is rejected with its line number."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read manifest {path}: {exc}") from exc
    rows = _jsonl_rows(path, text) if path.suffix.lower() == ".jsonl" else _csv_rows(path, text)
    items: list[BatchInput] = []
    rejected: list[Rejected] = []
    for line, row in rows:
        where = f"{path.name}:{line}"
        try:
            items.append(_item(path.parent, row, where))
        except ValueError as exc:
            rejected.append(Rejected(str(row.get("path") or where), f"{where}: {exc}"))
    return items, rejected


def _csv_rows(path: Path, text: str) -> Iterator[tuple[int, dict[str, Any]]]:
    reader = csv.DictReader(text.splitlines())
    columns = {_column(c) for c in reader.fieldnames or []}
    if "path" not in columns:
        raise ConfigError(f"manifest {path} has no 'path' column (header: {', '.join(reader.fieldnames or [])})")
    for row in reader:
        yield reader.line_num, {_column(k): v for k, v in row.items() if k is not None}


def _jsonl_rows(path: Path, text: str) -> Iterator[tuple[int, dict[str, Any]]]:
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ConfigError(f"manifest {path} line {number} is not JSON: {exc.msg}") from exc
        if not isinstance(row, dict):
            raise ConfigError(f"manifest {path} line {number} is not a JSON object")
        yield number, {_column(str(k)): v for k, v in row.items()}


def _column(name: str) -> str:
    return name.strip().lower().replace(" ", "_").replace("-", "_")


def _item(base: Path, row: Mapping[str, Any], where: str) -> BatchInput:
    unknown = sorted(set(row) - KNOWN_COLUMNS)
    if unknown:
        raise ValueError(f"unknown column {unknown[0]!r} (known: {', '.join(sorted(KNOWN_COLUMNS))})")
    raw = str(row.get("path") or "").strip()
    if not raw:
        raise ValueError("no path")
    path = Path(raw).expanduser()
    details: dict[str, Any] = {}
    for key in ("title", "incident_id", "facilitator", "severity"):
        value = str(row.get(key) or "").strip()
        if value:
            details[key] = value
    date = str(row.get("date") or "").strip()
    if date:
        try:
            details["date"] = dt.date.fromisoformat(date)
        except ValueError:
            raise ValueError(f"not a date (YYYY-MM-DD): {date!r}") from None
    attendees = _names(row.get("attendees"))
    if attendees:
        details["attendees"] = attendees
    return BatchInput(path if path.is_absolute() else base / path, details, _speakers(row.get("speaker_names")), where)


def _names(value: Any) -> list[str]:
    if isinstance(value, list):
        return [str(v).strip() for v in value if str(v).strip()]
    text = str(value or "")
    sep = ";" if ";" in text else ","
    return [n.strip() for n in text.split(sep) if n.strip()]


def _speakers(value: Any) -> dict[str, str]:
    if isinstance(value, dict):
        return {str(k).strip(): str(v).strip() for k, v in value.items()}
    text = str(value or "").strip()
    if not text:
        return {}
    from assistant.speakers.names import SpeakerNameError, parse_speaker_names

    try:
        return parse_speaker_names(text)
    except SpeakerNameError as exc:
        raise ValueError(exc.message) from exc


def content_hash(path: Path) -> str:
    """sha256 of the file's bytes: the same recording under two names is one recording."""
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
