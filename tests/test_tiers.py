"""The tier guard of tests/conftest.py keeps the fast tier (`make check`) free of real models.

One inner pytest run (in a child, with this repository's conftest hooks) on tests that break the rule:
an unmarked test asking for the `transcriber` fixture fails before the model loads; an unmarked test that
loads "Whisper" anyway, in-process or in a child process, fails too; the same load in a test marked slow
passes. "Whisper" is a stand-in `faster_whisper` package whose model loads instantly: the guard wraps it
by name exactly as it wraps the real one, and the real one is never touched. Like senko, it reads its
own files while it is imported: the guard must leave the package's resource reader working.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.support import model_guard
from tests.support.cli import ROOT

INNER_CONFTEST = """
from tests.conftest import _no_models_in_the_fast_tier, pytest_runtest_setup, settings, transcriber  # noqa: F401
"""

INNER_TESTS = """
import subprocess
import sys

import pytest

LOAD = "import faster_whisper; faster_whisper.WhisperModel('tiny.en')"


def test_unmarked_uses_the_transcriber(transcriber):
    pass


def test_unmarked_loads_whisper_in_process():
    import faster_whisper

    faster_whisper.WhisperModel("tiny.en")


def test_unmarked_loads_whisper_in_a_child():
    subprocess.run([sys.executable, "-c", LOAD], capture_output=True, check=False)


def test_unmarked_loads_nothing():
    subprocess.run([sys.executable, "-c", "import json"], check=True)


@pytest.mark.slow
def test_marked_slow_may_load_whisper():
    import faster_whisper

    faster_whisper.WhisperModel("tiny.en")
    subprocess.run([sys.executable, "-c", LOAD], check=True)
"""

FAKE_WHISPER = """
import importlib.resources
from pathlib import Path

# As senko does while it is imported: its files found through the package's resource reader.
assert (Path(str(importlib.resources.files(__name__))) / "data.txt").is_file()


class WhisperModel:
    def __init__(self, name):
        self.name = name
"""


def test_the_guard_fails_unmarked_tests_that_load_models(
    pytester: pytest.Pytester, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = tmp_path / "fake"
    (fake / "faster_whisper").mkdir(parents=True)
    (fake / "faster_whisper" / "__init__.py").write_text(FAKE_WHISPER)
    (fake / "faster_whisper" / "data.txt").write_text("model files")
    pytester.makeconftest(INNER_CONFTEST)
    pytester.makepyfile(test_inner=INNER_TESTS)
    # The inner run arms its own guard: this test's (it is unmarked too) must not see the inner loads.
    monkeypatch.delenv(model_guard.REPORT_ENV)
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(fake), str(ROOT)]))
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-rA", "--timeout", "120")
    outcomes: dict[str, set[str]] = {}
    for line in result.outlines:
        verdict, _, rest = line.partition(" test_inner.py::")
        if verdict in ("PASSED", "FAILED", "ERROR") and rest:
            outcomes.setdefault(rest.split()[0], set()).add(verdict)
    assert outcomes == {
        "test_unmarked_uses_the_transcriber": {"ERROR"},  # at setup: the model was never loaded
        "test_unmarked_loads_whisper_in_process": {"FAILED", "ERROR"},  # the load raised; teardown reports it
        "test_unmarked_loads_whisper_in_a_child": {"PASSED", "ERROR"},  # the child's load is reported
        "test_unmarked_loads_nothing": {"PASSED"},
        "test_marked_slow_may_load_whisper": {"PASSED"},
    }, result.stdout.str()[-3000:]
    output = result.stdout.str()
    assert "uses transcriber (loads the real Whisper model) but is not marked slow or llm" in output
    assert "loaded the Whisper model" in output
