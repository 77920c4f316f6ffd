"""Naming anonymous speakers: `S1` -> "Omar", merging two labels, moving lines to another speaker.

`SpeakerNames` is the persistent part of speaker attribution (a session keeps it in
`speakers.json`). Segments keep the label diarization gave them (`Segment.speaker`); everything a
person decides later lives here, so a transcript stored append-only never needs rewriting.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from pydantic import BaseModel, Field

from assistant.domain.transcript import Segment, Transcript
from assistant.errors import ConfigError
from assistant.speakers.model import is_label, label_number, next_label

MAX_SPEAKER_NAME = 80


class SpeakerNameError(ConfigError):
    """A speaker name mapping that cannot be applied (bad syntax, unknown label, empty name)."""


class SpeakerNames(BaseModel):
    names: dict[str, str] = Field(default_factory=dict)
    """Label -> attendee name."""
    merged: dict[str, str] = Field(default_factory=dict)
    """Label -> the label it was merged into (diarization split one person in two)."""
    reassigned: dict[int, str] = Field(default_factory=dict)
    """Segment id -> label, overriding `Segment.speaker` (a line moved to another or a new speaker)."""
    labels: dict[int, str] = Field(default_factory=dict)
    """Segment id -> label found after the segment was stored (live attribution, the final
    re-diarization of a live meeting): the append-only transcript is never rewritten. A person's
    `reassigned` wins over it; it wins over `Segment.speaker`."""

    # --- reading ----------------------------------------------------------------------------------

    def canonical(self, speaker: str) -> str:
        """The label `speaker` stands for after merges (cycle-safe)."""
        seen = {speaker}
        while speaker in self.merged:
            speaker = self.merged[speaker]
            if speaker in seen:
                break
            seen.add(speaker)
        return speaker

    def label_of(self, segment: Segment) -> str | None:
        """The segment's speaker label after reassignments and merges (None: not attributed)."""
        raw = self.reassigned.get(segment.id) or self.labels.get(segment.id) or segment.speaker
        return self.canonical(raw) if raw else None

    def name_of(self, speaker: str) -> str | None:
        """The attendee name given to `speaker` (or to the label it was merged into)."""
        return self.names.get(self.canonical(speaker))

    def display(self, speaker: str) -> str:
        """What to show for `speaker`: its name, else its label."""
        return self.name_of(speaker) or self.canonical(speaker)

    # --- changing ---------------------------------------------------------------------------------

    def rename(self, speaker: str, name: str | None) -> None:
        """Give `speaker` a name (blank or None removes it)."""
        target = self.canonical(speaker)
        cleaned = clean_name(name or "")
        if cleaned:
            self.names[target] = cleaned
        else:
            self.names.pop(target, None)

    def merge(self, source: str, target: str) -> None:
        """`source` is the same person as `target`: its lines go to `target`.

        The target keeps its name; it takes the source's name if it had none.
        """
        source, target = self.canonical(source), self.canonical(target)
        if source == target:
            return
        moved = self.names.pop(source, None)
        if moved and target not in self.names:
            self.names[target] = moved
        self.merged[source] = target

    def reassign(self, segment_ids: Iterable[int], speaker: str) -> None:
        """Move lines to `speaker` (split a wrong speaker: move some of its lines to `new_speaker()`)."""
        for segment_id in segment_ids:
            self.reassigned[segment_id] = speaker

    def new_speaker(self, transcript: Transcript) -> str:
        """A label used by no line, merge or name yet."""
        used = {s.speaker for s in transcript.segments if s.speaker} | set(self.reassigned.values())
        used |= set(self.labels.values())
        return next_label(used | set(self.names) | set(self.merged) | set(self.merged.values()))

    def apply(self, mapping: Mapping[str, str], known: Iterable[str]) -> None:
        """Apply `S1=Omar`-style names; labels given the same name are merged into the first of them.

        Raises SpeakerNameError for a label not among `known` (the transcript's speakers).
        """
        known_set = {self.canonical(k) for k in known}
        by_name: dict[str, str] = {}
        for speaker, name in mapping.items():
            target = self.canonical(speaker)
            if target not in known_set:
                have = ", ".join(sort_labels(known_set)) or "none"
                raise SpeakerNameError(f"no speaker {speaker} in this recording (speakers: {have})")
            key = name.casefold()
            if key in by_name and by_name[key] != target:
                self.merge(target, by_name[key])
                continue
            by_name[key] = target
            self.rename(target, name)


