"""The bundled speech models by name, languages, and recordings without speech (real Whisper models)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from assistant.config import Settings
from assistant.errors import ModelError
from assistant.transcription.whisper import WhisperTranscriber, check_language
from tests.support.cli import ROOT, assert_one_error_line, run_cli

CLIP = ROOT / "fixtures" / "meetings" / "tls-cert" / "meeting.flac"


def _espeak(folder: Path, voice: str, text: str) -> Path:
    if shutil.which("espeak-ng") is None or shutil.which("sox") is None:
        pytest.fail("espeak-ng and sox are needed to make the test clip (apt install espeak-ng sox)")
    raw, clip = folder / f"{voice}22k.wav", folder / f"{voice}.wav"
    subprocess.run(["espeak-ng", "-v", voice, "-s", "135", "-w", str(raw), text], check=True, capture_output=True)
    subprocess.run(["sox", str(raw), "-r", "16000", "-c", "1", "-b", "16", str(clip)], check=True, capture_output=True)
    return clip


def test_language_rules() -> None:
    assert check_language("bundled:base", "auto") is None
    assert check_language("bundled:base", "DE") == "de"
    assert check_language("bundled:tiny.en", "auto") == "en"  # English-only: nothing to detect
    with pytest.raises(ModelError, match=r"English-only.*bundled:base"):
        check_language("bundled:tiny.en", "de")
    with pytest.raises(ModelError, match="unknown language 'xx'"):
        check_language("bundled:base", "xx")


@pytest.mark.slow
def test_base_is_assembled_verified_and_transcribes(settings: Settings, tmp_path: Path) -> None:
    speech = _espeak(tmp_path, "en-us", "The certificate expired at nine fifteen and the pager never fired.")
    base = WhisperTranscriber(settings.asr, tmp_path / "cache", "bundled:base")
    folder = tmp_path / "cache" / "models" / "whisper-base"
    assert sorted(p.name for p in folder.iterdir() if not p.name.startswith(".")) == [
        "config.json", "model.bin", "model.bin.verified", "tokenizer.json", "vocabulary.txt",
    ]  # fmt: skip
    from assistant.audio.decode import decode_file

    text = " ".join(s.text for s in base.transcribe(decode_file(speech)).segments).lower()
    assert "certificate" in text and "expired" in text, text


@pytest.mark.slow
def test_a_german_meeting_is_transcribed_in_german(tmp_path: Path) -> None:
    clip = _espeak(
        tmp_path,
        "de",
        "Wir haben beschlossen, die Zertifikate automatisch zu erneuern. Anna kümmert sich bis Freitag darum.",
    )
    out = tmp_path / "de.json"
    proc = run_cli("transcribe", str(clip), "--asr-model", "bundled:base", "--language", "auto",
                   "--format", "json", "-o", str(out))  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    transcript = json.loads(out.read_text())
    assert transcript["language"] == "de"
    text = " ".join(s["text"] for s in transcript["segments"]).lower()
    # espeak-ng's German is hard to hear ("Zettifikatte"): words it says clearly, in German, not translated.
    assert "automatisch" in text and "erneuern" in text, text


@pytest.mark.slow
def test_german_on_an_english_only_model_is_one_clear_error(tmp_path: Path) -> None:
    proc = run_cli("transcribe", str(CLIP), "--asr-model", "bundled:tiny.en", "--language", "de")
    assert_one_error_line(proc, "English-only", "bundled:base", exit_code=ModelError.exit_code)


def test_a_language_that_is_no_code_is_refused_by_the_parser() -> None:
    proc = run_cli("transcribe", str(CLIP), "--language", "klingon!")
    assert proc.returncode == 2 and "not a language code" in proc.stderr, proc.stderr


def _last_error(proc: subprocess.CompletedProcess[str], *needles: str) -> str:
    """Progress lines may come first (transcription ran); the error is the one last line, no traceback."""
    assert proc.returncode == 2, (proc.returncode, proc.stderr)
    assert "Traceback" not in proc.stderr, proc.stderr
    last = proc.stderr.strip().splitlines()[-1]
    assert last.startswith("assistant: error: ") and all(n in last for n in needles), proc.stderr
    return last


@pytest.mark.slow
def test_silence_says_so_and_keeps_the_transcript(tmp_path: Path) -> None:
    silence = tmp_path / "quiet.wav"
    subprocess.run(["sox", "-n", "-r", "16000", "-c", "1", "-b", "16", str(silence), "trim", "0", "6"], check=True)
    out = tmp_path / "out"
    proc = run_cli("process", str(silence), "-o", str(out))
    line = _last_error(proc, "no speech found in quiet.wav", "nothing to draft")
    assert "transcript saved" in line
    assert sorted(p.name for p in out.iterdir()) == ["quiet.transcript.json"]  # no empty draft posing as one
    _last_error(run_cli("transcribe", str(silence)), "no speech found", "the transcript is empty")
