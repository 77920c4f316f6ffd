"""Our numpy filterbank (assistant/speakers/fbank.py) against senko's C++ library it replaces.

Live attribution compares line embeddings with voiceprints the final pass computes through senko's
library, so the two must agree: the features to float precision, the CAM++ embeddings to a cosine
of 0.9999. Real audio (a fixture meeting), the real library and the real CAM++ model.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest

from assistant.audio.decode import decode_file
from assistant.speakers.diarize import SpeakerDiarizer
from assistant.speakers.fbank import MEL_BINS, log_fbank, subsegment_features

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def senko() -> object:
    return SpeakerDiarizer()._senko


@pytest.fixture(scope="module")
def audio() -> npt.NDArray[np.float32]:
    samples = decode_file(ROOT / "fixtures" / "meetings" / "queue-backlog" / "meeting.flac")  # 16 kHz mono
    return np.ascontiguousarray(samples[: 16_000 * 20], dtype=np.float32)


def _blocks(
    features: tuple[npt.NDArray[np.float32], npt.NDArray[np.int64], npt.NDArray[np.int64], int],
) -> list[npt.NDArray[np.float32]]:
    flat, frames, offsets, dim = features
    return [flat[o : o + n * dim].reshape(n, dim) for o, n in zip(offsets, frames, strict=True)]


# Start at 0 (leading silence: the log floor matters), mid-speech, odd lengths.
@pytest.mark.slow  # the real CAM++ model: every test comparing with senko's library
@pytest.mark.parametrize(("start", "seconds"), [(0.0, 20.0), (2.37, 1.5), (5.0, 3.3), (7.123, 11.71)])
def test_features_match_senkos_library(senko: object, audio: npt.NDArray[np.float32], start: float,
                                       seconds: float) -> None:  # fmt: skip
    line = np.ascontiguousarray(audio[int(start * 16_000) : int((start + seconds) * 16_000)])
    windows = senko._generate_subsegments([(0.0, line.size / 16_000)], False)  # type: ignore[attr-defined]
    theirs = _blocks(senko._extract_fbank_features(line, windows))  # type: ignore[attr-defined]
    ours = _blocks(subsegment_features(line, windows))
    assert len(ours) == len(theirs) == len(windows)
    for mine, ref in zip(ours, theirs, strict=True):
        assert mine.shape == ref.shape and mine.shape[1] == MEL_BINS
        assert np.abs(mine - ref).max() < 1e-3


@pytest.mark.slow
def test_embeddings_from_our_features_match(senko: object, audio: npt.NDArray[np.float32]) -> None:
    line = np.ascontiguousarray(audio[16_000 * 3 : 16_000 * 12])
    windows = senko._generate_subsegments([(0.0, 9.0)], False)  # type: ignore[attr-defined]

    def embedding(features: tuple[Any, ...]) -> npt.NDArray[np.float32]:
        flat, frames, offsets, dim = features
        vectors = senko._generate_embeddings(flat, frames, [int(o) for o in offsets], dim)  # type: ignore[attr-defined]
        return np.asarray((vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).mean(axis=0))

    ours = embedding(subsegment_features(line, windows))
    theirs = embedding(senko._extract_fbank_features(line, windows))  # type: ignore[attr-defined]
    assert float(ours @ theirs / np.linalg.norm(ours) / np.linalg.norm(theirs)) > 0.9999


def test_a_line_shorter_than_a_window_uses_its_audio(audio: npt.NDArray[np.float32]) -> None:
    """senko pads a 1-s line with a window starting at -0.5 s; its library then returns one empty
    frame. Ours keeps the second of speech: ~98 frames that are not all equal."""
    line = np.ascontiguousarray(audio[16_000 * 3 : 16_000 * 4])
    flat, frames, _, _ = subsegment_features(line, [(-0.5, 1.0)])
    assert frames.tolist() == [98]
    assert flat.reshape(98, MEL_BINS).std(axis=0).mean() > 0.5


def test_too_short_for_one_frame_is_padded() -> None:
    assert log_fbank(np.zeros(100, dtype=np.float32)).shape == (1, MEL_BINS)


@pytest.mark.slow
def test_windows_off_the_frame_grid_match_too(senko: object, audio: npt.NDArray[np.float32]) -> None:
    """Windows on the 10-ms grid reuse the line's frames; these take the direct path (an odd start,
    and one shorter than a frame, which both pad to 400 samples)."""
    line = np.ascontiguousarray(audio[16_000 * 3 : 16_000 * 6])
    windows = [(0.0013, 1.2), (0.5, 0.52), (1.0, 2.9)]
    theirs = _blocks(senko._extract_fbank_features(line, windows))  # type: ignore[attr-defined]
    ours = _blocks(subsegment_features(line, windows))
    for mine, ref in zip(ours, theirs, strict=True):
        assert mine.shape == ref.shape
        assert np.abs(mine - ref).max() < 1e-3
