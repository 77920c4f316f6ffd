"""One recording of a batch, where it runs (a local worker process or a Ray task): the same code as
`process RECORDING --session NAME` (`process_into_session`), with every outcome returned as data.

A `Task` carries plain data only (paths as strings, settings as a dict), so it pickles for a worker
process and for Ray alike.
"""

from __future__ import annotations

import os
import shutil
import socket
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from assistant.errors import AssistantError, InputAudioError, SessionError

OutcomeState = Literal["done", "failed", "bad"]


@dataclass(frozen=True)
class Task:
    key: str
    """The recording's content hash (its ledger row)."""
    path: str
    session: str
    root: str
    """The sessions folder; on a cluster, a folder every node sees at the same path."""
    out_dir: str
    settings: dict[str, Any]
    """`Settings.model_dump()`: the LLM endpoint, ASR model, threads this job uses."""
    details: dict[str, Any] = field(default_factory=dict)
    speaker_names: dict[str, str] = field(default_factory=dict)
    ledger: str | None = None
    last_attempt: bool = False


@dataclass(frozen=True)
class Outcome:
    key: str
    state: OutcomeState
    session: str | None = None
    error: str | None = None
    wall_s: float = 0.0
    audio_s: float | None = None
    items: int = 0
    worker: str = ""
    peak_rss_mb: int | None = None
    """The worker process's peak resident memory so far (VmHWM; Linux), what sizing.py is based on."""


def worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def run_task(task: Task) -> Outcome:
    """Process one recording into its session. Never raises for a problem with the recording or the
    LLM: that is the outcome. (A crash of the process itself is the caller's to see.)"""
    started = time.monotonic()
    who = worker_id()
    _note_worker(task, who)

    def outcome(state: OutcomeState, error: str | None = None, **more: Any) -> Outcome:
        wall = time.monotonic() - started
        return Outcome(task.key, state, error=error, wall_s=wall, worker=who, peak_rss_mb=peak_rss_mb(), **more)

    root = Path(task.root)
    try:
        if _finished_before(root, task.session):
            return outcome("done", session=task.session)
        return _process(task, root, outcome)
    except InputAudioError as exc:  # NoSpeechError included: the recording, not the run, is at fault
        return outcome("bad", exc.message)
    except AssistantError as exc:
        return outcome("failed", exc.message)
    except Exception as exc:  # one line per recording; the batch goes on
        return outcome("failed", f"unexpected {type(exc).__name__}: {' '.join(str(exc).split())[:200]}")


def _process(task: Task, root: Path, outcome: Callable[..., Outcome]) -> Outcome:
    from assistant.config import Settings
    from assistant.domain.postmortem import MeetingDetails
    from assistant.pipeline import SpeakerOptions
    from assistant.session.imports import process_into_session

    settings = Settings(**task.settings)
    details = MeetingDetails.model_validate(task.details)
    options = SpeakerOptions(names=task.speaker_names)
    result, session = process_into_session(
        Path(task.path), Path(task.out_dir), details, settings, root, task.session, options
    )
    pm = result.postmortem
    failed = pm.failed_windows
    if failed and len(failed) == len(pm.windows):
        reason = f"the LLM could not analyse the meeting ({failed[0].error})"
        if task.last_attempt:  # no retry follows: the transcript stays saved in the session
            return outcome("failed", f"{reason}; session {task.session} keeps the transcript")
        discard_session(root, task.session)  # the retry makes it again, whole
        return outcome("failed", reason)
    items = len(pm.all_items())
    return outcome("done", session=session.name if session else task.session, audio_s=result.transcript.duration,
                   items=items)  # fmt: skip


def _finished_before(root: Path, name: str) -> bool:
    """True when the session of this recording is already complete (the run that made it died before
    the ledger heard of it). What an earlier attempt left half-made is removed: the name carries the
    recording's content hash and the ledger's lease makes this the only attempt running."""
    path = root / name
    if not path.exists():
        return False
    from assistant.session.store import Session

    try:
        with Session.open(root, name, readonly=True) as session:
            if session.state == "finalised":
                return True
    except SessionError:
        pass  # damaged: made again below
    discard_session(root, name)
    return False


def discard_session(root: Path, name: str) -> None:
    # Renamed to a hidden name first (atomic): listing, search and the app never see half a folder.
    hidden = root / f".batch-discard-{name}-{os.getpid()}"
    try:
        os.rename(root / name, hidden)
    except FileNotFoundError:
        return
    shutil.rmtree(hidden, ignore_errors=True)


def peak_rss_mb() -> int | None:
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) // 1024
    except OSError:
        pass
    return None


def _note_worker(task: Task, who: str) -> None:
    if task.ledger is None:
        return
    from assistant.batch.ledger import Ledger

    try:
        ledger = Ledger(Path(task.ledger))
        try:
            ledger.note_worker(task.key, who)
        finally:
            ledger.close()
    except (sqlite3.Error, OSError):
        pass  # informational only: a node that cannot reach the ledger file still processes
