"""A corpus of hostile, broken and odd-but-valid recordings, generated at test time (nothing binary committed).

Each `Case` says what the CLI must do with it: `error` = one clear line on stderr naming the problem
and a non-zero exit; `ok` = decode and transcribe normally (unusual but legitimate input).
`needs_no_dac` marks the case that only fails for a user without read permission: tests run as root,
whom chmod does not stop, so that case runs with CAP_DAC_OVERRIDE/CAP_DAC_READ_SEARCH dropped.
"""

from __future__ import annotations

import os
import struct
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any, Literal

import av
import numpy as np
import numpy.typing as npt

from assistant.audio.decode import SAMPLE_RATE, decode_file

Expect = Literal["error", "ok"]
Samples = npt.NDArray[np.float32]


@dataclass(frozen=True)
class Case:
    name: str
    path: Path
    expect: Expect
    reason: str
    """A fragment the one-line error must contain (lower case), so the message explains the problem."""
    needs_no_dac: bool = False


def speech_clip(recording: Path, seconds: float = 6.0) -> Samples:
    """The first `seconds` of a fixture meeting at 16 kHz mono: real speech for the odd-but-valid cases."""
    return decode_file(recording)[: round(seconds * SAMPLE_RATE)]


def _resample(x: Samples, rate: int) -> Samples:
    # Linear interpolation is plenty for speech that Whisper only has to recognise.
    n = round(len(x) * rate / SAMPLE_RATE)
    if n == 0:
        return np.zeros(0, dtype=np.float32)
    return np.interp(np.linspace(0, len(x) - 1, n), np.arange(len(x)), x).astype(np.float32)


def write_audio(path: Path, x: Samples, rate: int, channels: int = 1, codec: str | None = None) -> None:
    """Encode `x` (16 kHz mono) at `rate` Hz on `channels` identical channels with PyAV."""
    pcm = np.clip(np.rint(_resample(x, rate) * 32767), -32768, 32767).astype(np.int16)
    layout = {1: "mono", 2: "stereo", 6: "5.1"}[channels]
    interleaved = np.repeat(pcm[:, None], channels, axis=1).reshape(1, -1)
    with av.open(str(path), "w") as out:
        default = {".wav": "pcm_s16le", ".flac": "flac", ".mp3": "libmp3lame", ".m4a": "aac"}[path.suffix]
        stream: Any = out.add_stream(codec or default, rate=rate, layout=layout)  # PyAV stubs: a union
        frame = av.AudioFrame.from_ndarray(interleaved, format="s16", layout=layout)
        frame.sample_rate = rate
        if not len(pcm):
            frames = []  # a stream with no samples at all: only the header and the flush
        elif stream.codec_context.format.name != "s16":
            # Encoders like aac/mp3 want planar float input: let PyAV convert.
            resampler = av.AudioResampler(format=stream.codec_context.format.name, layout=layout, rate=rate)
            frames = resampler.resample(frame)
        else:
            frames = [frame]
        for f in frames:
            for packet in stream.encode(f):
                out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)


def write_video_without_audio(path: Path, seconds: float = 1.0) -> None:
    with av.open(str(path), "w") as out:
        stream = out.add_stream("mpeg4", rate=10)
        stream.width, stream.height, stream.pix_fmt = 64, 48, "yuv420p"
        for i in range(round(seconds * 10)):
            img = np.full((48, 64, 3), (i * 20) % 255, dtype=np.uint8)
            frame = av.VideoFrame.from_ndarray(img, format="rgb24")
            frame.pts, frame.time_base = i, Fraction(1, 10)
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)


def write_png(path: Path) -> None:
    """A real PNG image, whatever the file is called."""
    with av.open(str(path), "w", format="image2") as out:
        stream = out.add_stream("png", rate=1)
        stream.width, stream.height, stream.pix_fmt = 32, 32, "rgb24"
        frame = av.VideoFrame.from_ndarray(np.zeros((32, 32, 3), dtype=np.uint8), format="rgb24")
        for packet in stream.encode(frame):
            out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)


def wav_bytes(
    pcm: bytes, *, rate: int = SAMPLE_RATE, channels: int = 1, tag: int = 1, data_size: int | None = None
) -> bytes:
    """A canonical 44-byte WAV header + `pcm`; `data_size` lets the header lie about the length."""
    declared = len(pcm) if data_size is None else data_size
    align = channels * 2
    header = struct.pack(
        "<4sI4s4sIHHIIHH4sI",
        b"RIFF", min(0xFFFFFFFF, 36 + declared), b"WAVE",
        b"fmt ", 16, tag, channels, rate, rate * align, align, 16,
        b"data", declared,
    )  # fmt: skip
    return header + pcm


