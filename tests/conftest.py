"""Shared fixtures: the real embedded LLM server and the real Whisper model, started once per run."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.config import Settings, load_settings

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "fixtures"
MEETINGS = FIXTURES / "meetings"

# Snapshot tests break under NO_COLOR; tests must not depend on the caller's terminal settings.
os.environ.pop("NO_COLOR", None)


@pytest.fixture(scope="session")
def settings() -> Settings:
    # The user's real cache holds the assembled, verified GGUF (bootstrap made it); no config file.
    os.environ["ASSISTANT_CONFIG"] = str(ROOT / "tests" / "no-config.toml")
    return load_settings()


@pytest.fixture(scope="session")
def embedded_server(settings: Settings) -> Iterator[str]:
    """Base URL of the real embedded llama.cpp server (the bundled Qwen2.5-Coder-1.5B)."""
    from assistant.extraction.embedded import EmbeddedServer

    with EmbeddedServer(settings.llm, settings.storage.cache_dir) as server:
        yield server.base_url


@pytest.fixture(scope="session")
def transcriber(settings: Settings):  # type: ignore[no-untyped-def]
    from assistant.transcription.whisper import WhisperTranscriber

    return WhisperTranscriber(settings.asr)


from tests.support.virtual_mic import virtual_mic  # noqa: E402, F401  (session fixture for capture tests)
