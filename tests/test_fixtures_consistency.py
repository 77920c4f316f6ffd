"""The fixture meetings are complete and agree with themselves (stdlib + pytest only, no models).

Every other test that uses fixtures/meetings trusts these files: the audio format the decoder expects, the
turn timings the speaker tests compare against, and labels that only name people who were in the meeting.
"""

from __future__ import annotations

import itertools
import json
import re
import struct
from pathlib import Path
from typing import Any

import pytest

from bench.fixture_script import meeting_script

MEETINGS = Path(__file__).resolve().parents[1] / "fixtures" / "meetings"
NAMES = sorted(p.name for p in MEETINGS.iterdir() if p.is_dir())
FILES = ("script.txt", "meeting.flac", "turns.json", "expected.json")
HEADER_KEYS = {"title", "meeting_date", "attendees", "facilitator", "incident_id", "severity"}
OWNER_KINDS = {"named", "group", "first_person", "none"}
DUE_KINDS = {"concrete", "vague", "none"}
# fixtures/README.md promises ~12 MB of audio in total; this catches a fixture that grows by accident.
MAX_TOTAL_AUDIO_BYTES = 12 * 1024 * 1024


def flac_streaminfo(path: Path) -> tuple[int, int, int, int]:
    """(sample rate, channels, bits per sample, total samples) from the mandatory first metadata block."""
    with path.open("rb") as f:
        head = f.read(4 + 4 + 34)
    assert head[:4] == b"fLaC", f"{path} is not a FLAC file"
    assert head[4] & 0x7F == 0, "first metadata block must be STREAMINFO"
    (packed,) = struct.unpack(">Q", head[18:26])  # after min/max block size (2+2) and frame size (3+3)
    rate = packed >> 44
    channels = ((packed >> 41) & 0x7) + 1
    bits = ((packed >> 36) & 0x1F) + 1
    total = packed & 0xF_FFFF_FFFF
    return rate, channels, bits, total


def read_script(name: str) -> tuple[dict[str, str], list[tuple[str, str]]]:
    script = meeting_script(name)  # a malformed line raises
    return script.header, script.turns


def load(name: str, file: str) -> Any:
    return json.loads((MEETINGS / name / file).read_text(encoding="utf-8"))


def words(text: str) -> str:
    """Lower-case words separated by single spaces, so labels can be searched for in the script."""
    return " ".join(re.sub(r"[^a-z0-9:' ]+", " ", text.lower().replace("-", " ")).split())


def test_the_four_meetings_exist() -> None:
    assert set(NAMES) >= {"demo", "tls-cert", "cache-stampede", "queue-backlog"}


def test_total_audio_stays_small() -> None:
    total = sum((MEETINGS / n / "meeting.flac").stat().st_size for n in NAMES)
    assert total <= MAX_TOTAL_AUDIO_BYTES, f"{total / 1e6:.1f} MB of fixture audio"


@pytest.mark.parametrize("name", NAMES)
def test_meeting_has_all_files(name: str) -> None:
    missing = [f for f in FILES if not (MEETINGS / name / f).is_file()]
    assert not missing, f"{name} lacks {missing} (run: python fixtures/synth.py {name})"


@pytest.mark.parametrize("name", NAMES)
def test_audio_is_16k_mono_16bit_and_1_to_4_minutes(name: str) -> None:
    rate, channels, bits, total = flac_streaminfo(MEETINGS / name / "meeting.flac")
    assert (rate, channels, bits) == (16_000, 1, 16)
    assert 60 <= total / rate <= 240
    assert load(name, "turns.json")["duration"] == pytest.approx(total / rate, abs=0.002)


@pytest.mark.parametrize("name", NAMES)
def test_header_has_the_meeting_details(name: str) -> None:
    header, turns = read_script(name)
    assert header.keys() >= HEADER_KEYS
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", header["meeting_date"])
    attendees = [a.strip() for a in header["attendees"].split(",")]
    assert 2 <= len(attendees) <= 4
    assert header["facilitator"] in attendees
    assert {speaker for speaker, _ in turns} == set(attendees), "every attendee speaks, nobody else does"


