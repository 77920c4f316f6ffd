"""The fixture meetings are complete and agree with themselves (stdlib + pytest only, no models).

Every other test that uses fixtures/meetings trusts these files: the audio format the decoder expects, the
turn timings the speaker tests compare against, and labels that only name people who were in the meeting.

Two kinds of meeting (fixtures/README.md): the four short originals (2-4 speakers, 1-4 minutes, the test
fixtures) and the long ones (5-6 speakers, 6-10 minutes, for bench/postmortem_eval.py), which carry
extra labels (rejected proposals, answered questions, lines spoken to the assistant, spoken time forms).
The long ones are the five bench meetings and four held-out ones (`ho-*`, written without seeing the
extraction rules); both are held to the same rules.
"""

from __future__ import annotations

import calendar
import datetime as dt
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
SHORT = ("cache-stampede", "demo", "queue-backlog", "tls-cert")
BENCH_LONG = ("cdn-dns", "flag-rollout", "migration-data-loss", "payment-timeouts", "replica-failover")
HELD_OUT = ("ho-backup-silent", "ho-k8s-eviction", "ho-oauth-secret", "ho-push-storm")
# Written later, also without seeing the extraction rules (fixtures/meetings/ho2-*).
HELD_OUT_2 = ("ho2-carrier-labels", "ho2-gateway-retry", "ho2-payroll-double", "ho2-search-alias")
LONG = (*BENCH_LONG, *HELD_OUT, *HELD_OUT_2)
FILES = ("script.txt", "meeting.flac", "turns.json", "expected.json")
HEADER_KEYS = {"title", "meeting_date", "attendees", "facilitator", "incident_id", "severity"}
OWNER_KINDS = {"named", "addressee", "group", "first_person", "multiple", "none"}
UNOWNED_KINDS = {"group", "multiple", "none"}
DUE_KINDS = {"concrete", "vague", "none"}
# fixtures/README.md promises ~12 MB of audio for the four short meetings, ~35 MB for the five long bench
# ones and ~34 MB for the four held-out ones (longer: 8-9 minutes each); this catches a fixture that grows
# by accident.
MAX_SHORT_AUDIO_BYTES = 12 * 1024 * 1024
MAX_LONG_AUDIO_BYTES = 36 * 1024 * 1024
MAX_HELD_OUT_AUDIO_BYTES = 34 * 1024 * 1024
MAX_HELD_OUT_2_AUDIO_BYTES = 32 * 1024 * 1024  # 31.3 MB for the four ho2-* meetings (7.5-8.7 min each)
SECONDS = {"short": (60, 240), "long": (360, 600)}
ATTENDEES = {"short": (2, 4), "long": (5, 7)}
LONG_MIN_WORDS = 850
# What a facilitator says to open a section ("Okay, decisions.", "Now the whys."): the long meetings must
# not reuse the short ones' cue sentences, and at least two of them must never announce a section.
SECTION_CUES = re.compile(
    r"\b(?:decisions?|action items?|open questions?|what worked|what did not work|timeline|whys|impact|"
    r"root cause|next steps)\b",
    re.IGNORECASE,
)
SHORT_CUE_SENTENCES = ("decisions", "okay decisions", "action items", "now the whys", "one open question",
                       "let's do the whys", "what worked", "and the impact")  # fmt: skip


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


def kind(name: str) -> str:
    return "long" if name in LONG else "short"


ORDINALS = {
    word: day
    for day, word in enumerate(
        """first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth thirteenth
        fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth twentieth""".split(),  # noqa: SIM905
        start=1,
    )
}
ORDINALS.update({f"twenty {w}": 20 + d for w, d in ORDINALS.items() if d < 10})
ORDINALS.update({"thirtieth": 30, "thirty first": 31})
SUFFIXES = {1: "st", 2: "nd", 3: "rd"}
ORDINALS.update({f"{d}{SUFFIXES.get(d % 10 if d // 10 != 1 else 0, 'th')}": d for d in range(1, 32)})  # "the 3rd"
COUNTS = {"a": 1, "one": 1, "two": 2, "three": 3, "ten": 10}
WEEKDAYS = {d.lower(): i for i, d in enumerate(calendar.day_name)}
MONTHS = {m.lower(): i for i, m in enumerate(calendar.month_name) if m}


