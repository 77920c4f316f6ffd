"""AudioSource implementations without a sound system: FileSource pacing, Capture's callback/queue logic,
device selection, the level meter. Nothing here imports sounddevice."""

from __future__ import annotations

import math
import time
from pathlib import Path

import numpy as np
import pytest

from assistant.audio.capture import BLOCK_FRAMES, Capture, InputDevice, resolve_device
from assistant.audio.filesource import FileSource
from assistant.audio.source import SILENCE_DBFS, AudioSource, rms_dbfs
from assistant.errors import AudioDeviceError
from tests.support.children import noise, write_wav


def _drain(src: FileSource) -> list[np.ndarray]:
    blocks = []
    while not src.finished:
        block = src.read(0.5)
        if block is not None:
            blocks.append(block)
    return blocks


def test_both_sources_satisfy_the_protocol() -> None:
    assert isinstance(Capture(), AudioSource)
    assert isinstance(FileSource.from_audio(np.zeros(10, np.float32)), AudioSource)


def test_file_source_decodes_the_file_bit_exactly(tmp_path: Path) -> None:
    samples = noise(1.05, seed=1)
    write_wav(tmp_path / "in.wav", samples)
    with FileSource(tmp_path / "in.wav", realtime=False) as src:
        blocks = _drain(src)
    assert [b.size for b in blocks] == [1600] * 10 + [800]
    assert np.array_equal(np.concatenate(blocks), samples.astype(np.float32) / 32768)
    assert src.read(0.1) is None and src.position == pytest.approx(1.05)


def test_file_source_realtime_pacing() -> None:
    src = FileSource.from_audio(np.zeros(16000, np.float32), realtime=True)
    t0 = time.monotonic()
    src.start()
    arrivals = []
    while not src.finished:
        if src.read(0.5) is not None:
            arrivals.append(time.monotonic() - t0)
    # Block k is due at (k + 1) * 0.1 s; loose bounds, a loaded CI machine may be late but never early.
    assert len(arrivals) == 10
    for k, t in enumerate(arrivals):
        assert (k + 1) * 0.1 - 0.005 <= t < (k + 1) * 0.1 + 0.25
    assert 0.99 <= arrivals[-1] < 1.3


def test_file_source_read_respects_timeout_before_a_block_is_due() -> None:
    src = FileSource.from_audio(np.zeros(16000, np.float32), realtime=True, block_s=0.5)
    src.start()
    t0 = time.monotonic()
    assert src.read(timeout=0.1) is None
    assert 0.09 <= time.monotonic() - t0 < 0.3


def test_file_source_fast_mode_and_stop() -> None:
    src = FileSource.from_audio(np.zeros(16000 * 60, np.float32), realtime=False)
    assert src.read(0) is None  # not started yet
    src.start()
    t0 = time.monotonic()
    blocks = _drain(src)
    assert time.monotonic() - t0 < 1.0 and sum(b.size for b in blocks) == 16000 * 60
    other = FileSource.from_audio(np.zeros(16000, np.float32), realtime=False)
    other.start()
    other.read()
    other.stop()
    assert other.finished and other.read() is None and other.dropped_seconds == 0.0


# --- Capture: exercise the PortAudio callback directly (it is a plain method) ----------------------


class _Flags:
    def __init__(self, overflow: bool) -> None:
        self.input_overflow = overflow

    def __bool__(self) -> bool:
        return self.input_overflow


def _block(value: float) -> np.ndarray:
    return np.full((BLOCK_FRAMES, 1), value, np.float32)


def test_callback_copies_and_read_returns_mono_blocks() -> None:
    cap = Capture()
    data = _block(0.5)
    cap._callback(data, BLOCK_FRAMES, None, _Flags(False))
    data[:] = 0.0  # PortAudio reuses its buffer: the queued block must be a copy
    block = cap.read(0.1)
    assert block is not None and block.shape == (BLOCK_FRAMES,) and block.dtype == np.float32
    assert np.all(block == 0.5)
    assert cap.level == pytest.approx(20 * math.log10(0.5))
    assert cap.read(0.01) is None


def test_full_queue_drops_are_counted_not_silent() -> None:
    cap = Capture(max_queue_seconds=0.3)  # room for 3 blocks
    for _ in range(5):
        cap._callback(_block(0.1), BLOCK_FRAMES, None, _Flags(False))
    assert cap.dropped_blocks == 2
    assert cap.dropped_seconds == pytest.approx(0.2)
    assert cap.queued_seconds == pytest.approx(0.3)
    assert [cap.read(0.01) is not None for _ in range(4)] == [True, True, True, False]


def test_overflow_flags_are_counted_and_stop_drains() -> None:
    cap = Capture()
    assert cap.last_block_age is None
    cap._callback(_block(0.0), BLOCK_FRAMES, None, _Flags(True))
    cap._callback(_block(0.0), BLOCK_FRAMES, None, _Flags(False))
    assert cap.overflows == 1 and cap.dropped_blocks == 0
    assert cap.last_block_age is not None and cap.last_block_age < 1.0
    cap.stop()  # never started: stop is still safe, and queued audio can still be read
    assert not cap.finished
    assert cap.read(0.01) is not None and cap.read(0.01) is not None
    assert cap.finished
    assert cap.level == SILENCE_DBFS


# --- device selection --------------------------------------------------------------------------------

DEVICES = [
    InputDevice(0, "HDA Intel PCH: ALC257 Analog (hw:0,0)", 2, 48000.0, False),
    InputDevice(3, "USB Audio Mic (hw:1,0)", 1, 48000.0, False),
    InputDevice(5, "pulse", 32, 44100.0, False),
    InputDevice(6, "default", 32, 44100.0, True),
]


@pytest.mark.parametrize(
    ("spec", "index"),
    [(None, 6), (3, 3), ("5", 5), ("PULSE", 5), ("usb", 3), ("alc257", 0), ("Default", 6)],
)
def test_resolve_device(spec: int | str | None, index: int) -> None:
    assert resolve_device(DEVICES, spec).index == index


def test_resolve_device_errors_are_clear() -> None:
    with pytest.raises(AudioDeviceError, match="no audio input device with index 4"):
        resolve_device(DEVICES, 4)
    with pytest.raises(AudioDeviceError, match="no audio input device matches 'bluetooth'"):
        resolve_device(DEVICES, "bluetooth")
    with pytest.raises(AudioDeviceError, match=r"'hw:' matches several input devices \(0: .*3: USB"):
        resolve_device(DEVICES, "hw:")


def test_without_a_default_the_first_input_is_used() -> None:
    no_default = [InputDevice(d.index, d.name, d.channels, d.default_samplerate, False) for d in DEVICES]
    assert resolve_device(no_default, None).index == 0


def test_rms_dbfs() -> None:
    assert rms_dbfs(np.ones(1600, np.float32)) == pytest.approx(0.0)
    sine = np.sin(2 * np.pi * 440 * np.arange(16000) / 16000).astype(np.float32)
    assert rms_dbfs(sine) == pytest.approx(-3.01, abs=0.01)
    assert rms_dbfs(np.zeros(1600, np.float32)) == SILENCE_DBFS
    assert rms_dbfs(np.zeros(0, np.float32)) == SILENCE_DBFS
    assert rms_dbfs(np.full(10, 1e-9, np.float32)) == SILENCE_DBFS