def clean_name(name: str) -> str:
    return " ".join(name.split())[:MAX_SPEAKER_NAME]


def sort_labels(labels: Iterable[str]) -> list[str]:
    """S1, S2, …, S10 in number order; anything else after, alphabetically."""
    return sorted(labels, key=lambda x: (0, label_number(x), "") if is_label(x) else (1, 0, x))


def parse_speaker_names(text: str) -> dict[str, str]:
    """Parse `"S1=Omar,S2=Lena"` into {"S1": "Omar", "S2": "Lena"}. Raises SpeakerNameError."""
    mapping: dict[str, str] = {}
    for part in text.split(","):
        if not part.strip():
            continue
        speaker, sep, name = part.partition("=")
        speaker, name = speaker.strip().upper(), clean_name(name)
        if not sep:
            raise SpeakerNameError(f'speaker names: expected LABEL=NAME, got {part.strip()!r} (e.g. "S1=Omar,S2=Lena")')
        if not is_label(speaker):
            raise SpeakerNameError(f"speaker names: {speaker!r} is not a speaker label (S1, S2, …)")
        if not name:
            raise SpeakerNameError(f"speaker names: no name given for {speaker}")
        if is_label(name.upper()):
            raise SpeakerNameError(
                f"speaker names: {name!r} is a label, not a name (merge speakers by giving both the same name)"
            )
        if speaker in mapping:
            raise SpeakerNameError(f"speaker names: {speaker} is given twice")
        mapping[speaker] = name
    if not mapping:
        raise SpeakerNameError('speaker names: nothing given (e.g. "S1=Omar,S2=Lena")')
    return mapping


# --- views of a transcript ------------------------------------------------------------------------


def speakers_by_segment(transcript: Transcript, names: SpeakerNames) -> dict[int, str]:
    """Segment id -> what to call its speaker (name, else label), for attributed segments."""
    out: dict[int, str] = {}
    for segment in transcript.segments:
        speaker = names.label_of(segment)
        if speaker:
            out[segment.id] = names.display(speaker)
    return out


def named_transcript(transcript: Transcript, names: SpeakerNames) -> Transcript:
    """A copy whose `Segment.speaker` holds names (or labels where unnamed): for exports and the LLM."""
    segments = []
    for segment in transcript.segments:
        speaker = names.label_of(segment)
        shown = names.display(speaker) if speaker else None
        segments.append(segment if shown == segment.speaker else segment.model_copy(update={"speaker": shown}))
    return transcript.model_copy(update={"segments": segments})


@dataclass(frozen=True)
class SpeakerSummary:
    """One speaker for a naming screen or prompt: how much they talked and a line to recognise them by."""

    label: str
    name: str | None
    talk_time: float
    segments: int
    sample: Segment
    """Their longest line."""


def speaker_summaries(transcript: Transcript, names: SpeakerNames) -> list[SpeakerSummary]:
    """Every speaker (after merges and reassignments), in label order."""
    lines: dict[str, list[Segment]] = {}
    for segment in transcript.segments:
        speaker = names.label_of(segment)
        if speaker:
            lines.setdefault(speaker, []).append(segment)
    return [_summary(speaker, lines[speaker], names) for speaker in sort_labels(lines)]


def _summary(speaker: str, segments: Sequence[Segment], names: SpeakerNames) -> SpeakerSummary:
    sample = max(segments, key=lambda s: (len(s.text.split()), -s.start))
    talk = sum(max(0.0, s.end - s.start) for s in segments)
    return SpeakerSummary(speaker, names.name_of(speaker), talk, len(segments), sample)


def transcript_labels(transcript: Transcript, names: SpeakerNames | None = None) -> list[str]:
    """The distinct speaker labels of a transcript (after merges), in label order."""
    resolved = names or SpeakerNames()
    return sort_labels({lb for lb in (resolved.label_of(s) for s in transcript.segments) if lb})
