"""One meeting orchestration (`assistant.live.meeting`) for the app and `record --headless`, run end to
end on fakes (tests/support/fakes.py): the real engine, controller, session, final pass and exports,
with a canned speech model and LLM.

The first three tests pin what the two copies it replaced had drifted apart on: live extraction in
the app ignored `llm.window_tokens`; a meeting recorded in the app lacked `recording` / `duration_s`
in its details (so its exports did too); the headless finish ran the checks a second time on the
session's internal postmortem, outside the session's API and unsaved.
"""

from __future__ import annotations

import io
import json
import sys
import traceback
import wave
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from textual.pilot import Pilot

import assistant.checks.apply as apply_module
from assistant.audio.decode import SAMPLE_RATE
from assistant.audio.filesource import FileSource
from assistant.config import Settings
from assistant.domain.postmortem import Evidence, MeetingDetails, Postmortem, ReviewStatus, TextItem
from assistant.domain.transcript import Segment
from assistant.extraction.extractor import Extractor
from assistant.extraction.factory import make_extractor
from assistant.extraction.windows import Window
from assistant.live.headless import run_headless
from assistant.live.meeting import Meeting
from assistant.live.models import MeetingModels
from assistant.pipeline import process_recording
from assistant.session import Session
from assistant.tui.app import PostmortemApp, StartLive, create_app
from assistant.tui.navigation import MeetingSetup
from assistant.tui.real_services import RealLive
from assistant.tui.screens.live import LiveScreen
from assistant.tui.screens.review import ReviewScreen
from assistant.tui.scripted import RecordingPlayer, ScriptedImporter
from assistant.tui.services import Cancelled, Services
from tests.support.fakes import SPEECH, FakeChat, FakeTranscriber, IdleThreads, fake_models, fake_settings
from tests.support.pilot import drive, until

SECONDS = 12.0
SUMMARY = {"summary": {"summary": "The certificate expired; renewal becomes automatic."}}
DETAILS = MeetingDetails(title="Expired certificate", attendees=["Tom", "Peter", "Lisa"])


def _wav(path: Path, seconds: float = SECONDS) -> Path:
    noise = (np.random.default_rng(0).standard_normal(int(seconds * SAMPLE_RATE)) * 800).astype("<i2")
    with wave.open(str(path), "wb") as f:
        f.setnchannels(1)
        f.setsampwidth(2)
        f.setframerate(SAMPLE_RATE)
        f.writeframes(noise.tobytes())
    return path


@pytest.fixture
def live_windows(monkeypatch: pytest.MonkeyPatch) -> list[list[int]]:
    """The segment ids of every live window the extractor reads."""
    windows: list[list[int]] = []
    original = Extractor.run_window

    def spy(self: Extractor, window: Window, details: MeetingDetails, known: str = "") -> Postmortem:
        windows.append([s.id for s in window.segments])
        return original(self, window, details, known)

    monkeypatch.setattr(Extractor, "run_window", spy)
    return windows


