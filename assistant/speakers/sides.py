"""Speakers of a call recording (`record --call`), from the side each line came from.

Lines from the microphone are the facilitator's: one label, `S1`, named from `--facilitator`. Lines
from the call are the others: the call channel alone is diarized (the facilitator's voice is not in
it, so it cannot be confused with theirs) and its speakers become `S2`, `S3`, …
"""

from __future__ import annotations

import tempfile
import wave
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from assistant.audio.decode import Audio
from assistant.domain.transcript import Segment
from assistant.speakers.attribute import label_segments
from assistant.speakers.diarize import write_wav16
from assistant.speakers.model import Turn, label, label_number
from assistant.speakers.names import SpeakerNames
from assistant.speakers.voiceprints import Voiceprints

FACILITATOR = "S1"
CALL_CHANNEL = 1
_CHUNK_FRAMES = 16000 * 30


class FileDiarizer(Protocol):
    def diarize_file(self, path: Path) -> Any: ...


def is_call(segments: Sequence[Segment]) -> bool:
    return any(s.side is not None for s in segments)


def name_facilitator(names: SpeakerNames, facilitator: str | None) -> bool:
    """Give the mic side's label the facilitator's name (once: a name the user gave later wins)."""
    if not facilitator or names.name_of(FACILITATOR):
        return False
    names.rename(FACILITATOR, facilitator)
    return True


def channel_chunks(recording: Path, channel: int) -> Iterator[Audio]:
    """One channel of a multi-channel 16-bit WAV, as float32 chunks (never the whole file in memory)."""
    with wave.open(str(recording), "rb") as w:
        channels = w.getnchannels()
        while frames := w.readframes(_CHUNK_FRAMES):
            pcm = np.frombuffer(frames[: len(frames) - len(frames) % (2 * channels)], dtype="<i2")
            yield (pcm.reshape(-1, channels)[:, channel].astype(np.float32) / 32768.0).astype(np.float32)


def call_speakers(
    diarizer: FileDiarizer, recording: Path, segments: Sequence[Segment]
) -> tuple[dict[int, str], Voiceprints]:
    """Segment id -> label for every line of a call (mic: S1; call: diarized among the others, S2…),
    and the call speakers' voiceprints under those labels. Raises SpeakerAttributionError."""
    labels = {s.id: FACILITATOR for s in segments if s.side == "mic"}
    call_lines = [s for s in segments if s.side == "call"]
    if not call_lines:
        return labels, Voiceprints()
    with tempfile.TemporaryDirectory(prefix="assistant-call-") as tmp:
        wav = Path(tmp) / "call.wav"
        write_wav16(wav, channel_chunks(recording, CALL_CHANNEL))
        diarization = diarizer.diarize_file(wav)
    shift = {raw: label(label_number(raw) + 1) for raw in diarization.speakers}
    turns = [Turn(shift[t.speaker], t.start, t.end) for t in diarization.turns]
    if turns:
        labels.update(label_segments(call_lines, turns))
    prints = diarization.voiceprints
    return labels, Voiceprints({shift[x]: prints.centroid(x) for x in prints.labels if x in shift})
