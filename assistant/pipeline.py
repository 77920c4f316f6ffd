"""The headless file pipeline: recording → transcript → windowed extraction → checks → exports.

Each stage's output is written before the next stage starts, so a failure in extraction never
costs the transcription (users of comparable tools lose earlier work to a later stage's crash).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

from assistant.checks.apply import apply_checks
from assistant.config import Settings
from assistant.domain.postmortem import MeetingDetails, Postmortem
from assistant.domain.transcript import Transcript
from assistant.errors import NoSpeechError
from assistant.export import write_outputs
from assistant.export.atomic import atomic_write_text
from assistant.extraction.client import ChatClient
from assistant.extraction.extractor import WindowProgress
from assistant.extraction.factory import make_extractor, open_extractor
from assistant.session.vocabulary import meeting_hotwords, snap_terms
from assistant.speakers.filemode import Attribution, attribute_recording
from assistant.speakers.names import (
    SpeakerNames,
    SpeakerSummary,
    named_transcript,
    speaker_summaries,
    transcript_labels,
)
from assistant.speakers.vocatives import infer_speaker_names
from assistant.transcription.file import transcribe_file
from assistant.transcription.protocol import ProgressFn, Transcriber

AskNames = Callable[[Sequence[SpeakerSummary]], Mapping[str, str]]
"""Asks a person to name the speakers (label -> name; labels left out stay anonymous)."""


OnTranscript = Callable[[Transcript, SpeakerNames, MeetingDetails], None]
"""Receives the transcript as diarized (speakers S1, S2…, or none), the names given to those labels and the
meeting details with the recording's name and duration."""


@dataclass
class SpeakerOptions:
    names: Mapping[str, str] = field(default_factory=dict)
    """Names given up front (`--speaker-names "S1=Omar,S2=Lena"`)."""
    ask: AskNames | None = None
    """Called once after diarization when `names` is empty (the interactive prompt)."""
    notify: Callable[[str], None] | None = None
    """Receives one line when attribution is off (not installed, disabled, failed), or names were inferred."""
    infer: bool = True
    """Name voices left anonymous from the conversation's vocatives (see `name_speakers`)."""


@dataclass
class ProcessResult:
    transcript: Transcript
    """With speaker names (or S1, S2… where unnamed) in `Segment.speaker` when attribution ran."""
    postmortem: Postmortem
    outputs: dict[str, Path]
    speakers: SpeakerNames = field(default_factory=SpeakerNames)
    speaker_summaries: list[SpeakerSummary] = field(default_factory=list)
    attribution_off: str | None = None


def hotwords_for(details: MeetingDetails, settings: Settings) -> list[str]:
    return meeting_hotwords(details, settings)


