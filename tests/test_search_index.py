"""Search over several real sessions: ranked hits with session, time and speaker; the index follows every
save without a rebuild; a deleted, corrupted or stale index is rebuilt from the session files and nothing
is lost (the session files are never touched); `search --json --reindex` through the real CLI."""

from __future__ import annotations

import json
import shutil
import sqlite3
import stat
from pathlib import Path

import pytest

from assistant.domain.transcript import Segment
from assistant.search.index import SearchIndex, index_path, match_expression
from assistant.search.sync import search_sessions
from assistant.session import Session
from assistant.session.indexing import session_fingerprint
from tests.support.cli import assert_one_error_line, run_cli
from tests.support.many_sessions import CERT, DNS, WEBHOOK, file_contents, make_sessions


@pytest.fixture
def root(tmp_path: Path) -> Path:
    make_sessions(tmp_path / "sessions")
    return tmp_path / "sessions"


def hit_keys(root: Path, query: str) -> list[tuple[str, str, str]]:
    return [(h.session, h.kind, h.ref) for h in search_sessions(root, query, limit=100).hits]


def indexed(root: Path, query: str) -> list[tuple[str, str, str]]:
    """What the index file itself holds, without the refresh a search does first."""
    match = match_expression(query)
    assert match is not None
    with SearchIndex.connect(index_path(root)) as index:
        return [(h.session, h.kind, h.ref) for h in index.search(match, 100)]


def test_hits_are_ranked_across_sessions_with_time_and_speaker(root: Path) -> None:
    result = search_sessions(root, "resolver")
    assert result.rebuilt and result.index == index_path(root)  # the first search builds the index
    assert {h.session for h in result.hits} == {DNS}
    kinds = {h.kind for h in result.hits}
    assert {"line", "action", "decision"} <= kinds
    scores = [h.score for h in result.hits]
    assert scores == sorted(scores, reverse=True)
    line = next(h for h in result.hits if h.kind == "line" and h.ref == "0")
    assert (line.start, line.speaker, line.incident_id) == (0.0, "Omar", "INC-51")
    assert "[resolver]" in line.snippet

    # Both words must occur; the meeting with them repeated in one line ranks first.
    retry = search_sessions(root, "retry cap").hits
    assert retry and {h.session for h in retry} == {WEBHOOK}
    assert [h.ref for h in retry if h.kind == "action"] == ["act-cap"]
    assert search_sessions(root, '"descriptor limit"').hits[0].session == DNS
    assert search_sessions(root, "descr*").hits  # a prefix
    assert search_sessions(root, "retries").hits  # stemmed: retries ~ retry


def test_speaker_names_and_review_status_are_shown(root: Path) -> None:
    hits = search_sessions(root, "certificate").hits
    assert {h.speaker for h in hits if h.kind == "line"} == {"Priya"}  # S1 named in speakers.json
    mailbox = search_sessions(root, "mailbox").hits
    assert ("line", "S2") in {(h.kind, h.speaker) for h in mailbox}  # an unnamed voice keeps its label
    assert ("action", "rejected") in {(h.kind, h.status) for h in mailbox}  # part of the record, marked


def test_every_save_updates_the_index_without_a_rebuild(root: Path) -> None:
    search_sessions(root, "resolver")  # the index exists from now on
    with Session.open(root, DNS) as s:
        pool = Segment(id=5, start=60.0, end=64.0, text="The pgbouncer pool was exhausted too.", speaker="Lena")
        s.add_segments([pool])
        assert indexed(root, "pgbouncer") == [(DNS, "line", "5")]  # appended by the save itself
        s.edit_item("act-alert", action="Alert on resolver saturation")
        assert (DNS, "action", "act-alert") in indexed(root, "saturation")
        assert (DNS, "action", "act-alert") not in indexed(root, "error rates")
        with SearchIndex.connect(index_path(root)) as index:
            record = index.record(DNS)
            assert record is not None and record.fingerprint == session_fingerprint(s.path)
            assert record.segments == 6
    result = search_sessions(root, "pgbouncer")
    assert not result.rebuilt and [h.ref for h in result.hits] == ["5"]


def test_a_corrected_line_is_found_by_its_corrected_words(root: Path) -> None:
    search_sessions(root, "resolver")  # the index exists from now on
    with Session.open(root, DNS) as s:
        line = s.transcript.segments[0]
        s.correct_line(line.id, line.text + " The pgbouncer pool settings too.")
    assert (DNS, "line", str(line.id)) in indexed(root, "pgbouncer")  # updated by the save itself
    result = search_sessions(root, "pgbouncer")
    assert not result.rebuilt and [h.ref for h in result.hits if h.kind == "line"] == [str(line.id)]