@pytest.mark.parametrize("name", NAMES)
def test_turns_match_the_script_and_do_not_overlap(name: str) -> None:
    _, script_turns = read_script(name)
    timing = load(name, "turns.json")
    turns = timing["turns"]
    assert [(t["speaker"], t["text"]) for t in turns] == script_turns, "turns.json is stale: re-run synth.py"
    assert turns[0]["start"] > 0
    assert turns[-1]["end"] < timing["duration"]
    for t in turns:
        assert t["start"] < t["end"]
    for prev, cur in itertools.pairwise(turns):
        # synth.py inserts 0.5-0.9 s of silence between turns (speaker tests rely on real pauses).
        assert 0.49 <= cur["start"] - prev["end"] <= 0.91
    voices = timing["voices"]
    assert len(set(voices.values())) == len(voices), "each speaker needs a distinct voice"


@pytest.mark.parametrize("name", NAMES)
def test_expected_labels_are_consistent_with_the_meeting(name: str) -> None:
    header, turns = read_script(name)
    expected = load(name, "expected.json")
    attendees = [a.strip() for a in header["attendees"].split(",")]
    script = words(" ".join(text for _, text in turns))
    said_by = {speaker: words(" ".join(t for s, t in turns if s == speaker)) for speaker in attendees}

    assert expected["attendees"] == attendees
    assert expected["meeting_date"] == header["meeting_date"]

    for item in expected["action_items"]:
        assert item["owner_kind"] in OWNER_KINDS and item["due_kind"] in DUE_KINDS
        assert item["speaker"] in attendees
        # The owner is who must do it once speakers are known; group/none items have no owner.
        assert (item["owner"] is None) == (item["owner_kind"] in {"group", "none"})
        if item["owner"] is not None:
            assert item["owner"] in attendees, f"owner {item['owner']!r} is not an attendee"
        if item["owner_kind"] == "first_person":
            assert item["owner"] == item["speaker"]
        if item["owner_kind"] == "named":
            assert item["owner"].lower() in said_by[item["speaker"]].split()
        assert (item["due"] is None) == (item["due_kind"] == "none")
        if item["due"] is not None:
            assert words(item["due"]) in said_by[item["speaker"]], f"due {item['due']!r} not said"

    for time in expected["timeline_times"]:
        assert time in script, f"timeline time {time} is not in the script"
    for keyword in expected["keywords"]:
        assert words(keyword) in script, f"keyword {keyword!r} is not in the script"
    for blame in expected.get("blame", []):
        assert words(blame["quote"]) in said_by[blame["speaker"]]
        assert blame["corrected_by"] in attendees and blame["target"] in attendees


@pytest.mark.parametrize("name", NAMES)
def test_each_meeting_covers_what_the_assistant_must_find(name: str) -> None:
    """The fixture contract (fixtures/README.md): every case the extractor and the checks must handle."""
    expected = load(name, "expected.json")
    items = expected["action_items"]
    assert len(expected["decisions"]) >= 2
    assert sum(i["owner_kind"] == "named" and i["due_kind"] == "concrete" for i in items) >= 2
    assert any(i["owner_kind"] == "group" or i["due_kind"] == "vague" for i in items)
    assert any(i["owner_kind"] == "first_person" for i in items)
    assert expected["open_questions"]
    assert 3 <= len(expected["whys"]) <= 5 and expected["systemic_cause"]
    assert len(expected["timeline_times"]) >= 4
    assert expected["timeline_times"] == sorted(expected["timeline_times"]), "timeline is chronological"


def test_some_meeting_has_a_corrected_blame() -> None:
    assert any(load(n, "expected.json").get("blame") for n in NAMES if n != "demo")