def draft_postmortem(
    transcript: Transcript,
    details: MeetingDetails,
    settings: Settings,
    progress: WindowProgress | None = None,
    on_llm_ready: Callable[[], None] | None = None,
    client: ChatClient | None = None,
) -> Postmortem:
    """The checked draft. `client`: the LLM to ask (default: the configured one, started here).

    A meeting in another language than English is read by the LLM window by window (`windows`
    engine), told the language: the rules' cues are English words and would find nothing there."""
    if details.language is None:
        details = details.model_copy(update={"language": transcript.language})
    if details.language != "en" and settings.llm.engine == "hybrid":
        settings = settings.model_copy(update={"llm": settings.llm.model_copy(update={"engine": "windows"})})
    with ExitStack() as stack:
        extractor = make_extractor(client, settings) if client is not None else open_extractor(settings, stack)
        if on_llm_ready:
            on_llm_ready()
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
    speaker_options: SpeakerOptions | None = None,
    transcriber: Transcriber | None = None,
    client: ChatClient | None = None,
    on_transcript: OnTranscript | None = None,
) -> ProcessResult:
    """`transcriber` and `client` replace the configured speech model and LLM (tests pass fakes).
    `on_transcript` gets the transcript before extraction starts (`process --session` stores it then)."""
    options = speaker_options or SpeakerOptions()
    transcript = transcribe_file(path, settings, hotwords_for(details, settings), asr_progress, transcriber,
                                 snap_terms=snap_terms(settings))  # fmt: skip
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = path.stem
    transcript_path = out_dir / f"{stem}.transcript.json"
    if not transcript.segments:
        atomic_write_text(transcript_path, transcript.model_dump_json(indent=2))
        raise NoSpeechError(path.name, str(transcript_path))
    attribution = _attribute(path, transcript, settings, options)
    # Saved before naming (a mistyped label must not cost the transcription), again once named.
    atomic_write_text(transcript_path, attribution.transcript.model_dump_json(indent=2))
    speakers = name_speakers(attribution.transcript, options, details.attendees)
    transcript = named_transcript(attribution.transcript, speakers)
    atomic_write_text(transcript_path, transcript.model_dump_json(indent=2))
    details = details.with_recording(path.name, transcript.duration)
    if on_transcript is not None:
        on_transcript(attribution.transcript, speakers, details)
    outputs_extra = {"transcript": transcript_path}
    if attribution.diarization is not None:
        # The naming, kept next to the draft (labels refer to this recording's diarization).
        speakers_path = out_dir / f"{stem}.speakers.json"
        atomic_write_text(speakers_path, speakers.model_dump_json(indent=2) + "\n")
        outputs_extra["speakers"] = speakers_path
    pm = draft_postmortem(transcript, details, settings, llm_progress, client=client)
    outputs = write_outputs(pm, out_dir, stem)
    outputs.update(outputs_extra)
    summaries = speaker_summaries(attribution.transcript, speakers)
    return ProcessResult(transcript, pm, outputs, speakers, summaries, attribution.off_reason)


def _attribute(path: Path, transcript: Transcript, settings: Settings, options: SpeakerOptions) -> Attribution:
    """Diarize and label `transcript`; says once (through `options.notify`) when attribution is off."""
    attribution = attribute_recording(path, transcript, enabled=settings.speakers.enabled)
    if attribution.off_reason and options.notify:
        options.notify(attribution.off_reason)
    return attribution


def attributed_transcript(
    path: Path, transcript: Transcript, settings: Settings, options: SpeakerOptions, attendees: Sequence[str] = ()
) -> Transcript:
    """`transcript` with speakers, as `process` gives them: diarized S1, S2…, named from `options`
    or the conversation; unchanged (with a notice) when attribution is off."""
    attribution = _attribute(path, transcript, settings, options)
    return named_transcript(attribution.transcript, name_speakers(attribution.transcript, options, attendees))


def name_speakers(transcript: Transcript, options: SpeakerOptions, attendees: Sequence[str] = ()) -> SpeakerNames:
    """Names for the transcript's speakers: the given mapping, else whatever `ask` returns; voices
    still anonymous then get the attendee name the conversation gives them ("David, can you…" answered
    by that voice), when it does so clearly (`assistant.speakers.vocatives`).

    Raises SpeakerNameError for a label the recording does not have (before the slow LLM pass).
    """
    names = SpeakerNames()
    labels = transcript_labels(transcript)
    if not labels:
        return names
    mapping = options.names
    if not mapping and options.ask is not None:
        mapping = options.ask(speaker_summaries(transcript, names))
    if mapping:
        names.apply(mapping, labels)
    if options.infer and attendees:
        named = set(names.names.values())
        guessed = {
            label: name
            for label, name in infer_speaker_names(transcript.segments, attendees).items()
            if label not in names.names and name not in named
        }
        if guessed:
            names.apply(guessed, labels)
            if options.notify:
                pairs = ", ".join(f"{label}={name}" for label, name in sorted(guessed.items()))
                options.notify(f"speakers named from how people addressed them: {pairs} (change with --speaker-names)")
    return names
