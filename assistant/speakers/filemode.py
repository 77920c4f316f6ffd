"""File mode: diarize a recording and attribute its transcript, or say why attribution is off."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from assistant.domain.transcript import Transcript
from assistant.speakers.attribute import attribute_transcript
from assistant.speakers.diarize import Diarization, SpeakerAttributionError, SpeakerDiarizer, unavailable_reason

DISABLED = "speaker attribution is off (disabled in the settings: speakers.enabled)"


@dataclass
class Attribution:
    transcript: Transcript
    """Lines labelled S1, S2, … and split where the speaker changes (unchanged when attribution is off)."""
    diarization: Diarization | None
    off_reason: str | None
    """None when attribution ran; else one line for the user (not installed, disabled, failed)."""


def attribute_recording(
    path: Path, transcript: Transcript, *, enabled: bool = True, diarizer: SpeakerDiarizer | None = None
) -> Attribution:
    """Diarize `path` and attribute `transcript` to its speakers. Never raises for a missing or failing
    diarizer: the meeting is still worth drafting without speakers, so the reason is returned instead."""
    if not enabled:
        return Attribution(transcript, None, DISABLED)
    reason = unavailable_reason()
    if reason:
        return Attribution(transcript, None, reason)
    try:
        diarization = (diarizer or SpeakerDiarizer()).diarize_file(path)
    except SpeakerAttributionError as exc:
        return Attribution(transcript, None, f"speaker attribution is off: {exc.message}")
    if not diarization.turns:
        return Attribution(transcript, diarization, "speaker attribution found no speech to attribute")
    return Attribution(attribute_transcript(transcript, diarization.turns), diarization, None)
