"""WavRecorder and recover_wav: header patching, crash repair, resume, refusal to clobber, disk errors."""

from __future__ import annotations

import json
import os
import stat
import struct
import subprocess
import sys
import textwrap
import wave
from pathlib import Path

import numpy as np
import pytest

from assistant.audio.recorder import HEADER_SIZE, WavRecorder, pcm16, recover_wav, wav_header
from assistant.errors import AssistantError, RecordingError
from tests.support.children import ROOT, noise, read_wav, write_wav


def _f32(samples: np.ndarray) -> np.ndarray:
    return (samples.astype(np.float32) / 32768.0).astype(np.float32)


def _sizes(path: Path) -> tuple[int, int]:
    raw = path.read_bytes()[:HEADER_SIZE]
    return struct.unpack("<I", raw[4:8])[0], struct.unpack("<I", raw[40:44])[0]


def test_pcm16_round_trips_16_bit_input_and_clips() -> None:
    ints = np.array([-32768, -1, 0, 1, 12345, 32767], dtype=np.int16)
    assert np.frombuffer(pcm16(_f32(ints)), "<i2").tolist() == ints.tolist()
    out = np.frombuffer(pcm16(np.array([-2.0, 1.0, 2.0, np.nan], np.float32)), "<i2")
    assert out.tolist() == [-32768, 32767, 32767, 0]


def test_new_recording_is_private_valid_wav(tmp_path: Path) -> None:
    path = tmp_path / "meeting.wav"
    samples = noise(1.25, seed=1)
    with WavRecorder(path) as rec:
        for chunk in np.array_split(samples, 13):
            rec.write(_f32(chunk))
        assert rec.duration == pytest.approx(1.25)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert read_wav(path).tolist() == samples.tolist()
    assert _sizes(path) == (path.stat().st_size - 8, samples.size * 2)


def test_header_is_patched_while_recording(tmp_path: Path) -> None:
    path = tmp_path / "live.wav"
    rec = WavRecorder(path, sync_interval=0.0)  # every write syncs: what a reader sees mid-recording
    try:
        rec.write(_f32(noise(0.3, seed=2)))
        assert _sizes(path) == (path.stat().st_size - 8, 0.3 * 16000 * 2)
        with wave.open(str(path)) as w:  # another process can read it while recording goes on
            assert w.getnframes() == 4800
    finally:
        rec.close()


def test_header_lags_at_most_the_sync_interval(tmp_path: Path) -> None:
    path = tmp_path / "live.wav"
    rec = WavRecorder(path, sync_interval=3600)
    try:
        rec.write(_f32(noise(0.2, seed=3)))
        # Data is in the file at once (os.write, no userspace buffer); the header catches up on sync.
        assert path.stat().st_size == HEADER_SIZE + 6400
        assert _sizes(path)[1] == 0
        rec.sync()
        assert _sizes(path)[1] == 6400
    finally:
        rec.close()


def _crashed(path: Path, samples: np.ndarray, *, declared: int = 0, extra: bytes = b"") -> None:
    path.write_bytes(wav_header(16000, declared) + samples.astype("<i2").tobytes() + extra)


@pytest.mark.parametrize("declared", [0, 1000, 0xFFFFFFFF - 36])
def test_recover_fixes_stale_sizes(tmp_path: Path, declared: int) -> None:
    path = tmp_path / "crashed.wav"
    samples = noise(2.0, seed=4)
    _crashed(path, samples, declared=declared)
    assert recover_wav(path) == pytest.approx(2.0)
    assert read_wav(path).tolist() == samples.tolist()
    assert _sizes(path) == (path.stat().st_size - 8, samples.size * 2)


def test_recover_truncates_a_trailing_half_sample(tmp_path: Path) -> None:
    path = tmp_path / "crashed.wav"
    samples = noise(0.5, seed=5)
    _crashed(path, samples, extra=b"\x7f")
    assert recover_wav(path) == pytest.approx(0.5)
    assert path.stat().st_size == HEADER_SIZE + samples.size * 2
    assert read_wav(path).tolist() == samples.tolist()