def resolve_due(phrase: str, meeting: dt.date) -> dt.date | None:
    """The calendar date of a spoken due date, by the conventions of fixtures/README.md (None: unknown form)."""
    text = words(phrase)
    m = re.search(r"\b([a-z]+) (\d{1,2})(?:st|nd|rd|th)?$", text)  # "before March 28th"
    if m and m[1] in MONTHS:
        date = dt.date(meeting.year, MONTHS[m[1]], int(m[2]))
        return date if date > meeting else date.replace(year=meeting.year + 1)
    for day_name, weekday in WEEKDAYS.items():
        if text.endswith(day_name):  # "before Friday", "by next Tuesday": the next one, a week on if today
            return meeting + dt.timedelta(days=(weekday - meeting.weekday() - 1) % 7 + 1)
    for ordinal in sorted(ORDINALS, key=len, reverse=True):
        if text.endswith(f"the {ordinal}"):  # "by the twenty-second": the next day of that number
            day = ORDINALS[ordinal]
            month = meeting.replace(day=1) if day > meeting.day else (meeting.replace(day=28) + dt.timedelta(days=4))
            return month.replace(day=day)
    m = re.search(r"\b(?:in|within) (a|one|two|three|ten) (day|week)s?$", text)  # "within a week", "in two weeks"
    if m:
        return meeting + dt.timedelta(days=COUNTS[m[1]] * (7 if m[2] == "week" else 1))
    if text.endswith("tomorrow"):  # "by end of day tomorrow", "first thing tomorrow"
        return meeting + dt.timedelta(days=1)
    if text.endswith("end of next week"):  # the Friday of next week
        return meeting + dt.timedelta(days=7 - meeting.weekday() + 4)
    if text.endswith("end of the month"):
        return meeting.replace(day=calendar.monthrange(meeting.year, meeting.month)[1])
    return None


def test_every_meeting_is_short_or_long() -> None:
    assert set(NAMES) == {*SHORT, *LONG}, "classify a new meeting as SHORT or LONG (see fixtures/README.md)"


@pytest.mark.parametrize(
    ("group", "budget"),
    [
        (SHORT, MAX_SHORT_AUDIO_BYTES),
        (BENCH_LONG, MAX_LONG_AUDIO_BYTES),
        (HELD_OUT, MAX_HELD_OUT_AUDIO_BYTES),
        (HELD_OUT_2, MAX_HELD_OUT_2_AUDIO_BYTES),
    ],
)
def test_total_audio_stays_small(group: tuple[str, ...], budget: int) -> None:
    total = sum((MEETINGS / n / "meeting.flac").stat().st_size for n in group)
    assert total <= budget, f"{total / 1e6:.1f} MB of fixture audio in {group}"


@pytest.mark.parametrize("name", NAMES)
def test_meeting_has_all_files(name: str) -> None:
    missing = [f for f in FILES if not (MEETINGS / name / f).is_file()]
    assert not missing, f"{name} lacks {missing} (run: python fixtures/synth.py {name})"


@pytest.mark.parametrize("name", NAMES)
def test_audio_is_16k_mono_16bit_and_of_its_length(name: str) -> None:
    rate, channels, bits, total = flac_streaminfo(MEETINGS / name / "meeting.flac")
    assert (rate, channels, bits) == (16_000, 1, 16)
    lo, hi = SECONDS[kind(name)]
    assert lo <= total / rate <= hi
    assert load(name, "turns.json")["duration"] == pytest.approx(total / rate, abs=0.002)


