"""Speaker names in a session: saved in speakers.json, used by checks and exports, kept across a restart."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.domain.postmortem import ActionItem, Evidence, Flag, MeetingDetails, Postmortem
from assistant.domain.transcript import Segment
from assistant.errors import SessionError
from assistant.session import Session
from assistant.session.commands import render_session_export
from assistant.speakers import SpeakerNames
from tests.support.cli import run_cli

NAME = "spk"

LINES = [
    ("S1", "Lisa here, let's start with the timeline."),
    ("S2", "At noon the certificate expired."),
    ("S3", "Yes."),
    ("S1", "I'll publish this postmortem before Thursday."),
]


def make_session(root: Path) -> None:
    with Session.create(root, MeetingDetails(), name=NAME) as s:
        s.add_segments(Segment(id=n, start=5.0 * n, end=5.0 * n + 4, text=t, speaker=who)
                       for n, (who, t) in enumerate(LINES))  # fmt: skip
        quote = "I'll publish this postmortem before Thursday"
        s.merge_proposals(Postmortem(action_items=[
            ActionItem(id="a1", action="publish this postmortem", owner="I", due="Thursday",
                       evidence=Evidence(quote=quote, segment_ids=[3]))]))  # fmt: skip


def test_names_merges_and_reassignments_survive_a_restart(tmp_path: Path) -> None:
    make_session(tmp_path)
    with Session.open(tmp_path, NAME) as s:
        item = s.postmortem.action_items[0]
        assert item.owner is None and Flag.OWNER_UNCONFIRMED in item.flags
        names = s.speakers
        names.rename("S1", "Lisa")
        names.rename("S2", "Tom")
        names.merge("S3", "S2")
        s.set_speakers(names)
        assert s.postmortem.action_items[0].owner == "Lisa"
    assert (tmp_path / NAME / "speakers.json").stat().st_mode & 0o777 == 0o600
    with Session.open(tmp_path, NAME) as s:  # a restart: everything read back from disk
        assert s.speakers.name_of("S3") == "Tom"
        item = s.postmortem.action_items[0]
        assert item.owner == "Lisa" and not item.flags and item.evidence.speaker == "Lisa"
        names = s.speakers
        names.rename("S1", "Lisa Chen")
        s.set_speakers(names)
    with Session.open(tmp_path, NAME, readonly=True) as s:
        assert s.postmortem.action_items[0].owner == "Lisa Chen"
        txt = render_session_export(s, "txt")
        assert "Lisa Chen: I'll publish" in txt and "Tom: Yes." in txt
        assert "<v Tom>At noon" in render_session_export(s, "vtt")
        assert "[00:15, Lisa Chen]" in render_session_export(s, "md")
        with pytest.raises(SessionError, match="read-only"):
            s.set_speakers(SpeakerNames())


def test_a_damaged_speakers_file_is_reported(tmp_path: Path) -> None:
    make_session(tmp_path)
    (tmp_path / NAME / "speakers.json").write_text('{"names": 3}')
    with pytest.raises(SessionError, match=r"damaged: speakers.json"):
        Session.open(tmp_path, NAME, readonly=True)


def test_speakers_command_names_and_merges(tmp_path: Path) -> None:
    make_session(tmp_path)
    listed = run_cli("speakers", NAME, "--sessions-dir", str(tmp_path))
    assert listed.returncode == 0, listed.stderr
    assert [line.split()[0] for line in listed.stdout.splitlines()] == ["S1", "S2", "S3"]
    named = run_cli("speakers", NAME, "--names", "S1=Lisa,S2=Tom", "--merge", "S3=S2", "--sessions-dir", str(tmp_path))
    assert named.returncode == 0, named.stderr
    assert [line.split()[0] for line in named.stdout.splitlines()] == ["S1", "S2"]
    assert "= Lisa" in named.stdout and "= Tom" in named.stdout
    exported = run_cli("export", NAME, "--format", "csv", "--sessions-dir", str(tmp_path))
    assert exported.stdout.splitlines()[1].startswith("Lisa,publish this postmortem")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--names", "S7=Ann"], "no speaker S7"),
        (["--merge", "S3"], "expected SOURCE=TARGET"),
        (["--names", "Ann"], "expected LABEL=NAME"),
    ],
)
def test_speakers_command_errors_are_one_line(tmp_path: Path, args: list[str], message: str) -> None:
    make_session(tmp_path)
    proc = run_cli("speakers", NAME, *args, "--sessions-dir", str(tmp_path))
    assert proc.returncode != 0
    assert message in proc.stderr and "Traceback" not in proc.stderr
    with Session.open(tmp_path, NAME, readonly=True) as s:  # nothing half-applied
        assert s.speakers == SpeakerNames()


def test_process_rejects_bad_speaker_names_before_any_work() -> None:
    proc = run_cli("process", "fixtures/meetings/tls-cert/meeting.flac", "--speaker-names", "Omar")
    assert proc.returncode == 2
    assert "expected LABEL=NAME" in proc.stderr and "Traceback" not in proc.stderr