@pytest.fixture
def check_callers(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Who called `apply_checks`: the function that called it, for every module that imported it."""
    callers: list[str] = []
    original = apply_module.apply_checks

    def spy(*args: Any, **kwargs: Any) -> None:
        caller = traceback.extract_stack(limit=2)[0]
        callers.append(f"{Path(caller.filename).name}:{caller.name}")
        original(*args, **kwargs)

    for module in list(sys.modules.values()):
        if getattr(module, "apply_checks", None) is original and (module.__name__ or "").startswith("assistant"):
            monkeypatch.setattr(module, "apply_checks", spy)
    yield callers


def _new_lines_per_window(windows: list[list[int]]) -> list[int]:
    seen: set[int] = set()
    counts = []
    for ids in windows:
        counts.append(len(set(ids) - seen))
        seen.update(ids)
    return counts


# --- the app -----------------------------------------------------------------------------------------


def _app(tmp_path: Path, settings: Settings, chat: FakeChat) -> tuple[PostmortemApp, Path]:
    def load(settings: Settings, no_llm: bool, cancelled: Cancelled) -> MeetingModels:
        return fake_models(settings, FakeTranscriber(), chat)

    live = RealLive(settings, from_file=_wav(tmp_path / "input.wav"), speed=6.0, load=load)
    root = tmp_path / "sessions"
    services = Services(sessions_root=root, live=live, importer=ScriptedImporter(), player=RecordingPlayer())
    app = create_app(services, StartLive(MeetingSetup(details=DETAILS, session_name="app")))
    return app, root


def _record_in_the_app(app: PostmortemApp, until_done: Callable[[LiveScreen], bool] | None = None) -> None:
    async def scenario(app: PostmortemApp, pilot: Pilot[int]) -> None:
        screen = app.screen
        assert isinstance(screen, LiveScreen)
        await until(pilot, lambda: screen.meeting is not None and screen.meeting.state.stream_ended, timeout=30)
        if until_done is not None:
            await until(pilot, lambda: until_done(screen), timeout=30)
        await pilot.press("s")
        await until(pilot, lambda: isinstance(app.screen, ReviewScreen), timeout=30)
        await app.workers.wait_for_complete()

    drive(app, LiveScreen, scenario)


def test_app_live_extraction_keeps_to_llm_window_tokens(tmp_path: Path, live_windows: list[list[int]]) -> None:
    # A budget below one line: every live window takes exactly one new line (with the default 900
    # tokens, the first window would take every pending line at once).
    settings = fake_settings(tmp_path / "sessions", window_tokens=1)
    app, _ = _app(tmp_path, settings, FakeChat(SUMMARY))

    def two_windows_read(screen: LiveScreen) -> bool:
        return len(live_windows) >= 2 and screen.meeting is not None and not screen.meeting.extraction_in_flight

    _record_in_the_app(app, two_windows_read)
    assert len(live_windows) >= 2, live_windows
    assert set(_new_lines_per_window(live_windows)) == {1}, live_windows


def test_app_meeting_stores_recording_and_duration(tmp_path: Path) -> None:
    settings = fake_settings(tmp_path / "sessions")
    app, root = _app(tmp_path, settings, FakeChat(SUMMARY))
    _record_in_the_app(app)
    with Session.open(root, "app", readonly=True) as session:
        assert session.state == "finalised"
        assert session.details.recording == "audio.wav"
        assert session.details.duration_s == pytest.approx(SECONDS, abs=0.2)
        assert session.transcript.segments and session.postmortem.action_items
        markdown = (session.path / "exports" / "meeting.postmortem.md").read_text(encoding="utf-8")
    assert "audio.wav" in markdown and "Recording duration" in markdown


# --- record --headless ---------------------------------------------------------------------------------


def _headless(tmp_path: Path, chat: FakeChat, **kwargs: Any) -> tuple[list[dict[str, Any]], Settings]:
    settings = fake_settings(tmp_path / "sessions")
    audio = np.zeros(int(SECONDS * SAMPLE_RATE), dtype=np.float32)
    out = io.StringIO()
    code = run_headless(settings, DETAILS, session_name="hl", out=out,
                        source_factory=lambda: FileSource.from_audio(audio, realtime=True, speed=6.0),
                        models=lambda: fake_models(settings, FakeTranscriber(), chat), **kwargs)  # fmt: skip
    assert code == 0
    return [json.loads(line) for line in out.getvalue().splitlines()], settings


def test_headless_checks_only_through_the_session(tmp_path: Path, check_callers: list[str]) -> None:
    records, settings = _headless(tmp_path, FakeChat(SUMMARY))
    assert check_callers, "the checks never ran"
    assert {c.split(":")[0] for c in check_callers} == {"core.py"}, check_callers  # Session._check, always
    with Session.open(settings.storage.sessions_dir, "hl", readonly=True) as session:
        exported = json.loads((session.path / "exports" / "meeting.postmortem.json").read_text(encoding="utf-8"))
        saved = json.loads((session.path / "postmortem.json").read_text(encoding="utf-8"))
        assert session.details.recording == "audio.wav"
        assert session.details.duration_s == pytest.approx(SECONDS, abs=0.2)
        assert session.postmortem.action_items  # from the final pass
    assert exported == saved  # the exports are the saved, checked postmortem
    kinds = [r["type"] for r in records]
    assert kinds[0] == "session" and kinds.index("recording") < kinds.index("segment")
    assert kinds.index("final_pass") < kinds.index("finalised") < kinds.index("stats") == len(kinds) - 1


def test_headless_without_an_llm_answer_composes_the_summary(tmp_path: Path) -> None:
    # No canned summary: the LLM "fails", the summary is composed from the facts; no window fails.
    records, settings = _headless(tmp_path, FakeChat())
    assert not [r for r in records if r["type"] == "warning"]
    with Session.open(settings.storage.sessions_dir, "hl", readonly=True) as session:
        assert session.postmortem.summary is not None
        assert [w.ok for w in session.postmortem.windows][-1]


# --- the file pipeline ---------------------------------------------------------------------------------


def test_process_runs_on_fakes(tmp_path: Path) -> None:
    settings = fake_settings(tmp_path / "sessions")
    chat = FakeChat(SUMMARY)
    result = process_recording(_wav(tmp_path / "m.wav"), tmp_path / "out", DETAILS, settings,
                               transcriber=FakeTranscriber(), client=chat)  # fmt: skip
    assert result.transcript.segments
    assert result.postmortem.details.recording == "m.wav"
    assert result.postmortem.details.duration_s == pytest.approx(SECONDS, abs=0.01)
    assert result.postmortem.action_items and chat.events == ["summary"]
    assert result.outputs["markdown"].is_file() and result.outputs["transcript"].is_file()


# --- the final pass, by hand ---------------------------------------------------------------------------


def test_final_pass_uses_the_live_proposals_as_its_draft(tmp_path: Path, settings: Settings) -> None:
    with Session.create(tmp_path, DETAILS, "m") as session:
        lines = [s.strip() + "." for s in SPEECH.split(".") if s.strip()]
        session.add_segments([Segment(id=i, start=5.0 * i, end=5.0 * i + 4, text=t) for i, t in enumerate(lines)])
        stale = TextItem(id="q-stale", text="Is the moon made of cheese?", evidence=Evidence(quote="cheese"))
        kept = TextItem(id="q-kept", text="Should we page the team?", evidence=Evidence(quote="page"))
        session.merge_proposals(Postmortem(open_questions=[stale, kept]))
        session.set_status("q-kept", ReviewStatus.ACCEPTED)
        meeting = Meeting(session, IdleThreads(), extractor=make_extractor(FakeChat(SUMMARY), settings))
        meeting.final_pass().run_here()
        ids = {i.id for i in session.postmortem.all_items()}
        assert "q-kept" in ids and "q-stale" not in ids  # reviewed stays; unsupported, unreviewed goes
        assert session.postmortem.action_items and session.postmortem.summary is not None
