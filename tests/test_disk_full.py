"""Disk full and read-only session folders during `assistant record --headless` (a real, small tmpfs).

A full disk mid-meeting: one clear line on stderr saying what happened and how much audio was kept, a
non-zero exit, no traceback; the saved audio is a valid WAV holding exactly the first seconds of the
meeting; the session lists as interrupted (not as complete) and resumes once there is space again.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import wave
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from assistant.audio.decode import decode_file
from assistant.audio.recorder import pcm16, recover_wav
from assistant.session import Session
from tests.support.bad_inputs import speech_clip, write_audio
from tests.support.cli import ROOT, assert_one_error_line, run_cli

DEMO = ROOT / "fixtures" / "meetings" / "demo" / "meeting.flac"
# No models beyond Whisper: the disk is the point (the speaker model alone costs each run seconds).
RECORD = ("record", "--headless", "--no-llm", "--no-speakers", "--from-file")

pytestmark = [pytest.mark.slow, pytest.mark.timeout(600)]


def mount_tmpfs(where: Path, options: str) -> None:
    where.mkdir(exist_ok=True)
    proc = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(where)], capture_output=True, text=True)
    if proc.returncode:
        pytest.skip(f"cannot mount a tmpfs here (needs root / CAP_SYS_ADMIN): {proc.stderr.strip()}")


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 128 KiB filesystem: the session files plus ~3.5 s of 16 kHz 16-bit audio fill it."""
    disk = tmp_path / "disk"
    mount_tmpfs(disk, "size=128k,mode=0700")
    try:
        yield disk
    finally:
        subprocess.run(["umount", "-l", str(disk)], check=False)


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("clip") / "standup.flac"
    write_audio(path, speech_clip(DEMO, seconds=8.0), 16_000)
    return path


def wav_samples(path: Path) -> np.ndarray:
    with wave.open(str(path), "rb") as w:
        assert (w.getnchannels(), w.getsampwidth(), w.getframerate()) == (1, 2, 16_000)
        return np.frombuffer(w.readframes(w.getnframes()), dtype="<i2")


def test_disk_full_mid_recording_keeps_what_was_saved_and_resumes(small_disk: Path, clip: Path) -> None:
    proc = run_cli(*RECORD, str(clip), "--sessions-dir", str(small_disk),
               "--session", "s1")  # fmt: skip
    assert proc.returncode != 0
    line = assert_one_error_line(proc)
    assert "No space left on device" in line and "disk full" in line, line
    saved = float(re.search(r"\((\d+\.\d) s saved\)", line).group(1))  # type: ignore[union-attr]
    assert 1.0 < saved < 8.0
    events = [json.loads(x) for x in proc.stdout.splitlines()]  # every stdout line is still valid JSON
    assert {"type": "error", "worker": "recorder", "fatal": True}.items() <= next(
        e for e in events if e["type"] == "error"
    ).items()

    # What was saved is a valid WAV holding exactly the first `saved` seconds of the meeting.
    audio = small_disk / "s1" / "audio.wav"
    assert recover_wav(audio) == pytest.approx(saved, abs=0.05)  # nothing to repair beyond rounding
    kept = wav_samples(audio)
    original = np.frombuffer(pcm16(decode_file(clip)), dtype="<i2")
    assert len(kept) > 16_000
    assert np.array_equal(kept, original[: len(kept)])

    # Listed as interrupted (not as a finished meeting), and readable without writing.
    listing = run_cli("sessions", "--sessions-dir", str(small_disk))
    assert listing.returncode == 0 and re.search(r"^s1\s.*interrupted", listing.stdout, re.M), listing.stdout
    with Session.open(small_disk, "s1", readonly=True) as session:
        assert session.state == "interrupted"

    # Space again: the same session resumes and appends; the first part is untouched.
    subprocess.run(["mount", "-o", "remount,size=4m", str(small_disk)], check=True)
    again = run_cli(*RECORD, str(clip), "--sessions-dir", str(small_disk),
                "--session", "s1")  # fmt: skip
    assert again.returncode == 0, again.stderr
    both = wav_samples(audio)
    assert np.array_equal(both[: len(kept)], kept)
    assert len(both) == len(kept) + len(original)


def test_read_only_sessions_folder_at_start_is_one_line(tmp_path: Path, clip: Path) -> None:
    ro = tmp_path / "ro"
    mount_tmpfs(ro, "ro,size=64k")
    try:
        proc = run_cli(*RECORD, str(clip), "--sessions-dir", str(ro))
        assert proc.returncode != 0
        assert "Read-only file system" in assert_one_error_line(proc)
        assert proc.stdout == ""  # no session was announced
        assert os.listdir(ro) == []
    finally:
        subprocess.run(["umount", "-l", str(ro)], check=False)


def test_session_folder_turned_read_only_is_one_line_and_untouched(small_disk: Path, clip: Path) -> None:
    first = run_cli(*RECORD, str(clip), "--sessions-dir", str(small_disk),
                "--session", "s1")  # fmt: skip
    assert first.returncode != 0  # the disk filled up (see above); the session exists
    before = {p.name: p.read_bytes() for p in (small_disk / "s1").iterdir()}
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    proc = run_cli(*RECORD, str(clip), "--sessions-dir", str(small_disk),
               "--session", "s1")  # fmt: skip
    assert proc.returncode != 0
    assert "Read-only file system" in assert_one_error_line(proc)
    assert "Cannot open session 's1' for writing" in assert_one_error_line(proc)
    assert {p.name: p.read_bytes() for p in (small_disk / "s1").iterdir()} == before
    # Reading still works: the transcript export goes to stdout.
    export = run_cli("export", "s1", "--format", "md", "--sessions-dir", str(small_disk))
    assert export.returncode == 0 and export.stdout.startswith("# "), export.stderr
