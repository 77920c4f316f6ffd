"""The app's final pass frees the idle LLM server before re-diarizing (the headless path is checked
end to end in test_live_e2e.py, the server's pause and restart in test_embedded_server.py)."""

from __future__ import annotations

from contextlib import ExitStack
from pathlib import Path
from types import SimpleNamespace

import pytest

from assistant.domain.transcript import Transcript
from assistant.extraction.extractor import Extractor
from assistant.extraction.llm import LLMClient
from assistant.extraction.prompts import PromptLibrary
from assistant.speakers.names import SpeakerNames
from assistant.speakers.voiceprints import Voiceprints
from assistant.tui.real_services import _EngineRun, _Models


def _run(extractor: Extractor | None) -> _EngineRun:
    models = _Models(transcriber=None, extractor=extractor, stack=ExitStack(), diarizer=object())  # type: ignore[arg-type]
    engine = SimpleNamespace(session=SimpleNamespace(audio_path=Path("audio.wav")))
    return _EngineRun(engine, models, 0.8)  # type: ignore[arg-type]


@pytest.fixture
def order(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    calls: list[str] = []

    def diarize(*_args: object) -> None:
        calls.append("diarize")

    monkeypatch.setattr("assistant.live.voices.final_speakers", diarize)
    return calls


def test_final_speakers_releases_the_llm_first(order: list[str]) -> None:
    client = LLMClient(base_url="http://127.0.0.1:9/v1", model="m", release=lambda: order.append("release"))
    run = _run(Extractor(client, PromptLibrary()))
    run.final_speakers(Transcript(), SpeakerNames(), Voiceprints())
    assert order == ["release", "diarize"]


def test_without_llm_or_release_hook_it_only_diarizes(order: list[str]) -> None:
    _run(None).final_speakers(Transcript(), SpeakerNames(), Voiceprints())
    remote = LLMClient(base_url="http://127.0.0.1:9/v1", model="m")  # a remote server is not ours to stop
    _run(Extractor(remote, PromptLibrary())).final_speakers(Transcript(), SpeakerNames(), Voiceprints())
    assert order == ["diarize", "diarize"]
