"""What a live meeting needs before it starts: the audio input, then the models.

The app and `record --headless` both call these, in this order and before the meeting's engine is
built: no microphone, a speech model that cannot load or an LLM that cannot start is one message
while nothing has been said yet, so nothing is lost and the setting is fixed in seconds (recording
audio-only instead would hide the failure until after the meeting).
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

from assistant.audio.source import AudioSource
from assistant.config import Settings
from assistant.extraction.extractor import Extractor
from assistant.extraction.factory import open_extractor
from assistant.live.voices import Diarizer
from assistant.speakers.diarize import SpeakerAttributionError, SpeakerDiarizer, unavailable_reason
from assistant.speakers.filemode import DISABLED
from assistant.transcription.protocol import WordTranscriber


def open_input(
    device: str | None, from_file: Path | None, speed: float = 1.0, *, call: bool = False,
    system_device: str | None = None,
) -> AudioSource:  # fmt: skip
    """The microphone `device` (index or name; None: the default one), or `from_file` played in real
    time (`speed` times faster); with `call`, the microphone and the system output (`system_device`,
    default: the default output's monitor) as one two-channel source. Raises AudioDeviceError when
    there is no such input."""
    if call:
        from assistant.audio.call import CallCapture
        from assistant.audio.capture import list_devices, resolve_device
        from assistant.audio.system import resolve_system

        mic: int | str | None = int(device) if device is not None and device.isdigit() else device
        resolve_device(list_devices(), mic)
        return CallCapture.open(mic, resolve_system(system_device))
    if from_file is not None:
        from assistant.audio.filesource import FileSource

        return FileSource(from_file, realtime=True, speed=speed)
    from assistant.audio.capture import Capture, list_devices, resolve_device

    spec: int | str | None = int(device) if device is not None and device.isdigit() else device
    # Resolve now: no PortAudio / no such device is reported before a session folder is created.
    resolve_device(list_devices(), spec)
    return Capture(spec)


@dataclass
class MeetingModels:
    """The models of one live meeting, loaded once; `close` releases them (it stops an embedded LLM
    server). Tests build one from fakes."""

    transcriber: WordTranscriber
    extractor: Extractor | None
    """None: transcription only (`--no-llm`)."""
    diarizer: Diarizer | None = None
    speakers_off: str | None = None
    """Why live speaker attribution is off (no `speakers` extra, disabled, model failed); None when on."""
    stack: ExitStack = field(default_factory=ExitStack)
    """Owns the embedded LLM server (if any)."""

    def close(self) -> None:
        self.stack.close()


class LoadCancelled(Exception):
    """Whoever asked for the models went away while they loaded; they are released already."""


def load_models(
    settings: Settings, *, no_llm: bool = False, cancelled: Callable[[], bool] = lambda: False
) -> MeetingModels:
    """Whisper, the speaker model (optional: off with a reason instead of an error) and the configured
    LLM, in that order. Slow (seconds): call it on a worker thread in a UI. Raises AssistantError
    (ModelError, ConfigError, LLMError…) for a model that cannot load, LoadCancelled once `cancelled()`."""
    from assistant.transcription.whisper import WhisperTranscriber

    stack = ExitStack()
    try:
        transcriber = WhisperTranscriber(settings.asr, settings.storage.cache_dir)
        diarizer, speakers_off = load_voice_model(settings) if not cancelled() else (None, None)
        extractor = open_extractor(settings, stack) if not no_llm and not cancelled() else None
        if cancelled():
            # Nobody will close them (an embedded LLM server would otherwise outlive the caller).
            raise LoadCancelled
    except BaseException:
        stack.close()
        raise
    return MeetingModels(transcriber, extractor, diarizer, speakers_off, stack)


def load_voice_model(settings: Settings) -> tuple[SpeakerDiarizer | None, str | None]:
    """The speaker model for live attribution, or why attribution is off (never raises)."""
    if not settings.speakers.enabled:
        return None, DISABLED
    reason = unavailable_reason()
    if reason:
        return None, reason
    try:
        diarizer = SpeakerDiarizer()
        diarizer.share_cpu()
        return diarizer, None
    except SpeakerAttributionError as exc:
        return None, f"speaker attribution is off: {exc.message}"
