"""Long files are transcribed in pieces cut at pauses (memory does not grow with length)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from assistant.audio.decode import decode_file
from assistant.config import load_settings
from assistant.transcription import file as file_module
from assistant.transcription.file import pieces, quietest_cut, transcribe_file
from bench.wer import wer
from tests.support.fixture_meetings import load_meeting

SR = 16000
ROOT = Path(__file__).resolve().parents[1]


def _noise(seconds: float, seed: int = 0) -> np.ndarray:
    return (np.random.default_rng(seed).standard_normal(int(seconds * SR)) * 0.1).astype(np.float32)


def test_pieces_cover_the_audio_exactly_and_end_in_the_search_span() -> None:
    audio = _noise(47.3)
    chunks = iter(np.array_split(audio, 97))  # odd chunk sizes, as a decoder yields
    out = list(pieces(chunks, piece_s=10.0, search_s=2.0))
    assert np.array_equal(np.concatenate([p for _, p in out]), audio)
    starts = [s for s, _ in out]
    assert starts == [0, *np.cumsum([p.size for _, p in out])[:-1].tolist()]
    for _, piece in out[:-1]:
        assert 8 * SR <= piece.size <= 10 * SR


def test_a_piece_ends_inside_a_pause() -> None:
    audio = _noise(30.0)
    audio[int(17.2 * SR) : int(18.0 * SR)] = 0.0  # the only pause near the 20 s mark
    (first, _), (second, _) = list(pieces(iter([audio]), piece_s=20.0, search_s=5.0))[:2]
    assert first == 0 and 17.2 * SR <= second <= 18.0 * SR


def test_quietest_cut_falls_back_to_the_end_of_a_short_span() -> None:
    assert quietest_cut(_noise(1.0), 0, 3000) == 3000


@pytest.mark.slow
def test_pieces_transcribe_like_the_whole_file(monkeypatch: pytest.MonkeyPatch) -> None:
    """Real tiny.en: 40-second pieces of a fixture meeting give the same words as one pass, with
    sequential ids, increasing times and the whole duration."""
    path = ROOT / "fixtures" / "meetings" / "queue-backlog" / "meeting.flac"
    settings = load_settings()
    whole = transcribe_file(path, settings, [])
    monkeypatch.setattr(file_module, "PIECE_S", 40.0)
    monkeypatch.setattr(file_module, "SEARCH_S", 8.0)
    cut = transcribe_file(path, settings, [])
    assert cut.duration == pytest.approx(decode_file(path).size / SR)
    assert [s.id for s in cut.segments] == list(range(len(cut.segments)))
    starts = [s.start for s in cut.segments]
    assert starts == sorted(starts) and cut.segments[-1].end <= cut.duration + 0.5
    meeting = load_meeting("queue-backlog")
    error_whole, error_cut = wer(meeting.script_text, whole.text), wer(meeting.script_text, cut.text)
    # Four cuts in 166 s (a real file has one per 5 min): within a few points of one pass.
    assert error_cut <= error_whole + 0.05 and error_cut < 0.30, (error_whole, error_cut)