def test_recover_leaves_a_consistent_file_alone(tmp_path: Path) -> None:
    path = tmp_path / "ok.wav"
    samples = noise(0.5, seed=6)
    write_wav(path, samples)
    # A LIST chunk after the data: the declared size is right and the tail must not become audio.
    tail = b"LIST" + struct.pack("<I", 4) + b"INFO"
    raw = bytearray(path.read_bytes() + tail)
    raw[4:8] = struct.pack("<I", len(raw) - 8)
    path.write_bytes(bytes(raw))
    before = path.stat().st_mtime_ns
    assert recover_wav(path) == pytest.approx(0.5)
    assert path.read_bytes() == bytes(raw)
    assert path.stat().st_mtime_ns == before


def test_recover_rejects_non_wav(tmp_path: Path) -> None:
    path = tmp_path / "notes.wav"
    path.write_text("these are my notes, not audio")
    with pytest.raises(RecordingError, match="not a WAV"):
        recover_wav(path)


def test_never_overwrites_an_existing_recording(tmp_path: Path) -> None:
    path = tmp_path / "meeting.wav"
    write_wav(path, noise(1.0, seed=7))
    before = path.read_bytes()
    with pytest.raises(RecordingError, match="refusing to overwrite"):
        WavRecorder(path)
    assert path.read_bytes() == before
    # Not a WAV at all: not ours to clobber either.
    other = tmp_path / "other.wav"
    other.write_text("important")
    with pytest.raises(RecordingError):
        WavRecorder(other, resume=True)
    assert other.read_text() == "important"


@pytest.mark.parametrize("content", [b"", wav_header(16000, 0), wav_header(16000, 0)[:20]])
def test_empty_file_is_reused(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "meeting.wav"
    path.write_bytes(content)
    with WavRecorder(path) as rec:
        rec.write(_f32(noise(0.1, seed=8)))
    assert read_wav(path).size == 1600
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_resume_appends_to_a_crashed_recording(tmp_path: Path) -> None:
    path = tmp_path / "meeting.wav"
    first, second = noise(1.0, seed=9), noise(0.7, seed=10)
    _crashed(path, first, extra=b"\x01")  # stale header and half a sample, as after kill -9
    with WavRecorder(path, resume=True) as rec:
        assert rec.resumed_duration == pytest.approx(1.0)
        rec.write(_f32(second))
        assert rec.duration == pytest.approx(1.7)
    assert read_wav(path).tolist() == [*first.tolist(), *second.tolist()]


def test_resume_of_missing_file_creates_it(tmp_path: Path) -> None:
    with WavRecorder(tmp_path / "new.wav", resume=True) as rec:
        rec.write(_f32(noise(0.1, seed=11)))
    assert read_wav(tmp_path / "new.wav").size == 1600


def test_resume_refuses_another_format(tmp_path: Path) -> None:
    path = tmp_path / "cd.wav"
    with wave.open(str(path), "wb") as w:
        w.setnchannels(2)
        w.setsampwidth(2)
        w.setframerate(44100)
        w.writeframes(b"\x00\x01" * 4410)
    before = path.read_bytes()
    with pytest.raises(RecordingError, match="44100 Hz, 2 channel"):
        WavRecorder(path, resume=True)
    assert path.read_bytes() == before


def test_closed_recorder_refuses_writes(tmp_path: Path) -> None:
    rec = WavRecorder(tmp_path / "a.wav")
    rec.close()
    rec.close()  # idempotent
    with pytest.raises(RecordingError, match="closed"):
        rec.write(np.zeros(10, np.float32))


def test_errors_are_one_line_assistant_errors() -> None:
    assert issubclass(RecordingError, AssistantError)
    assert "\n" not in RecordingError("a\nb").message


# --- read-only and disk-full: real kernel errors, not mocks -------------------------------------------

_READONLY_CHILD = textwrap.dedent(
    """
    import json, sys
    from pathlib import Path
    from assistant.audio.recorder import WavRecorder, recover_wav
    from assistant.errors import RecordingError
    folder = Path(sys.argv[1])
    out = {}
    for name, resume in [("new.wav", False), ("good.wav", True), ("stale.wav", True)]:
        try:
            WavRecorder(folder / name, resume=resume).close()
            out[name] = "opened"
        except RecordingError as exc:
            out[name] = exc.message
    out["recover_good"] = recover_wav(folder / "good.wav")
    print(json.dumps(out))
    """
)


def _can_unshare() -> bool:
    if os.geteuid() != 0:
        return False
    return subprocess.run(["unshare", "--mount", "true"], capture_output=True).returncode == 0


def test_read_only_folder_gives_recording_error_and_keeps_data(tmp_path: Path) -> None:
    folder = tmp_path / "session"
    folder.mkdir()
    good, stale = noise(1.0, seed=12), noise(0.5, seed=13)
    write_wav(folder / "good.wav", good)
    _crashed(folder / "stale.wav", stale)
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    child = [sys.executable, "-c", _READONLY_CHILD, str(folder)]
    if _can_unshare():
        # Root ignores permission bits, so make it truly read-only: a private read-only bind mount.
        script = 'mount --bind "$1" "$1" && mount -o remount,ro,bind "$1" && shift && exec "$@"'
        cmd = ["unshare", "--mount", "sh", "-c", script, "sh", str(folder), *child]
    elif os.geteuid() != 0:
        for p in folder.iterdir():
            p.chmod(0o444)
        folder.chmod(0o555)
        cmd = child
    else:
        pytest.skip("root without mount namespaces: cannot make a folder read-only for root")
    try:
        r = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=60)
    finally:
        folder.chmod(0o755)
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    reason = "read-only file system" if _can_unshare() else "permission denied"
    assert out["new.wav"] == f"cannot create the recording {folder / 'new.wav'}: {reason}"
    assert out["good.wav"] == f"cannot resume the recording {folder / 'good.wav'}: {reason}"
    assert out["stale.wav"] == f"cannot repair the recording {folder / 'stale.wav'}: {reason}"
    assert out["recover_good"] == pytest.approx(1.0)  # a consistent file needs no write
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before


