"""`assistant actions` over several real sessions: accepted items of every session with their filters and
versioned JSON; `actions done` / `reopen` saved in the session (seen by a new process, undoable in it), and
refused in one line — changing nothing — for a wrong ID, an item that is no action, a rejected one, or a
session another process owns. Old session files without the done/open status load as open."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from assistant.domain.postmortem import ActionItem
from assistant.session import Session
from assistant.session.actions import ActionFilter, list_actions
from tests.support.cli import assert_one_error_line, run_cli
from tests.support.many_sessions import CERT, DNS, PAST, WEBHOOK, file_contents, make_sessions

ACCEPTED = {f"{WEBHOOK}/act-cap", f"{DNS}/act-limit", f"{DNS}/act-alert", f"{CERT}/act-renew"}
PROPOSED = {f"{WEBHOOK}/act-review", f"{DNS}/act-cache"}


@pytest.fixture
def root(tmp_path: Path) -> Path:
    make_sessions(tmp_path / "sessions")
    return tmp_path / "sessions"


def actions(root: Path, *flags: str) -> dict[str, Any]:
    proc = run_cli("actions", *flags, "--json", "--sessions-dir", str(root))
    assert proc.returncode == 0 and not proc.stderr, proc.stderr
    document: dict[str, Any] = json.loads(proc.stdout)
    assert document["version"] == 1
    return document


def ids(document: dict[str, Any]) -> set[str]:
    return {a["id"] for a in document["actions"]}


def item(root: Path, session: str, item_id: str) -> ActionItem:
    """As a new process sees it."""
    with Session.open(root, session, readonly=True) as s:
        found = s.postmortem.find(item_id)
    assert isinstance(found, ActionItem)
    return found


def test_every_accepted_action_item_of_every_session(root: Path) -> None:
    document = actions(root)
    assert ids(document) == ACCEPTED and document["skipped"] == []
    assert document["today"] == dt.date.today().isoformat()
    limit = next(a for a in document["actions"] if a["id"] == f"{DNS}/act-limit")
    assert limit == limit | {
        "session": DNS, "item_id": "act-limit", "incident_id": "INC-51", "owner": "Lena", "due": PAST,
        "due_date": PAST, "status": "open", "overdue": True, "review_status": "accepted",
        "quote": "Lena will raise the descriptor limit on every resolver", "speaker": "Lena", "start": 10.0,
        "time": "00:10",
    }  # fmt: skip
    # Soonest due first, unresolved due dates last.
    assert [a["due_date"] for a in document["actions"]][:1] == [PAST]


def test_filters(root: Path) -> None:
    assert ids(actions(root, "--owner", " lena ")) == {f"{DNS}/act-limit"}
    assert ids(actions(root, "--overdue")) == {f"{DNS}/act-limit", f"{WEBHOOK}/act-cap"}  # FUTURE never is
    assert ids(actions(root, "--include-proposed")) == ACCEPTED | PROPOSED  # rejected ones never
    assert ids(actions(root, "--owner", "Omar", "--include-proposed")) == {f"{DNS}/act-alert", f"{DNS}/act-cache"}
    assert ids(actions(root, "--open")) == ACCEPTED


def test_done_and_reopen_are_saved_in_the_session(root: Path) -> None:
    action_id = f"{DNS}/act-limit"
    done = run_cli("actions", "done", action_id, "--sessions-dir", str(root))
    assert done.returncode == 0 and f"{action_id}: marked done" in done.stdout, done.stderr
    assert item(root, DNS, "act-limit").item_status == "done"
    assert item(root, DNS, "act-limit").status.value == "accepted"  # the review decision is untouched
    assert action_id not in ids(actions(root, "--open"))
    assert action_id not in ids(actions(root, "--overdue"))  # done work is not late
    again = run_cli("actions", "--sessions-dir", str(root), "done", action_id)  # option before the verb
    assert again.returncode == 0 and "already done" in again.stdout

    reopen = run_cli("actions", "reopen", action_id, "--sessions-dir", str(root))
    assert reopen.returncode == 0 and "marked open" in reopen.stdout
    assert item(root, DNS, "act-limit").item_status == "open"
    assert action_id in ids(actions(root, "--overdue"))


def test_marking_done_is_an_undoable_session_edit(root: Path) -> None:
    with Session.open(root, CERT) as s:
        s.set_action_status("act-renew", "done")
        assert s.can_undo
        assert s.undo() == ["act-renew"]
    assert item(root, CERT, "act-renew").item_status == "open"


@pytest.mark.parametrize(
    ("action_id", "needle"),
    [
        ("act-limit", "Not an action item ID"),
        ("nosuch/act-limit", "No session named 'nosuch'"),
        (f"{DNS}/act-nosuch", "has no item 'act-nosuch'"),
        (f"{DNS}/dec-fallback", "not an action item"),
        (f"{CERT}/act-page", "was rejected in review"),
    ],
)
def test_a_wrong_id_is_one_error_line_and_changes_nothing(root: Path, action_id: str, needle: str) -> None:
    files = file_contents(root)
    assert_one_error_line(run_cli("actions", "done", action_id, "--sessions-dir", str(root)), needle)
    assert file_contents(root) == files


def test_a_session_owned_by_another_process_is_not_changed(root: Path) -> None:
    files = file_contents(root)
    with Session.open(root, DNS):  # e.g. open for review in the app
        proc = run_cli("actions", "done", f"{DNS}/act-limit", "--sessions-dir", str(root))
    assert_one_error_line(proc, DNS)
    assert file_contents(root) == files


def test_old_session_files_without_the_status_load_as_open(root: Path) -> None:
    pm_file = root / DNS / "postmortem.json"
    pm = json.loads(pm_file.read_text(encoding="utf-8"))
    for action in pm["action_items"]:
        del action["item_status"]  # as written before the status existed
    pm_file.write_text(json.dumps(pm), encoding="utf-8")
    rows, unreadable = list_actions(root, ActionFilter(open_only=True), dt.date.today())
    assert unreadable == [] and {r.id for r in rows} == ACCEPTED
    done = run_cli("actions", "done", f"{DNS}/act-alert", "--sessions-dir", str(root))
    assert done.returncode == 0, done.stderr
    assert item(root, DNS, "act-alert").item_status == "done"


def test_text_output_names_every_field(root: Path) -> None:
    proc = run_cli("actions", "--owner", "Karen", "--sessions-dir", str(root))
    assert proc.returncode == 0, proc.stderr
    head, action, said = proc.stdout.strip().splitlines()
    assert head.split("  ") == [f"{WEBHOOK}/act-cap", "INC-42", "owner Karen", "due 2026-03-05 (Thursday)", "OVERDUE"]
    assert action.strip() == "Add a retry cap to the worker template"
    assert said.strip() == "00:30 Karen: \u201cKaren will add the retry cap to the template by Thursday\u201d"
    none = run_cli("actions", "--owner", "Nobody", "--sessions-dir", str(root))
    assert none.returncode == 0 and "No accepted action items" in none.stdout


def test_an_unreadable_session_is_a_warning_not_a_failure(root: Path) -> None:
    (root / CERT / "postmortem.json").write_text("{", encoding="utf-8")
    proc = run_cli("actions", "--json", "--sessions-dir", str(root))
    assert proc.returncode == 0
    document = json.loads(proc.stdout)
    assert ids(document) == ACCEPTED - {f"{CERT}/act-renew"}
    assert [s["session"] for s in document["skipped"]] == [CERT]
    assert f"skipped session {CERT}" in proc.stderr


def test_sessions_json(root: Path) -> None:
    proc = run_cli("sessions", "--json", "--sessions-dir", str(root))
    assert proc.returncode == 0, proc.stderr
    document = json.loads(proc.stdout)
    assert document["version"] == 1
    by_name = {s["name"]: s for s in document["sessions"]}
    assert set(by_name) == {WEBHOOK, DNS, CERT}
    assert by_name[DNS] == by_name[DNS] | {
        "state": "finalised", "segments": 5, "proposals": 4, "accepted": 2, "error": None, "duration_s": 48.0,
    }  # fmt: skip
    assert dt.datetime.fromisoformat(by_name[DNS]["created"]).tzinfo is not None
