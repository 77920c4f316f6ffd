"""Pure helpers of the AMI extraction benchmark: transcript parsing, clipping, owner mapping."""

from __future__ import annotations

from typing import Any

from bench.ami import clip_meeting, names_one_owner, owner_letter, parse_meeting, parse_transcript

SPEAKERS = {
    "A": {"role": "PM", "role_name": "Project Manager"},
    "B": {"role": "ME", "role_name": "Marketing Expert"},
    "C": {"role": "ID", "role_name": "Industrial Designer"},
    "D": {"role": "UI", "role_name": "User Interface Designer"},
}
LETTERS = {k: v["role_name"] for k, v in SPEAKERS.items()}


def row(**extra: Any) -> dict[str, Any]:
    transcript = "\n".join(
        [
            "[00:02] A (Project Manager): Okay, let's start.",
            "[00:10] B (Marketing Expert): I'm the Marketing Expert.",
            "[01:05] C (Industrial Designer): We'll use rubber.",
            "[09:30] A (Project Manager): So, Marketing Expert, you do the evaluation.",
            "[1:02:03] D (User Interface Designer): Fine.",
        ]
    )
    base: dict[str, Any] = {
        "id": "X1",
        "duration_s": 3800.0,
        "speakers": SPEAKERS,
        "transcript": transcript,
        "decisions_detail": [
            {"text": "The case will be rubber.", "evidence": [{"start": 65.0, "end": 70.0}]},
            {"text": "Spans the clip border.", "evidence": [{"start": 5.0, "end": 8.0}, {"start": 600, "end": 610}]},
            {"text": "No evidence.", "evidence": []},
        ],
        "action_items": [
            {"text": "The Marketing Expert will do the evaluation.", "owner": "Marketing Expert",
             "owner_speaker": "B", "owner_status": "single", "evidence": [{"start": 570.0, "end": 580.0}]},
            {"text": "The team will meet.", "owner": None, "owner_speaker": None,
             "owner_status": "group / whole team (no single owner)", "evidence": [{"start": 3723.0, "end": 3725.0}]},
        ],
    }  # fmt: skip
    base.update(extra)
    return base


def test_parse_transcript_strips_roles_and_reads_hours() -> None:
    lines = parse_transcript(row()["transcript"])
    assert [ln.speaker for ln in lines] == ["A", "B", "C", "A", "D"]
    assert lines[1].text == "I'm the Marketing Expert."  # the role said aloud stays: it is speech
    assert "Project Manager" not in lines[0].text
    assert lines[3].start == 570.0
    assert lines[4].start == 3723.0


def test_parse_transcript_skips_malformed_and_empty_lines() -> None:
    lines = parse_transcript("garbage\n[00:01] A (Project Manager): \n[00:02] B: hi")
    assert [(ln.index, ln.speaker, ln.text) for ln in lines] == [(0, "B", "hi")]


def test_meeting_maps_gold_owner_to_letter() -> None:
    m = parse_meeting(row())
    assert m.letters == ["A", "B", "C", "D"]
    assert m.actions[0].owner_letter == "B" and m.actions[0].single_owner
    assert m.actions[1].owner_letter is None and not m.actions[1].single_owner


def test_unclipped_keeps_everything_required_and_segments_chain() -> None:
    c = clip_meeting(parse_meeting(row()), None)
    assert not c.clipped
    assert all(g.required for g in [*c.decisions, *c.actions])
    assert [s.end for s in c.segments[:-1]] == [s.start for s in c.segments[1:]]
    assert c.segments[-1].end == 3800.0
    assert all(s.speaker in LETTERS for s in c.segments)


def test_clip_first_marks_partial_items_optional_and_drops_outside() -> None:
    c = clip_meeting(parse_meeting(row()), 10, "first")
    assert [s.id for s in c.segments] == [0, 1, 2, 3]
    assert c.segments[-1].end == 600.0  # where the next line starts, but not past the cut
    kept = {g.text: g.required for g in c.decisions}
    assert kept == {"The case will be rubber.": True, "Spans the clip border.": False, "No evidence.": False}
    assert [a.text for a in c.actions] == ["The Marketing Expert will do the evaluation."]


def test_clip_last_keeps_segment_ids_of_the_full_meeting() -> None:
    c = clip_meeting(parse_meeting(row()), 10, "last")
    assert [s.id for s in c.segments] == [4]
    assert [a.text for a in c.actions] == ["The team will meet."]
    assert [d.text for d in c.decisions] == ["No evidence."]
    assert not c.decisions[0].required


def test_owner_letter_accepts_letters_and_spoken_roles_only() -> None:
    assert owner_letter("B", LETTERS) == "B"
    assert owner_letter("Speaker c.", LETTERS) == "C"
    assert owner_letter("the marketing expert", LETTERS) == "B"
    assert owner_letter("UI", LETTERS) == "D"
    assert owner_letter("Dave", LETTERS) is None
    assert owner_letter(None, LETTERS) is None
    assert owner_letter("E", LETTERS) is None


def test_names_one_owner() -> None:
    assert names_one_owner("C")
    assert names_one_owner("Marketing Expert")
    for owner in (None, "", "null", "A and B", "B, C", "the team", "everyone", "We"):
        assert not names_one_owner(owner), owner
