"""ASR faults: a missing, corrupt, unavailable or too-large speech model and CUDA requested on a
machine without it are one clear line and a non-zero exit, from every command, before anything is
written; a transcriber that dies mid-meeting never stops the recording."""

from __future__ import annotations

import queue
import socket
import subprocess
import threading
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from assistant.audio.decode import SAMPLE_RATE, decode_file
from assistant.audio.filesource import FileSource
from assistant.domain.postmortem import MeetingDetails
from assistant.errors import ModelError
from assistant.live.engine import LiveEngine
from assistant.live.events import LiveEvent, StreamEnded, WorkerFailed
from assistant.session import Session
from assistant.transcription.whisper import check_memory
from tests.support.cli import ROOT, assert_one_error_line, run_cli

CLIP = ROOT / "fixtures" / "meetings" / "tls-cert" / "meeting.flac"


class _Listener:
    """A TCP port that counts connections: stands in for a model hub that must never be contacted."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen()
        self.connections = 0
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.connections += 1
            conn.close()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.sock.getsockname()[1]}"


def _one_line_error(result: subprocess.CompletedProcess[str], *needles: str) -> str:
    return assert_one_error_line(result, *needles, exit_code=ModelError.exit_code)


@pytest.fixture(scope="module")
def corrupt_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("corrupt-model")
    (folder / "model.bin").write_bytes(np.random.default_rng(5).bytes(200_000))
    (folder / "config.json").write_text("{ not json")
    return folder


@pytest.fixture(scope="module")
def huge_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 'model' whose weights (a sparse file: no disk used) exceed any test machine's memory."""
    folder = tmp_path_factory.mktemp("huge-model")
    with open(folder / "model.bin", "wb") as f:
        f.truncate(4 * 1024**4)
    return folder


def test_missing_model_folder(tmp_path: Path) -> None:
    _one_line_error(run_cli("transcribe", str(CLIP), "--asr-model", str(tmp_path / "nope")), "does not exist")


def test_folder_without_weights(tmp_path: Path) -> None:
    _one_line_error(run_cli("transcribe", str(CLIP), "--asr-model", str(tmp_path)), "no model.bin")


def test_corrupt_model(corrupt_model: Path) -> None:
    _one_line_error(run_cli("transcribe", str(CLIP), "--asr-model", str(corrupt_model)), "corrupt or incompatible")


def test_model_larger_than_memory_is_refused_not_oom_killed(huge_model: Path) -> None:
    _one_line_error(run_cli("transcribe", str(CLIP), "--asr-model", str(huge_model)), "needs about 4096.0 GB")


def test_memory_check_boundary(tmp_path: Path) -> None:
    weights = tmp_path / "model.bin"
    weights.write_bytes(b"x" * 1000)
    check_memory(weights, available=1000)
    with pytest.raises(ModelError, match=r"only 0\.0 GB is available"):
        check_memory(weights, available=999)


def test_model_name_not_available_offline_never_contacts_a_hub(tmp_path: Path) -> None:
    hub = _Listener()
    env = {"HF_ENDPOINT": hub.url, "HF_HUB_CACHE": str(tmp_path / "hub"), "HF_HUB_OFFLINE": "0"}
    for command in (["transcribe", str(CLIP)], ["process", str(CLIP), "-o", str(tmp_path / "out")]):
        line = _one_line_error(run_cli(*command, "--asr-model", "large-v3", env=env), "not available offline")
        assert "allow_download" in line
    assert hub.connections == 0
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_cuda_requested_but_absent() -> None:
    import ctranslate2

    if ctranslate2.get_cuda_device_count() > 0:
        pytest.skip("this machine has CUDA")
    _one_line_error(run_cli("transcribe", str(CLIP), "--asr-device", "cuda"), "CUDA requested", "--asr-device cpu")


@pytest.mark.parametrize("flags", [["--asr-device", "cuda"], ["--asr-model", "large-v3"]])
def test_live_mode_fails_before_creating_a_session(tmp_path: Path, flags: list[str]) -> None:
    import ctranslate2

    if flags[1] == "cuda" and ctranslate2.get_cuda_device_count() > 0:
        pytest.skip("this machine has CUDA")
    sessions = tmp_path / "sessions"
    result = run_cli("record", "--headless", "--from-file", str(CLIP), "--sessions-dir", str(sessions), "--no-llm",
                     *flags, env={"HF_HUB_CACHE": str(tmp_path / "hub")})  # fmt: skip
    _one_line_error(result)
    assert result.stdout == ""  # no session record: nothing was started
    assert not sessions.exists() or not any(sessions.iterdir())


class _DyingTranscriber:
    """Fault injection: a speech model that fails on its third buffer (e.g. CUDA out of memory)."""

    def __init__(self) -> None:
        self.calls = 0

    def transcribe_words(self, audio: Any, **kwargs: Any) -> list[Any]:
        self.calls += 1
        if self.calls >= 3:
            raise RuntimeError("CUDA failed with error out of memory")
        return []


def test_asr_dying_mid_meeting_keeps_recording(tmp_path: Path) -> None:
    seconds = 10.0
    audio = decode_file(CLIP)[: round(seconds * SAMPLE_RATE)]
    events: queue.Queue[LiveEvent] = queue.Queue()
    with Session.create(tmp_path, MeetingDetails(), "asr-dies") as session:
        # Paced like a microphone (blocks released on a clock, not all at once) but 2.5x faster: the model
        # dies after ~6 s of audio and the meeting goes on to 10 s; the pace proves nothing (10 s -> 4 s).
        source = FileSource.from_audio(audio, realtime=True, speed=2.5)
        engine = LiveEngine(session, source, _DyingTranscriber(), None, events.put)
        engine.start()
        seen: list[LiveEvent] = []
        while not any(isinstance(e, StreamEnded) for e in seen):
            seen.append(events.get(timeout=60))
        # The stream ended with the capture, not with the failure: by now the whole input is on disk.
        recorded_at_end = engine.recorder.duration
        engine.shutdown()
        failures = [e for e in seen if isinstance(e, WorkerFailed)]
        assert [(f.worker, f.fatal) for f in failures] == [("asr", True)]
        assert "recording continues" in failures[0].message
        assert recorded_at_end == pytest.approx(seconds, abs=0.01)
        recorded = decode_file(session.audio_path)
    assert recorded.size == audio.size
