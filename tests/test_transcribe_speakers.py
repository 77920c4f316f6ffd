"""`assistant transcribe` attributes speakers as `process` does (real Whisper and speaker model)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.support.cli import ROOT, run_cli

MEETING = ROOT / "fixtures" / "meetings" / "tls-cert"


@pytest.mark.slow
def test_lines_carry_the_voices_and_the_given_names(tmp_path: Path) -> None:
    out, minute = tmp_path / "t.json", tmp_path / "minute.flac"
    # The first minute has all three voices; the whole meeting would only cost the suite time.
    subprocess.run(["sox", str(MEETING / "meeting.flac"), str(minute), "trim", "0", "60"], check=True)
    proc = run_cli("transcribe", str(minute), "--attendees", "Lisa,Tom,Peter",
                   "--speaker-names", "S1=Lisa", "--format", "json", "-o", str(out))  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    speakers = [s["speaker"] for s in json.loads(out.read_text())["segments"]]
    assert None not in speakers, speakers
    assert len(set(speakers)) >= 2, speakers  # three voices in the script; never all under one label
    assert "Lisa" in speakers and "S1" not in speakers, speakers


@pytest.mark.slow
def test_no_speakers_skips_attribution(tmp_path: Path) -> None:
    clip = tmp_path / "one.wav"
    raw = tmp_path / "raw.wav"
    subprocess.run(["espeak-ng", "-s", "140", "-w", str(raw), "The pager fired at nine fifteen."], check=True)
    subprocess.run(["sox", str(raw), "-r", "16000", "-c", "1", "-b", "16", str(clip)], check=True)
    proc = run_cli("transcribe", str(clip), "--no-speakers", "--format", "json")
    assert proc.returncode == 0, proc.stderr
    segments = json.loads(proc.stdout)["segments"]
    assert segments and all(s["speaker"] is None for s in segments)