_DISK_FULL_CHILD = textwrap.dedent(
    """
    import json, shutil, sys
    from pathlib import Path
    import numpy as np
    from assistant.audio.recorder import WavRecorder
    from assistant.errors import RecordingError
    folder, keep = Path(sys.argv[1]), Path(sys.argv[2])
    rng = np.random.default_rng(14)
    audio = (np.rint(rng.uniform(-0.3, 0.3, 16000 * 10) * 32768) / 32768).astype(np.float32)
    rec = WavRecorder(folder / "full.wav", sync_interval=0.0)
    error, written = None, 0
    for start in range(0, audio.size, 1600):
        try:
            rec.write(audio[start:start + 1600])
            written += 1600
        except RecordingError as exc:
            error = exc.message
            break
    try:
        rec.write(audio[:10])
        again = None
    except RecordingError as exc:
        again = exc.message
    rec.close()
    shutil.copy(folder / "full.wav", keep)  # the tmpfs vanishes with this mount namespace
    np.save(keep.with_suffix(".npy"), audio)
    print(json.dumps({"error": error, "again": again, "duration": rec.duration, "written": written}))
    """
)


def test_disk_full_gives_recording_error_and_a_readable_file(tmp_path: Path) -> None:
    if not _can_unshare():
        pytest.skip("needs root and mount namespaces for a size-limited tmpfs")
    folder = tmp_path / "small"
    folder.mkdir()
    keep = tmp_path / "kept.wav"
    script = 'mount -t tmpfs -o size=64k tmpfs "$1" && shift && exec "$@"'
    child = [sys.executable, "-c", _DISK_FULL_CHILD, str(folder), str(keep)]
    r = subprocess.run(
        ["unshare", "--mount", "sh", "-c", script, "sh", str(folder), *child],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["error"] is not None and out["error"].startswith(f"cannot write the recording {folder}/full.wav")
    assert "disk full" in out["error"] and "\n" not in out["error"]
    assert out["again"] == out["error"]  # sticky: a later write does not pretend all is well
    # 64 KiB hold ~2 s; everything write() accepted is in the file, under a correct header.
    assert 1.5 < out["duration"] < 2.1
    saved = read_wav(keep)
    assert saved.size == round(out["duration"] * 16000) >= out["written"]
    audio = np.load(keep.with_suffix(".npy"))
    assert saved.tolist() == np.rint(audio[: saved.size] * 32768).astype(np.int16).tolist()
