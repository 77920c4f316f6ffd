"""Fakes for the core's seams (`assistant.transcription.protocol`, `assistant.extraction.client`,
`assistant.live.meeting.LiveThreads`): the file pipeline, a headless meeting and the app's live screen
run end to end on them in seconds, with no model and no server.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel

from assistant.audio.decode import SAMPLE_RATE, Audio
from assistant.config import Settings, load_settings
from assistant.domain.transcript import Segment, Transcript, Word
from assistant.errors import LLMError
from assistant.extraction.extractor import Extractor
from assistant.extraction.factory import make_extractor
from assistant.extraction.llm import Usage
from assistant.live.models import MeetingModels
from assistant.live.voices import VoiceWorker
from assistant.live.workers import ExtractionJob
from assistant.transcription.protocol import ProgressFn
from assistant.transcription.whisper import split_sentences
from tests.support.cli import NO_CONFIG

M = TypeVar("M", bound=BaseModel)

SPEECH = (
    "At 11:47 the certificate on the API gateway expired and every mobile client failed. "
    "Tom will add an expiry alert for every public certificate before Friday. "
    "We decided to move all public certificates to automatic renewal. "
    "Who should own certificates in the long run? "
    "Peter will update the runbook for manual renewal by Wednesday. "
)


class FakeTranscriber:
    """Both speech-model protocols over canned text: word k of `text` (cycled) is said from k × `step_s`
    s to just before the next one, whatever the audio holds. Deterministic, so two streaming passes
    agree and lines commit as with Whisper."""

    def __init__(self, text: str = SPEECH, step_s: float = 0.25) -> None:
        self.words = text.split()
        self.step_s = step_s
        self.calls = 0

    def _words(self, start_s: float, end_s: float) -> list[Word]:
        """The words said wholly within [start_s, end_s]."""
        words = []
        for k in range(int(start_s / self.step_s) + 1, int(end_s / self.step_s)):
            start = k * self.step_s
            if start + self.step_s > end_s:
                break
            text = self.words[k % len(self.words)]
            words.append(Word(start=start, end=start + 0.8 * self.step_s, text=f" {text}", probability=0.99))
        return words

    def transcribe_words(
        self,
        audio: Audio,
        *,
        hotwords: Iterable[str] = (),
        prompt: str | None = None,
        beam_size: int | None = None,
        offset: float = 0.0,
    ) -> list[Word]:
        self.calls += 1
        # The last 0.2 s: a word still being said, not returned yet (as Whisper cannot hear it whole).
        return self._words(offset, offset + audio.size / SAMPLE_RATE - 0.2)

    def transcribe(
        self,
        audio: Audio,
        *,
        hotwords: Iterable[str] = (),
        first_id: int = 0,
        offset: float = 0.0,
        progress: ProgressFn | None = None,
    ) -> Transcript:
        self.calls += 1
        duration = audio.size / SAMPLE_RATE
        sentences = split_sentences(self._words(offset, offset + duration))
        segments = [
            Segment(id=first_id + n, start=s[0].start, end=s[-1].end, text="".join(w.text for w in s).strip(), words=s)
            for n, s in enumerate(sentences)
        ]
        if progress is not None:
            progress(duration, duration)
        return Transcript(segments=segments, duration=duration, language="en")


class FakeChat:
    """A `ChatClient` answering from `answers` (request name → the answer's JSON data); a request
    with no canned answer fails like a server that cannot be reached. `events` records requests
    and releases, in order."""

    def __init__(self, answers: Mapping[str, dict[str, Any]] | None = None) -> None:
        self.answers = dict(answers or {})
        self.usage = Usage()
        self.redact = False
        self.api_key = "not-needed"
        self.events: list[str] = []

    def complete(self, messages: list[dict[str, str]], model: type[M], name: str = "answer") -> M:
        self.events.append(name)
        self.usage.calls += 1
        if name not in self.answers:
            raise LLMError(f"no canned answer for {name!r}")
        return model.model_validate(self.answers[name])

    def with_transport_retries(self, retries: int) -> FakeChat:
        return self

    def release_idle(self) -> None:
        self.events.append("release")


class IdleThreads:
    """`LiveThreads` with nothing running: for driving a `Meeting` by hand with events."""

    llm = None
    voices: VoiceWorker | None = None
    time_offset = 0.0
    stream_started_at = 0.0
    recording_error: str | None = None

    def __init__(self, recorded_s: float = 0.0) -> None:
        self.recorded_s = recorded_s
        self.started = self.stopped = False

    def start(self) -> None:
        self.started = True

    def stop_capture(self) -> None:
        self.stopped = True

    def shutdown(self, timeout: float = 10.0) -> None:
        self.stopped = True


def fake_settings(sessions: Path, **llm: Any) -> Settings:
    """Defaults (no config file, no ASSISTANT_* variables), `sessions` as the sessions folder, speaker
    attribution off and `llm` overrides (e.g. `window_tokens=40`)."""
    saved = {k: os.environ.pop(k) for k in list(os.environ) if k.startswith(("ASSISTANT_", "OPENAI_"))}
    os.environ["ASSISTANT_CONFIG"] = str(NO_CONFIG)
    try:
        return load_settings(None, {"storage": {"sessions_dir": sessions}, "speakers": {"enabled": False}, "llm": llm})
    finally:
        os.environ.pop("ASSISTANT_CONFIG")
        os.environ.update(saved)


def fake_models(settings: Settings, transcriber: FakeTranscriber | None = None, chat: FakeChat | None = None,
                no_llm: bool = False) -> MeetingModels:  # fmt: skip
    """What `load_models` returns, on fakes."""
    extractor: Extractor | None = None if no_llm else make_extractor(chat or FakeChat(), settings)
    return MeetingModels(transcriber or FakeTranscriber(), extractor, speakers_off="speaker attribution is off")


class RecordingJobQueue:
    """The LLM worker's seat (`assistant.live.workers.JobQueue`): takes every job and keeps it, so the
    test answers the windows itself."""

    def __init__(self) -> None:
        self.jobs: list[ExtractionJob] = []

    def submit(self, job: ExtractionJob) -> bool:
        self.jobs.append(job)
        return True