def build_corpus(folder: Path, speech: Samples) -> list[Case]:
    """Write every case into `folder` and return them. `speech` is 16 kHz mono float32 (a few seconds)."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(20240517)
    pcm = np.clip(np.rint(speech * 32767), -32768, 32767).astype("<i2").tobytes()
    cases: list[Case] = []

    def add(name: str, expect: Expect, reason: str, data: bytes | None = None, **kw: bool) -> Path:
        path = folder / name
        if data is not None:
            path.write_bytes(data)
        cases.append(Case(name, path, expect, reason, **kw))
        return path

    valid_wav = wav_bytes(pcm)
    # --- nothing usable in the file ------------------------------------------------------------------
    add("empty.wav", "error", "empty", b"")
    add("truncated-header.wav", "error", "not a readable audio", valid_wav[:30])
    add("header-only.wav", "error", "no audio", wav_bytes(b""))
    add("lying-header-no-data.wav", "error", "no audio", wav_bytes(pcm[:400], data_size=0x7FFF_FFF0))
    add("zero-channels.wav", "error", "could not be decoded", wav_bytes(pcm[:64000], channels=0))
    add("zero-rate.wav", "error", "not a readable audio", wav_bytes(pcm[:64000], rate=0))
    add("unknown-codec.wav", "error", "", wav_bytes(pcm[:64000], tag=0x7A7A))
    for ext in (".wav", ".mp3", ".flac", ".m4a", ".ogg"):
        add(f"random-bytes{ext}", "error", "", rng.integers(0, 256, 48_000, dtype=np.uint8).tobytes())
    add("plain-text.mp3", "error", "not a readable audio", b"This is a text file, not a recording.\n" * 200)
    write_png(add("picture.wav", "error", "no audio stream"))
    write_video_without_audio(add("video-without-audio.mp4", "error", "no audio stream"))
    # Encoded files cut short before any audio: the mp3 keeps only its first frame header, the m4a
    # loses its index (PyAV's mp4 muxer writes the moov atom at the end).
    mp3 = folder / "whole.mp3"
    write_audio(mp3, speech, 16_000)
    add("mp3-cut-after-header.mp3", "error", "", mp3.read_bytes()[:300])
    m4a = folder / "whole.m4a"
    write_audio(m4a, speech, 16_000)
    add("m4a-without-index.m4a", "error", "not a readable audio", m4a.read_bytes()[: m4a.stat().st_size // 2])
    mp3.unlink()
    m4a.unlink()
    zero = folder / "zero-samples.flac"
    write_audio(zero, np.zeros(0, dtype=np.float32), 16_000)
    add(zero.name, "error", "no audio")
    # --- not a regular, readable file ----------------------------------------------------------------
    add("missing.wav", "error", "no such file")
    (folder / "folder.wav").mkdir()
    add("folder.wav", "error", "directory")
    os.symlink("loop-b.wav", folder / "loop-a.wav")
    os.symlink("loop-a.wav", folder / "loop-b.wav")
    add("loop-a.wav", "error", "symbolic link")
    os.symlink("nowhere.wav", folder / "dangling.wav")
    add("dangling.wav", "error", "broken symbolic link")
    os.mkfifo(folder / "pipe.wav")
    add("pipe.wav", "error", "not a regular file")
    os.symlink("/dev/zero", folder / "device.wav")
    add("device.wav", "error", "not a regular file")
    locked = add("no-read-permission.wav", "error", "permission denied", valid_wav, needs_no_dac=True)
    locked.chmod(0)
    add("überprüfung 会議 notes (final).m4a", "error", "", rng.integers(0, 256, 9_000, dtype=np.uint8).tobytes())
    # --- unusual but valid: must work ----------------------------------------------------------------
    write_audio(add("speech-8khz.wav", "ok", ""), speech, 8_000)
    write_audio(add("speech-96khz-6ch.flac", "ok", ""), speech, 96_000, channels=6)
    write_audio(add("réunion d'équipe 会議 2024.mp3", "ok", ""), speech, 16_000)
    # A crashed recorder's WAV: the header claims ~9 h, the file holds the few seconds really written.
    add("lying-header-with-audio.wav", "ok", "", wav_bytes(pcm, data_size=0x7FFF_FFF0))
    return cases
