"""Hostile and broken recordings through the real CLI (each a subprocess, as a user would run it).

Every broken file: exit code 2 (InputAudioError), exactly one line on stderr that names the file and
the problem, no traceback, and nothing written to the output folder, transcript file or sessions
folder. Unusual but valid files (8 kHz, 96 kHz 5.1, unicode names, a crashed WAV whose header lies)
must work. The corpus is generated at test time by tests/support/bad_inputs.py.
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from assistant.audio.decode import probe_file
from assistant.errors import InputAudioError
from tests.support.bad_inputs import Case, build_corpus, speech_clip
from tests.support.cli import ERROR_PREFIX, ROOT, assert_one_error_line, run_cli

DEMO = ROOT / "fixtures" / "meetings" / "demo" / "meeting.flac"
# Root ignores file modes; without these two capabilities it is held to them like any user.
NO_DAC = ["setpriv", "--bounding-set=-dac_override,-dac_read_search", "--"]
# Never reached: a broken input must fail before any model or server starts. If one got through,
# the LLM step fails fast instead of starting the embedded server.
DEAD_LLM = ["--llm-url", "http://127.0.0.1:9/v1", "--llm-model", "none"]

pytestmark = pytest.mark.timeout(900)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[Case]]:
    folder = tmp_path_factory.mktemp("bad inputs")  # a space in every path, too
    cases = build_corpus(folder, speech_clip(DEMO))
    yield cases
    for case in cases:  # pytest cannot clean up a mode-000 file as a non-root user; be tidy anyway
        if case.needs_no_dac and case.path.exists():
            case.path.chmod(0o600)


def _no_dac_works() -> bool:
    probe = subprocess.run([*NO_DAC, "true"], capture_output=True)
    return os.geteuid() == 0 and probe.returncode == 0


def run(args: list[str], *, no_dac: bool = False) -> subprocess.CompletedProcess[str]:
    return run_cli(*args, prefix=NO_DAC if no_dac else (), timeout=120)


def problems(case: Case, proc: subprocess.CompletedProcess[str], command: str) -> list[str]:
    """What is wrong with how `command` handled a broken `case` (empty = handled right)."""
    found = []
    try:
        line = assert_one_error_line(proc, exit_code=InputAudioError.exit_code)
    except AssertionError as exc:
        found.append(f"not one error line: {str(exc)[-300:]!r}")
    else:
        if not line.startswith(f"{ERROR_PREFIX}{case.path}: "):
            found.append(f"message does not start with the path: {line!r}")
        elif case.reason not in line.lower():
            found.append(f"message lacks {case.reason!r}: {line!r}")
    if "\x1b[" in proc.stdout:
        found.append("the UI started")
    return [f"{case.name} via {command}: {p}" for p in found]


def test_corpus_has_twenty_broken_files_and_some_valid_odd_ones(corpus: list[Case]) -> None:
    broken = [c for c in corpus if c.expect == "error"]
    assert len(broken) >= 20
    assert {c.name for c in corpus if c.expect == "ok"} >= {"speech-8khz.wav", "speech-96khz-6ch.flac"}


def _check_one(case: Case, command: str, where: Path) -> list[str]:
    """Run `command` on a broken `case`; what went wrong (empty: one clear line, nothing left behind)."""
    if command == "process":
        proc = run(["process", str(case.path), "-o", str(where), *DEAD_LLM], no_dac=case.needs_no_dac)
    elif command == "transcribe":
        proc = run(["transcribe", str(case.path), "-o", str(where)], no_dac=case.needs_no_dac)
    else:
        proc = run(["open", str(case.path), "--sessions-dir", str(where)], no_dac=case.needs_no_dac)
    found = problems(case, proc, command)
    if where.is_dir() and any(where.iterdir()):
        found.append(f"{case.name} via {command}: left {sorted(p.name for p in where.iterdir())}")
    elif where.is_file() or list(where.parent.glob(f".{where.name}.*")):
        found.append(f"{case.name} via {command}: left a transcript file")
    return found


@pytest.mark.parametrize("command", ["process", "transcribe", "open"])
def test_every_broken_file_is_one_line_and_leaves_nothing_behind(
    corpus: list[Case], tmp_path: Path, command: str
) -> None:
    if not _no_dac_works():
        pytest.skip("needs root and setpriv to drop CAP_DAC_OVERRIDE for the no-read-permission case")
    broken = [c for c in corpus if c.expect == "error"]
    where = [tmp_path / (f"transcript {i}.txt" if command == "transcribe" else f"out {i}") for i in range(len(broken))]
    # Each case is its own CLI process, as a user runs it; several at once (most of each is start-up).
    with ThreadPoolExecutor(max_workers=4) as pool:
        failures = [f for found in pool.map(_check_one, broken, [command] * len(broken), where) for f in found]
    assert not failures, "\n".join(failures)


def test_without_read_permission_root_is_refused_too(corpus: list[Case]) -> None:
    """The permission case is honest: the same file is readable with the capabilities back."""
    if not _no_dac_works():
        pytest.skip("needs root and setpriv to drop CAP_DAC_OVERRIDE")
    (case,) = [c for c in corpus if c.needs_no_dac]
    assert case.path.stat().st_mode & 0o777 == 0
    probe_file(case.path)  # as full root: readable


def test_the_open_check_accepts_every_valid_odd_file(corpus: list[Case]) -> None:
    for case in corpus:
        if case.expect == "ok":
            probe_file(case.path)


@pytest.mark.slow
def test_valid_odd_files_transcribe(corpus: list[Case]) -> None:
    """8 kHz mono, 96 kHz 5.1, a unicode name with spaces and quotes, and a WAV whose header claims ~9 h
    (a crashed recorder's) all decode to the same speech (speakers off: decoding is what is under test)."""
    for case in corpus:
        if case.expect != "ok":
            continue
        proc = run(["transcribe", str(case.path), "--format", "txt", "--no-speakers"])
        assert proc.returncode == 0 and "Traceback" not in proc.stderr, f"{case.name}: {proc.stderr[-500:]}"
        words = set(re.findall(r"[a-z]+", proc.stdout.lower()))
        assert len(words & {"morning", "review", "checkout", "outage", "monday"}) >= 3, (case.name, proc.stdout)
