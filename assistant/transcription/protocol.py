"""What the file pipeline and the live engine need from a speech model, as protocols.

`WhisperTranscriber` is the real one (the only module that imports faster-whisper); a test passes a
fake that returns canned words and runs either path end to end in seconds.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from assistant.audio.decode import Audio
    from assistant.domain.transcript import Transcript, Word
    from assistant.transcription.streaming import StreamUpdate

ProgressFn = Callable[[float, float], None]
"""(position, total) seconds of audio transcribed."""


class Transcriber(Protocol):
    """A whole recording (or a piece of one) → sentence segments: `process`, importing a recording."""

    def transcribe(
        self,
        audio: Audio,
        *,
        hotwords: Iterable[str] = (),
        first_id: int = 0,
        offset: float = 0.0,
        progress: ProgressFn | None = None,
    ) -> Transcript: ...


class WordTranscriber(Protocol):
    """One streaming buffer → timed words: what live transcription (`StreamingTranscriber`) calls."""

    def transcribe_words(
        self,
        audio: Audio,
        *,
        hotwords: Iterable[str] = (),
        prompt: str | None = None,
        beam_size: int | None = None,
        offset: float = 0.0,
    ) -> list[Word]: ...


class AudioStream(Protocol):
    """Live transcription as the ASR worker drives it (`StreamingTranscriber` is the real one)."""

    @property
    def ready(self) -> bool:
        """Enough new audio for another pass."""

    @property
    def audio_end_s(self) -> float: ...

    def insert_audio(self, block: Audio) -> None: ...

    def process(self) -> StreamUpdate: ...

    def finish(self) -> StreamUpdate:
        """The end of the stream: commit what is left."""
