"""Reading a session folder's files back, with a one-line error naming the damaged file.

Only the last line of `transcript.jsonl` may be torn (by a crash mid-append) and is ignored; any other
invalid content is damage and is reported, never silently dropped. See `store` for the layout.
"""

from __future__ import annotations

from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from assistant.domain.postmortem import Postmortem
from assistant.domain.transcript import Segment
from assistant.errors import SessionError
from assistant.session.corrections import CORRECTIONS_FILE, Corrections
from assistant.session.files import read_complete_lines
from assistant.session.meta import FORMAT_VERSION, SessionMeta
from assistant.speakers.names import SpeakerNames

META_FILE = "session.json"
TRANSCRIPT_FILE = "transcript.jsonl"
POSTMORTEM_FILE = "postmortem.json"
SPEAKERS_FILE = "speakers.json"


def reason(exc: OSError) -> str:
    return exc.strerror or str(exc)


def _corrupt(path: Path, file: str, why: str) -> SessionError:
    return SessionError(f"Session {path.name!r} is damaged: {file}: {why}")


def _validation_reason(exc: ValidationError) -> str:
    first = exc.errors()[0]
    where = ".".join(str(p) for p in first["loc"])
    return f"{where}: {first['msg']}" if where else str(first["msg"])


def read_meta(path: Path) -> SessionMeta:
    try:
        raw = (path / META_FILE).read_bytes()
    except FileNotFoundError:
        raise _corrupt(path, META_FILE, "missing (the session was never completely created)") from None
    try:
        meta = SessionMeta.model_validate_json(raw)
    except ValidationError as exc:
        raise _corrupt(path, META_FILE, _validation_reason(exc)) from exc
    if meta.format > FORMAT_VERSION:
        raise SessionError(f"Session {path.name!r} was written by a newer version of the assistant.")
    return meta


def read_transcript(path: Path) -> tuple[list[Segment], int]:
    try:
        lines, valid_size = read_complete_lines(path / TRANSCRIPT_FILE)
    except FileNotFoundError:
        raise _corrupt(path, TRANSCRIPT_FILE, "missing") from None
    segments: list[Segment] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            segments.append(Segment.model_validate_json(line))
        except ValidationError as exc:
            # Only the last line can be torn by a crash (and is ignored above); a bad line before it
            # is real damage, reported rather than silently dropped.
            raise _corrupt(path, TRANSCRIPT_FILE, f"line {number}: {_validation_reason(exc)}") from exc
    return segments, valid_size


def read_speakers(path: Path) -> SpeakerNames:
    return _read_optional(path, SPEAKERS_FILE, SpeakerNames)  # absent until someone names a speaker


def read_corrections(path: Path) -> Corrections:
    return _read_optional(path, CORRECTIONS_FILE, Corrections)  # absent until someone corrects a line


_Model = TypeVar("_Model", bound=BaseModel)


def _read_optional(path: Path, name: str, model: type[_Model]) -> _Model:
    """A file that appears only once something was set: its default when absent, SessionError when damaged."""
    try:
        raw = (path / name).read_bytes()
    except FileNotFoundError:
        return model()
    try:
        return model.model_validate_json(raw)
    except ValidationError as exc:
        raise _corrupt(path, name, _validation_reason(exc)) from exc


def read_postmortem(path: Path) -> Postmortem:
    try:
        raw = (path / POSTMORTEM_FILE).read_bytes()
    except FileNotFoundError:
        raise _corrupt(path, POSTMORTEM_FILE, "missing") from None
    try:
        return Postmortem.model_validate_json(raw)
    except ValidationError as exc:
        raise _corrupt(path, POSTMORTEM_FILE, _validation_reason(exc)) from exc
