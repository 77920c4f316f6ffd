"""The session store: create/open/list, names that never collide, torn logs, locking and permissions.
Review and undo on a session: tests/test_session_review.py."""

from __future__ import annotations

import datetime as dt
import json
import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from assistant.domain.postmortem import ReviewStatus
from assistant.domain.transcript import Segment
from assistant.errors import SessionError
from assistant.session import Session, list_sessions, validate_name
from assistant.session.reading import META_FILE, POSTMORTEM_FILE, TRANSCRIPT_FILE
from tests.support.session_data import details, proposals, segments
from tests.support.sessions import NOW, recorded_session, reopen


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return tmp_path / "sessions"


@pytest.fixture
def session(root: Path) -> Iterator[Session]:
    with recorded_session(root) as s:
        yield s


# --- create / open / list ---------------------------------------------------------------------------


def test_create_then_open_round_trips_everything(root: Path) -> None:
    with Session.create(root, details(), now=NOW) as s:
        assert s.name == "2026-03-04_0930_INC-42"
        assert s.state == "recording"
        assert s.audio_path == root / s.name / "audio.wav"
        s.add_segments(segments())
        s.merge_proposals(proposals())
        s.set_status("act-cap", ReviewStatus.ACCEPTED)
        pm_before = s.postmortem.model_copy(deep=True)
        name = s.name

    with Session.open(root, name) as s:
        assert s.details == details()
        assert s.created_at == NOW
        assert [seg.text for seg in s.transcript.segments] == [seg.text for seg in segments()]
        assert s.transcript.duration == segments()[-1].end
        assert s.postmortem == pm_before
        assert s.next_segment_id == len(segments())


def test_open_missing_session_is_one_line_error(root: Path) -> None:
    root.mkdir()
    with pytest.raises(SessionError, match="No session named 'nope'"):
        Session.open(root, "nope")


@pytest.mark.parametrize("name", ["", "a/b", "../x", "x..y", ".hidden", "tab\there", "new\nline", " padded", "x" * 81])
def test_invalid_names_are_refused(root: Path, name: str) -> None:
    with pytest.raises(SessionError, match="Invalid session name"):
        Session.create(root, details(), name=name)
    with pytest.raises(SessionError, match="Invalid session name"):
        Session.open(root, name)
    assert not root.exists() or list(root.iterdir()) == []


def test_valid_names_accepted() -> None:
    for name in ("retro", "INC-42 review", "x" * 80, "ünïcode-ok"):
        assert validate_name(name) == name


def test_default_name_slugs_the_incident_id(root: Path) -> None:
    with Session.create(root, details(incident_id="INC 7/../etc"), now=NOW) as s:
        assert s.name == "2026-03-04_0930_INC-7-.-etc"
    with Session.create(root, details(incident_id=None), now=NOW) as s:
        assert s.name == "2026-03-04_0930"
    with Session.create(root, details(incident_id="x" * 200), now=NOW) as s:
        assert len(s.name) <= 80 - len("-9999")


def test_list_sessions_newest_first_with_counts(root: Path) -> None:
    assert list_sessions(root) == []
    with Session.create(root, details(incident_id="old"), now=NOW) as s:
        s.add_segments(segments())
        s.merge_proposals(proposals())
        s.set_status("act-cap", ReviewStatus.ACCEPTED)
        s.set_status("dec-cap", ReviewStatus.REJECTED)
        s.mark_state("finalised")
    newer = Session.create(root, details(incident_id="new", duration_s=123.0), now=NOW + dt.timedelta(hours=1))

    infos = list_sessions(root)
    assert [i.name for i in infos] == ["2026-03-04_1030_new", "2026-03-04_0930_old"]
    live, done = infos
    # Owned by this process right now, so it is really recording.
    assert (live.state, live.segments, live.proposals, live.accepted, live.duration) == (
        "recording",
        0,
        0,
        0,
        123.0,
    )
    assert (done.state, done.segments, done.proposals, done.accepted) == ("finalised", 5, 3, 1)
    assert done.duration == segments()[-1].end
    newer.close()
    assert list_sessions(root)[0].state == "interrupted"


def test_corrupt_sessions_are_listed_not_fatal(root: Path) -> None:
    with Session.create(root, details(), name="good"):
        pass
    with Session.create(root, details(), name="bad-json"):
        pass
    (root / "bad-json" / POSTMORTEM_FILE).write_text("{not json")
    (root / "half-made").mkdir()
    (root / ".staging").mkdir()  # hidden entries are not sessions
    (root / "stray-file.txt").write_text("x")

    infos = {i.name: i for i in list_sessions(root)}
    assert set(infos) == {"good", "bad-json", "half-made"}
    assert infos["good"].state == "interrupted"
    assert infos["bad-json"].state == "corrupt"
    assert "postmortem.json" in (infos["bad-json"].error or "")
    assert infos["half-made"].state == "corrupt"
    assert "session.json" in (infos["half-made"].error or "")
    with pytest.raises(SessionError, match="damaged"):
        Session.open(root, "bad-json")


