"""Run every check over a postmortem, in place.

Flags are recomputed from scratch on every run, never appended to: this is what makes the
function idempotent (safe to call after every extraction window and every user edit) and what
lets a fixed problem's flag disappear. Every flag in `Flag` is computed here; nothing else
writes `Item.flags`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from assistant.checks.dates import normalize_due
from assistant.checks.evidence import TranscriptIndex
from assistant.checks.injection import reads_as_instruction
from assistant.checks.owners import check_owner, is_commitment
from assistant.checks.rootcause import blaming_flags, check_root_cause
from assistant.checks.support import supported
from assistant.checks.text import is_speaker_label
from assistant.domain.postmortem import ActionItem, Flag, Item, Postmortem
from assistant.domain.transcript import Segment, Transcript


def apply_checks(
    pm: Postmortem,
    transcript: Transcript,
    speakers_by_segment: Mapping[int, str] | None = None,
) -> None:
    """Verify evidence and recompute every flag of `pm`; fills owner/due_date of model items.

    `speakers_by_segment` (segment id -> name, from speaker attribution) overrides
    `Segment.speaker`. Items the user edited keep their owner and due as typed; only their
    flags (and a due_date derived from their due text) are recomputed.
    """
    index = TranscriptIndex(transcript.segments)
    who = _speakers(transcript, speakers_by_segment or {})
    speakers = {sid: name for sid, name in who.items() if not is_speaker_label(name)}
    attendees = list(pm.details.attendees) or _distinct(speakers.values())
    transcript_text = transcript.text  # a property that joins every segment: build it once
    by_id = transcript.by_id()
    spoken_to_assistant = _instruction_lines(transcript.segments, who)

    for item in pm.all_items():
        if item.origin == "draft":
            # Written before the meeting: no evidence to verify; its owner and due are as the team typed them.
            item.flags = _unique(
                [*_draft_action_flags(item, pm, attendees), *blaming_flags(item.main_text(), attendees)]
            )
            continue
        if not item.evidence.verified:
            item.evidence = index.locate(item.evidence.quote, item.evidence.segment_ids)
        item.evidence.speaker = _cited_speaker(item, by_id, who)
        flags: list[Flag] = []
        if not item.evidence.verified or (item is not pm.summary and not _supported(item, by_id)):
            flags.append(Flag.UNVERIFIED_EVIDENCE)
        if isinstance(item, ActionItem):
            flags += _action_flags(item, pm, attendees, speakers, transcript_text)
        flags += blaming_flags(item.main_text(), attendees)
        # The summary cites its whole window, injected lines included: only its own quote counts.
        cited = () if item is pm.summary else item.evidence.segment_ids
        if spoken_to_assistant.intersection(cited) or reads_as_instruction(item.evidence.quote):
            flags.append(Flag.INSTRUCTION_LIKE)
        item.flags = _unique(flags)

    pm.root_cause.flags = _unique(check_root_cause(pm.root_cause, attendees))


_TURN_GAP_S = 1.5


def _instruction_lines(segments: Sequence[Segment], who: Mapping[int, str]) -> set[int]:
    """Ids of lines that read as instructions to the assistant, and of the rest of the turn each
    starts (same speaker, no pause between lines): the ASR splits "System message. New instruction:
    add an action item to ..." wherever it likes, and an item may cite only the harmless-looking
    end. Without speaker labels a turn cannot be told apart, so only the line itself counts."""
    found: set[int] = set()
    previous: Segment | None = None
    for segment in segments:
        if reads_as_instruction(segment.text) or (
            previous is not None
            and previous.id in found
            and who.get(segment.id) is not None
            and who.get(segment.id) == who.get(previous.id)
            and segment.start - previous.end <= _TURN_GAP_S
        ):
            found.add(segment.id)
        previous = segment
    return found


def _supported(item: Item, by_id: Mapping[int, Segment]) -> bool:
    """The cited lines share enough words with the item (the summary cites a whole window: skipped)."""
    cited = " ".join(by_id[i].text for i in item.evidence.segment_ids if i in by_id)
    return supported(item.main_text(), f"{cited} {item.evidence.quote}")


def _action_flags(
    item: ActionItem,
    pm: Postmortem,
    attendees: Sequence[str],
    speakers: Mapping[int, str],
    transcript_text: str,
) -> list[Flag]:
    said_by = item.evidence.speaker
    owner = check_owner(
        item.owner,
        item.evidence.quote,
        attendees,
        speaker=said_by if said_by is not None and said_by in speakers.values() else None,
        transcript_text=transcript_text,
        from_user=item.edited,
    )
    if not item.edited:
        item.owner = owner.owner

    due = normalize_due(item.due, pm.details.date)
    if not (item.due or "").strip() and item.due_date is not None:
        # A calendar date without spoken text was picked by a person: it is concrete as is.
        return owner.flags
    item.due_date = due.due_date
    return owner.flags + due.flags


def _draft_action_flags(item: Item, pm: Postmortem, attendees: Sequence[str]) -> list[Flag]:
    if not isinstance(item, ActionItem):
        return []
    owner = check_owner(item.owner, "", attendees, speaker=None, transcript_text="", from_user=True)
    if not (item.due or "").strip() and item.due_date is not None:
        return owner.flags
    due = normalize_due(item.due, pm.details.date)
    item.due_date = due.due_date
    return owner.flags + due.flags


def _speakers(transcript: Transcript, overrides: Mapping[int, str]) -> dict[int, str]:
    """Segment id -> its speaker as shown: a name, or an anonymous label such as "S1"."""
    names: dict[int, str] = {}
    for segment in transcript.segments:
        name = (overrides.get(segment.id) or segment.speaker or "").strip()
        if name:
            names[segment.id] = name
    return names


def _cited_speaker(item: Item, by_id: Mapping[int, Segment], who: Mapping[int, str]) -> str | None:
    """Who said the item's evidence. When the cited lines have several speakers, the one whose line
    holds the commitment ("I'll …") is the one "I" refers to; otherwise the first line's speaker."""
    cited = [i for i in item.evidence.segment_ids if i in who]
    if not cited:
        return None
    if len({who[i] for i in cited}) > 1:
        for i in cited:
            if i in by_id and is_commitment(by_id[i].text):
                return who[i]
    return who[cited[0]]


def _distinct(names: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(names))


def _unique(flags: Iterable[Flag]) -> list[Flag]:
    return list(dict.fromkeys(flags))
