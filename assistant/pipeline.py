"""The headless file pipeline: recording → transcript → windowed extraction → checks → exports.

Each stage's output is written before the next stage starts, so a failure in extraction never
costs the transcription (users of comparable tools lose earlier work to a later stage's crash).
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

from assistant.checks.apply import apply_checks
from assistant.config import Settings
from assistant.domain.postmortem import MeetingDetails, Postmortem
from assistant.domain.transcript import Transcript
from assistant.export import write_outputs
from assistant.export.atomic import atomic_write_text
from assistant.extraction.extractor import Extractor, WindowProgress
from assistant.extraction.prompts import PromptLibrary
from assistant.llm_backend import open_llm
from assistant.transcription.file import transcribe_file
from assistant.transcription.whisper import ProgressFn


@dataclass
class ProcessResult:
    transcript: Transcript
    postmortem: Postmortem
    outputs: dict[str, Path]


def hotwords_for(details: MeetingDetails, settings: Settings) -> list[str]:
    return [*details.attendees, *settings.asr.vocabulary]


def draft_postmortem(
    transcript: Transcript,
    details: MeetingDetails,
    settings: Settings,
    progress: WindowProgress | None = None,
    on_llm_ready: Callable[[], None] | None = None,
) -> Postmortem:
    with ExitStack() as stack:
        client = open_llm(settings, stack)
        if on_llm_ready:
            on_llm_ready()
        extractor = Extractor(client, PromptLibrary(settings.storage.prompts_dir), settings.llm.window_tokens)
        pm = extractor.extract(transcript.segments, details, progress=progress)
    apply_checks(pm, transcript)
    return pm


def process_recording(
    path: Path,
    out_dir: Path,
    details: MeetingDetails,
    settings: Settings,
    asr_progress: ProgressFn | None = None,
    llm_progress: WindowProgress | None = None,
) -> ProcessResult:
    transcript = transcribe_file(path, settings, hotwords_for(details, settings), asr_progress)
    details = details.model_copy(update={"recording": path.name, "duration_s": round(transcript.duration, 2)})
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = path.stem
    transcript_path = out_dir / f"{stem}.transcript.json"
    atomic_write_text(transcript_path, transcript.model_dump_json(indent=2))
    pm = draft_postmortem(transcript, details, settings, llm_progress)
    outputs = write_outputs(pm, out_dir, stem)
    outputs["transcript"] = transcript_path
    return ProcessResult(transcript, pm, outputs)