def test_newer_format_is_refused(root: Path) -> None:
    with Session.create(root, details(), name="future") as s:
        meta_path = s.path / META_FILE
    meta = json.loads(meta_path.read_text())
    meta["format"] = 99
    meta_path.write_text(json.dumps(meta))
    with pytest.raises(SessionError, match="newer version"):
        Session.open(root, "future")


# --- names never collide -------------------------------------------------------------------------


def test_default_names_get_suffixes_and_never_overwrite(root: Path) -> None:
    names = []
    for n in range(4):
        with Session.create(root, details(title=f"meeting {n}"), now=NOW) as s:
            names.append(s.name)
    base = "2026-03-04_0930_INC-42"
    assert names == [base, f"{base}-2", f"{base}-3", f"{base}-4"]
    for n, name in enumerate(names):
        with Session.open(root, name, readonly=True) as s:
            assert s.details.title == f"meeting {n}"


def test_explicit_name_taken_is_refused_unless_resume(root: Path) -> None:
    with Session.create(root, details(title="first"), name="retro") as s:
        s.add_segments(segments())
    with pytest.raises(SessionError, match="already exists"):
        Session.create(root, details(title="second"), name="retro")
    with Session.create(root, details(title="second"), name="retro", resume=True) as s:
        # Resuming opens what is there; the new details do not replace it.
        assert s.details.title == "first"
        assert len(s.transcript.segments) == len(segments())


def test_concurrent_creates_get_distinct_folders(root: Path) -> None:
    def create(n: int) -> str:
        with Session.create(root, details(title=str(n)), now=NOW) as s:
            return s.name

    with ThreadPoolExecutor(max_workers=8) as pool:
        names = list(pool.map(create, range(16)))
    assert len(set(names)) == 16
    titles = {Session.open(root, n, readonly=True).details.title for n in names}
    assert titles == {str(n) for n in range(16)}


def test_taken_by_files_or_empty_folders(root: Path) -> None:
    root.mkdir()
    (root / "2026-03-04_0930_INC-42").write_text("not a session")  # a file: the name is taken
    (root / "retro").mkdir()  # an empty folder holds nothing to overwrite
    with Session.create(root, details(), now=NOW) as s:
        assert s.name == "2026-03-04_0930_INC-42-2"
    with Session.create(root, details(title="mine"), name="retro") as s:
        assert s.details.title == "mine"
    assert (root / "2026-03-04_0930_INC-42").read_text() == "not a session"


