"""The final pass (the core's, for the app and `record --headless` alike) frees the idle LLM server
before re-diarizing (the headless path is checked end to end in test_live_e2e.py, the server's pause
and restart in test_embedded_server.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from assistant.config import Settings
from assistant.domain.postmortem import MeetingDetails
from assistant.domain.transcript import Segment
from assistant.extraction.client import ChatClient
from assistant.extraction.factory import make_extractor
from assistant.extraction.llm import LLMClient
from assistant.live.meeting import Meeting
from assistant.session import Session
from tests.support.fakes import FakeChat, IdleThreads


class _Diarizer:
    def embed(self, audio: Any) -> np.ndarray | None:
        return None

    def diarize_file(self, path: Path) -> Any:
        raise AssertionError("replaced by the test")


@pytest.fixture
def order(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    calls: list[str] = []

    def diarize(*_args: object) -> None:
        calls.append("diarize")

    monkeypatch.setattr("assistant.live.meeting.final_speakers", diarize)
    return calls


def _first_job(tmp_path: Path, settings: Settings, client: ChatClient | None, lines: list[str] | None = None) -> None:
    session = Session.create(tmp_path, MeetingDetails(), "m")
    session.add_segments([Segment(id=0, start=0.0, end=2.0, text="hello")])
    extractor = make_extractor(client, settings) if client is not None else None
    output = (lambda record: lines.append(record["type"])) if lines is not None else None
    meeting = Meeting(session, IdleThreads(), extractor=extractor, diarizer=_Diarizer(), output=output)
    job = meeting.final_pass().start()
    assert job is not None and job.what == "speakers"
    job.run(lambda done, total: None)
    session.close()


def test_final_speakers_releases_the_llm_first(tmp_path: Path, settings: Settings, order: list[str]) -> None:
    chat = FakeChat()
    chat.events = order  # releases, stream lines and the diarization land in the same list, in order
    _first_job(tmp_path, settings, chat, lines=order)
    # Released before `speakers_final_pass` is written: a caller checks the server once it reads it.
    assert order == ["release", "speakers_final_pass", "diarize"]


def test_without_llm_or_release_hook_it_only_diarizes(tmp_path: Path, settings: Settings, order: list[str]) -> None:
    _first_job(tmp_path / "a", settings, None)
    remote = LLMClient(base_url="http://127.0.0.1:9/v1", model="m")  # a remote server is not ours to stop
    _first_job(tmp_path / "b", settings, remote)
    assert order == ["diarize", "diarize"]