def test_a_deleted_index_is_rebuilt_and_nothing_is_lost(root: Path) -> None:
    before = hit_keys(root, "resolver")
    files = file_contents(root)
    index_path(root).unlink()
    result = search_sessions(root, "resolver", limit=100)
    assert result.rebuilt and [(h.session, h.kind, h.ref) for h in result.hits] == before
    assert file_contents(root) == files  # the index is derived: the session files are only read


@pytest.mark.parametrize("damage", ["garbage", "torn pages", "empty"])
def test_a_corrupted_index_is_rebuilt(root: Path, damage: str) -> None:
    before = hit_keys(root, "resolver")
    files = file_contents(root)
    path = index_path(root)
    data = path.read_bytes()
    if damage == "garbage":
        path.write_bytes(b"not a database at all " * 500)
    elif damage == "torn pages":  # the header survives, the pages after it do not
        path.write_bytes(data[:100] + bytes(range(256)) * ((len(data) - 100) // 256))
    else:
        path.write_bytes(b"")
    result = search_sessions(root, "resolver", limit=100)
    assert result.rebuilt and [(h.session, h.kind, h.ref) for h in result.hits] == before
    assert file_contents(root) == files
    assert search_sessions(root, "certificate").hits  # and it works from then on
    assert not search_sessions(root, "certificate").rebuilt


def test_a_stale_index_follows_the_session_files(root: Path, tmp_path: Path) -> None:
    search_sessions(root, "resolver")
    # A session copied in, one removed, one changed by a process that did not update the index.
    shutil.copytree(root / CERT, root / "cert-copy")
    shutil.rmtree(root / DNS)
    pm_file = root / WEBHOOK / "postmortem.json"
    pm = json.loads(pm_file.read_text(encoding="utf-8"))
    pm["action_items"][0]["action"] = "Add a backoff jitter to the worker template"
    pm_file.write_text(json.dumps(pm), encoding="utf-8")
    assert search_sessions(root, "resolver").hits == []
    assert {h.session for h in search_sessions(root, "certificate").hits} == {CERT, "cert-copy"}
    assert [(h.session, h.ref) for h in search_sessions(root, "jitter").hits] == [(WEBHOOK, "act-cap")]


def test_an_index_of_another_schema_version_is_rebuilt(root: Path) -> None:
    search_sessions(root, "resolver")
    with sqlite3.connect(index_path(root)) as conn:
        conn.execute("UPDATE meta SET value = '0' WHERE key = 'schema'")
    result = search_sessions(root, "resolver")
    assert result.rebuilt and result.hits


def test_the_index_is_owner_only_and_beside_the_sessions_folder(root: Path) -> None:
    search_sessions(root, "resolver")
    path = index_path(root)
    assert path.parent == root.parent and path.name == "sessions.search.sqlite"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_an_unreadable_session_is_skipped_and_named(root: Path) -> None:
    (root / CERT / "postmortem.json").write_text("{", encoding="utf-8")
    result = search_sessions(root, "resolver")
    assert [s.session for s in result.skipped] == [CERT]
    assert result.hits


def test_search_json_and_reindex_through_the_cli(root: Path) -> None:
    proc = run_cli("search", "descriptor", "limit", "--json", "--reindex", "--sessions-dir", str(root))
    assert proc.returncode == 0, proc.stderr
    assert "search index rebuilt" in proc.stderr
    document = json.loads(proc.stdout)
    assert document["version"] == 1 and document["query"] == "descriptor limit" and document["skipped"] == []
    first = document["hits"][0]
    assert first["session"] == DNS and first["incident_id"] == "INC-51"
    assert set(first) >= {"kind", "segment_id", "item_id", "start", "time", "speaker", "text", "snippet", "score"}
    line = next(h for h in document["hits"] if h["kind"] == "line")
    assert (line["segment_id"], line["time"], line["speaker"]) == (1, "00:10", "Lena")

    text = run_cli("search", "certificate", "--sessions-dir", str(root))
    assert text.returncode == 0 and f"{CERT}  00:00  Priya  line" in text.stdout, text.stdout


@pytest.mark.parametrize("query", ["", '"" ...'])
def test_a_query_without_words_is_one_error_line(root: Path, query: str) -> None:
    assert_one_error_line(run_cli("search", query, "--sessions-dir", str(root)), "Nothing to search for")


def test_no_sessions_folder_finds_nothing_and_writes_nothing(tmp_path: Path) -> None:
    result = search_sessions(tmp_path / "none", "anything")
    assert result.hits == [] and list(tmp_path.iterdir()) == []