def test_crash_during_creation_leaves_no_session(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def crash(*args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "rename", crash)
    with pytest.raises(KeyboardInterrupt):
        Session.create(root, details(), now=NOW)
    monkeypatch.undo()
    assert list(root.iterdir()) == []

    # A process killed while building its session leaves only a hidden staging folder: not listed,
    # and removed by a later create once it is clearly abandoned (old, lock free).
    stale, fresh = root / ".new-stale", root / ".new-fresh"
    for leftover in (stale, fresh):
        leftover.mkdir()
        (leftover / "session.lock").write_text("123\n")
    os.utime(stale, (0, 0))
    assert list_sessions(root) == []
    with Session.create(root, details(), now=NOW):
        pass
    assert sorted(p.name for p in root.iterdir()) == [".new-fresh", "2026-03-04_0930_INC-42"]


# --- the transcript log ----------------------------------------------------------------------------


def test_torn_last_line_is_ignored_then_cut_on_resume(session: Session) -> None:
    log = session.path / TRANSCRIPT_FILE
    session.close()
    with log.open("ab") as f:
        f.write(b'{"id": 5, "start": 50.0, "end": 5')  # the writer died mid-append

    with Session.open(session.path.parent, session.name, readonly=True) as ro:
        assert len(ro.transcript.segments) == 5
    assert log.read_bytes().endswith(b"5")  # read-only open changes nothing

    with Session.open(session.path.parent, session.name) as s:
        assert s.next_segment_id == 5
        s.add_segments([Segment(id=5, start=50.0, end=51.0, text="after the crash")])
    with Session.open(session.path.parent, session.name, readonly=True) as s:
        assert [seg.id for seg in s.transcript.segments] == [0, 1, 2, 3, 4, 5]
        assert s.transcript.segments[-1].text == "after the crash"


def test_damaged_line_before_the_end_is_reported(session: Session) -> None:
    log = session.path / TRANSCRIPT_FILE
    session.close()
    lines = log.read_bytes().splitlines(keepends=True)
    lines[1] = b"garbage\n"
    log.write_bytes(b"".join(lines))
    with pytest.raises(SessionError, match=r"transcript\.jsonl: line 2"):
        Session.open(session.path.parent, session.name)


def test_segment_ids_must_grow(session: Session) -> None:
    with pytest.raises(ValueError, match="not above"):
        session.add_segments([Segment(id=2, start=0, end=1, text="again")])
    with pytest.raises(ValueError, match="not above"):
        session.add_segments([Segment(id=7, start=0, end=1, text="a"), Segment(id=7, start=0, end=1, text="b")])
    assert session.next_segment_id == 5  # nothing of a refused batch was kept
    session.add_segments([Segment(id=9, start=90, end=91, text="gap is fine")])
    assert session.next_segment_id == 10


def test_failed_append_keeps_neither_disk_nor_memory(session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    log = session.path / TRANSCRIPT_FILE
    size = log.stat().st_size

    real_write = os.write
    calls = {"n": 0}

    def half_then_full_disk(fd: int, data: bytes | memoryview) -> int:
        calls["n"] += 1
        if calls["n"] == 1:
            return real_write(fd, bytes(data[: len(data) // 2]))
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "write", half_then_full_disk)
    with pytest.raises(SessionError, match="No space left"):
        session.add_segments([Segment(id=5, start=50, end=51, text="lost " * 50)])
    monkeypatch.undo()
    assert log.stat().st_size == size
    assert session.next_segment_id == 5
    session.add_segments([Segment(id=5, start=50, end=51, text="fits now")])
    assert reopen(session).transcript.segments[-1].text == "fits now"


# --- ownership ------------------------------------------------------------------------------------


def test_second_owner_is_refused_but_readers_are_not(session: Session) -> None:
    with pytest.raises(SessionError, match="in use by another assistant"):
        Session.open(session.path.parent, session.name)
    with Session.open(session.path.parent, session.name, readonly=True) as ro:
        assert ro.state == "recording"
        assert len(ro.transcript.segments) == 5
        with pytest.raises(SessionError, match="read-only"):
            ro.set_status("x", ReviewStatus.ACCEPTED)
        with pytest.raises(SessionError, match="read-only"):
            ro.add_segments([])


def test_owner_in_another_process_blocks_and_its_death_interrupts(root: Path) -> None:
    with Session.create(root, details(), name="live"):
        pass
    code = (
        "import sys, time; from pathlib import Path; from assistant.session import Session;"
        "s = Session.open(Path(sys.argv[1]), 'live'); s.mark_state('recording');"
        "print('owned', flush=True); time.sleep(60)"
    )
    child = subprocess.Popen([sys.executable, "-c", code, str(root)], stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "owned"
        with pytest.raises(SessionError, match=rf"in use .*process {child.pid}"):
            Session.open(root, "live")
        assert Session.open(root, "live", readonly=True).state == "recording"
    finally:
        child.kill()
        child.wait()
    assert Session.open(root, "live", readonly=True).state == "interrupted"
    with Session.open(root, "live") as s:
        assert s.state == "interrupted"
        s.mark_state("recording")  # resumed
    meta = json.loads((root / "live" / META_FILE).read_text())
    assert meta["state"] == "recording" and meta["pid"] == os.getpid()


def test_closed_session_refuses_changes(session: Session) -> None:
    session.close()
    session.close()  # idempotent
    with pytest.raises(SessionError, match="closed"):
        session.mark_state("finalised")


# --- permissions ----------------------------------------------------------------------------------


@pytest.mark.parametrize("umask", [0o000, 0o022, 0o077])
def test_folder_and_files_are_owner_only(root: Path, umask: int) -> None:
    old = os.umask(umask)
    try:
        with Session.create(root, details(), now=NOW) as s:
            s.add_segments(segments())
            s.merge_proposals(proposals())
            s.set_status("act-cap", ReviewStatus.ACCEPTED)
            s.update_details(details(title="renamed"))
            path = s.path
    finally:
        os.umask(old)
    assert stat.S_IMODE(root.stat().st_mode) == 0o700
    assert stat.S_IMODE(path.stat().st_mode) == 0o700
    files = sorted(p.name for p in path.iterdir())
    assert files == ["postmortem.json", "session.json", "session.lock", "transcript.jsonl"]
    for name in files:
        assert stat.S_IMODE((path / name).stat().st_mode) == 0o600, name