@pytest.mark.parametrize("name", NAMES)
def test_header_has_the_meeting_details(name: str) -> None:
    header, turns = read_script(name)
    assert header.keys() >= HEADER_KEYS
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", header["meeting_date"])
    attendees = [a.strip() for a in header["attendees"].split(",")]
    lo, hi = ATTENDEES[kind(name)]
    assert lo <= len(attendees) <= hi
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

    meeting_date = dt.date.fromisoformat(header["meeting_date"])
    for item in expected["action_items"]:
        assert item["owner_kind"] in OWNER_KINDS and item["due_kind"] in DUE_KINDS
        assert item["speaker"] in attendees
        # The owner is who must do it once speakers are known; group/multiple/none items have no owner.
        assert (item["owner"] is None) == (item["owner_kind"] in UNOWNED_KINDS)
        if item["owner"] is not None:
            assert item["owner"] in attendees, f"owner {item['owner']!r} is not an attendee"
        if item["owner_kind"] == "first_person":
            assert item["owner"] == item["speaker"]
        if item["owner_kind"] in {"named", "addressee"}:  # "Tom will ..." / "Tom, can you ...?" "Sure."
            assert item["owner"].lower() in said_by[item["speaker"]].split()
        if item["owner_kind"] == "multiple":  # "Grace and I could ...", never settled on one of them
            candidates = item["candidates"]
            assert len(candidates) >= 2 and set(candidates) <= set(attendees)
            for candidate in candidates:
                assert candidate == item["speaker"] or candidate.lower() in said_by[item["speaker"]].split()
        assert (item["due"] is None) == (item["due_kind"] == "none")
        assert (item["due_date"] is not None) == (item["due_kind"] == "concrete")
        if item["due"] is not None:
            # An addressee may name the date in the answer ("Sure, by the fourteenth.").
            sayers = {item["speaker"], item["owner"]} if item["owner_kind"] == "addressee" else {item["speaker"]}
            assert any(words(item["due"]) in said_by[s] for s in sayers), f"due {item['due']!r} not said"
        if item["due_kind"] == "concrete":
            assert resolve_due(item["due"], meeting_date) == dt.date.fromisoformat(item["due_date"]), item

    for time in expected["timeline_times"]:
        assert re.fullmatch(r"(?:[01]\d|2[0-3]):[0-5]\d", time), f"timeline time {time!r} is not HH:MM"
    # Long meetings say times in many ways ("three twelve in the morning"): `timeline_spoken` has the words.
    for time, spoken in zip(expected["timeline_times"], expected.get("timeline_spoken", expected["timeline_times"]),
                            strict=True):  # fmt: skip
        assert words(spoken) in script, f"timeline time {spoken!r} ({time}) is not in the script"
    assert [e["time"] for e in expected["timeline"]] == expected["timeline_times"]
    for quote in expected.get("assistant_directed", []):
        assert words(quote) in script, f"{quote!r} is not in the script"
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
    # Long meetings name owners in questions too ("Marco, can you own it?" "Sure, by the fourteenth.").
    naming = {"named", "addressee"} if name in LONG else {"named"}
    assert sum(i["owner_kind"] in naming and i["due_kind"] == "concrete" for i in items) >= 2
    assert any(i["owner_kind"] == "group" or i["due_kind"] == "vague" for i in items)
    assert any(i["owner_kind"] == "first_person" for i in items)
    assert expected["open_questions"]
    assert 3 <= len(expected["whys"]) <= 5 and expected["systemic_cause"]
    assert len(expected["timeline_times"]) >= 4
    assert expected["timeline_times"] == sorted(expected["timeline_times"]), "timeline is chronological"


@pytest.mark.parametrize("name", LONG)
def test_each_long_meeting_has_the_hard_cases(name: str) -> None:
    """fixtures/README.md, "The long meetings": the cases bench/postmortem_eval.py scores."""
    _, turns = read_script(name)
    expected = load(name, "expected.json")
    items = expected["action_items"]
    kinds = {i["owner_kind"] for i in items}
    assert sum(len(text.split()) for _, text in turns) >= LONG_MIN_WORDS
    assert len(set(load(name, "turns.json")["voices"].values())) >= 5
    assert {"named", "addressee", "first_person", "multiple"} <= kinds
    assert kinds & {"group", "none"}, "a 'someone should' / 'we should probably' item"
    assert {"concrete", "vague"} <= {i["due_kind"] for i in items}
    assert expected["rejected_proposals"] and expected["answered_questions"] and expected["open_questions"]
    assert expected["assistant_directed"] and expected["blame"]
    impact = expected["impact"]
    assert all(impact[k] for k in ("duration", "users_affected", "revenue", "support_tickets", "sla"))
    spoken = expected["timeline_spoken"]
    assert sum(not re.fullmatch(r"\d{1,2}:\d\d", s) for s in spoken) >= 2, "times said in words too"


def test_long_meetings_do_not_share_the_short_ones_cues() -> None:
    facilitator_silent = 0
    for name in LONG:
        header, turns = read_script(name)
        sentences = {words(s) for _, text in turns for s in re.split(r"(?<=[.?!:])\s+", text)}
        assert not sentences & set(SHORT_CUE_SENTENCES), f"{name} reuses a cue sentence of the short meetings"
        directed = {words(q) for q in load(name, "expected.json")["assistant_directed"]}
        said = [s for speaker, text in turns if speaker == header["facilitator"]
                for s in re.split(r"(?<=[.?!:])\s+", text) if words(s) not in directed]  # fmt: skip
        facilitator_silent += not any(SECTION_CUES.search(s) for s in said)
    assert facilitator_silent >= 2, "at least two long meetings never announce a section"


def test_some_meeting_has_a_corrected_blame() -> None:
    assert any(load(n, "expected.json").get("blame") for n in NAMES if n != "demo")
