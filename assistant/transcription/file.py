"""Transcribe a recording file (decode → faster-whisper)."""

from __future__ import annotations

from pathlib import Path

from assistant.audio.decode import decode_file
from assistant.config import Settings
from assistant.domain.transcript import Transcript
from assistant.transcription.whisper import ProgressFn, WhisperTranscriber


def transcribe_file(
    path: Path, settings: Settings, hotwords: list[str], progress: ProgressFn | None = None
) -> Transcript:
    audio = decode_file(path)  # decode first: bad input fails before the model loads
    transcriber = WhisperTranscriber(settings.asr)
    return transcriber.transcribe(audio, hotwords=hotwords, progress=progress)
