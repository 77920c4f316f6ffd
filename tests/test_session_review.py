"""A session under review: proposals merged with the checks run, review decisions, edits and undo.
The store itself (create/open/list, names, logs, locking): tests/test_session_store.py."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.domain.postmortem import ActionItem, Flag, Postmortem, ReviewStatus, TextItem, WindowStatus
from assistant.errors import SessionError
from assistant.session import Session
from assistant.session.reading import META_FILE, POSTMORTEM_FILE
from tests.support.session_data import details, proposals
from tests.support.sessions import recorded_session, reopen


@pytest.fixture
def session(tmp_path: Path) -> Iterator[Session]:
    with recorded_session(tmp_path / "sessions") as s:
        yield s


def test_merge_runs_checks_and_keeps_review_decisions(session: Session) -> None:
    session.merge_proposals(proposals())
    cap = session.postmortem.find("act-cap")
    review = session.postmortem.find("act-review")
    assert cap is not None and cap.flags == [] and cap.evidence.verified
    assert review is not None and Flag.NO_OWNER in review.flags
    session.set_status("act-cap", ReviewStatus.ACCEPTED)
    session.edit_item("dec-cap", text="Cap retries at 5 in the worker template")

    # A later window proposes the same items again, differently worded and with other values.
    again = proposals()
    again.action_items[0].owner = "Ben"
    again.action_items[0].due = "next month"
    again.action_items.append(ActionItem(id="act-new", action="Page the payments on-call on queue depth"))
    again.windows = [WindowStatus(index=0, start=0, end=50, ok=True)]
    session.merge_proposals(again)
    session = reopen(session)

    pm = session.postmortem
    assert [a.id for a in pm.action_items] == ["act-cap", "act-review", "act-new"]
    cap = pm.find("act-cap")
    assert isinstance(cap, ActionItem)
    assert (cap.status, cap.owner, cap.due) == (ReviewStatus.ACCEPTED, "Karen", "Thursday")
    dec = pm.find("dec-cap")
    assert isinstance(dec, TextItem) and dec.text == "Cap retries at 5 in the worker template" and dec.edited
    assert [w.index for w in pm.windows] == [0]
    # The caller's object is not absorbed into the session.
    assert again.action_items[0].owner == "Ben"


def test_retried_window_replaces_its_failure(session: Session) -> None:
    session.merge_proposals(Postmortem(windows=[WindowStatus(index=1, start=60, end=120, ok=False, error="timeout")]))
    session.merge_proposals(Postmortem(windows=[WindowStatus(index=0, start=0, end=60, ok=True)]))
    session.merge_proposals(Postmortem(windows=[WindowStatus(index=1, start=60, end=120, ok=True, attempts=2)]))
    assert [(w.index, w.ok) for w in reopen(session).postmortem.windows] == [(0, True), (1, True)]


def test_edit_reruns_checks_and_undo_restores(session: Session) -> None:
    session.merge_proposals(proposals())
    session.edit_item("act-review", owner="Ben", due="Friday")
    item = session.postmortem.find("act-review")
    assert isinstance(item, ActionItem)
    assert item.edited and item.owner == "Ben" and item.due_date == dt.date(2026, 3, 6)
    assert Flag.NO_OWNER not in item.flags and Flag.NO_DUE_DATE not in item.flags

    session = reopen(session)  # the edit is durable; the undo history is not
    assert not session.can_undo
    item = session.postmortem.find("act-review")
    assert isinstance(item, ActionItem) and item.owner == "Ben"

    session.edit_item("act-review", owner="the team")
    item = session.postmortem.find("act-review")
    assert isinstance(item, ActionItem) and Flag.GROUP_OWNER in item.flags
    assert session.undo() == ["act-review"]
    item = session.postmortem.find("act-review")
    assert isinstance(item, ActionItem) and item.owner == "Ben" and Flag.GROUP_OWNER not in item.flags
    assert session.undo() == []  # nothing left in this process's history


def test_undo_order_and_persistence(session: Session) -> None:
    session.merge_proposals(proposals())
    session.set_status("act-cap", ReviewStatus.ACCEPTED)
    session.set_status("dec-cap", ReviewStatus.REJECTED)
    session.set_status("dec-cap", ReviewStatus.REJECTED)  # no change: not an undo step
    session.edit_item("act-cap", action="Add a retry cap of 5 to the template")

    assert session.undo() == ["act-cap"]
    cap = session.postmortem.find("act-cap")
    assert cap is not None and cap.main_text() == "Add a retry cap to the worker template" and not cap.edited
    assert cap.status is ReviewStatus.ACCEPTED
    assert session.undo() == ["dec-cap"]
    assert session.undo() == ["act-cap"]
    assert not session.can_undo

    on_disk = Postmortem.model_validate_json((session.path / POSTMORTEM_FILE).read_bytes())
    assert {i.id: i.status for i in on_disk.all_items()} == {
        "act-cap": ReviewStatus.PROPOSED,
        "act-review": ReviewStatus.PROPOSED,
        "dec-cap": ReviewStatus.PROPOSED,
    }


def test_undo_after_a_merge_keeps_the_new_proposals(session: Session) -> None:
    session.merge_proposals(proposals())
    session.set_status("act-review", ReviewStatus.REJECTED)
    session.merge_proposals(Postmortem(decisions=[TextItem(id="dec-new", text="Alert on queue depth above 10k")]))
    assert session.undo() == ["act-review"]
    review = session.postmortem.find("act-review")
    assert review is not None and review.status is ReviewStatus.PROPOSED
    assert session.postmortem.find("dec-new") is not None


def test_bulk_accept_unflagged_is_one_undo_step(session: Session) -> None:
    session.merge_proposals(proposals())
    assert session.bulk_accept_unflagged() == 2  # act-cap and dec-cap; act-review has no owner
    statuses = {i.id: i.status for i in reopen(session).postmortem.all_items()}
    assert statuses == {
        "act-cap": ReviewStatus.ACCEPTED,
        "act-review": ReviewStatus.PROPOSED,
        "dec-cap": ReviewStatus.ACCEPTED,
    }


def test_bulk_accept_undo(session: Session) -> None:
    session.merge_proposals(proposals())
    session.set_status("dec-cap", ReviewStatus.REJECTED)
    assert session.bulk_accept_unflagged() == 1
    assert session.bulk_accept_unflagged() == 0
    assert session.undo() == ["act-cap"]
    assert {i.id: i.status for i in session.postmortem.all_items()}["dec-cap"] is ReviewStatus.REJECTED


def test_bad_edits(session: Session) -> None:
    session.merge_proposals(proposals())
    with pytest.raises(TypeError, match="cannot edit status"):
        session.edit_item("act-cap", status=ReviewStatus.ACCEPTED)
    with pytest.raises(TypeError, match="cannot edit text of ActionItem"):
        session.edit_item("act-cap", text="x")
    with pytest.raises(SessionError, match="Invalid value for due_date"):
        session.edit_item("act-cap", due_date="the 5th")
    with pytest.raises(SessionError, match="No item 'nope'"):
        session.set_status("nope", ReviewStatus.ACCEPTED)
    cap = session.postmortem.find("act-cap")
    assert cap is not None and not cap.edited
    assert not session.can_undo


def test_update_details_rechecks_owners(session: Session) -> None:
    session.merge_proposals(proposals())
    session.edit_item("act-review", owner="Dana")
    review = session.postmortem.find("act-review")
    assert review is not None and Flag.OWNER_NOT_IN_MEETING in review.flags

    session.update_details(details(attendees=["Karen", "Ben", "Dana"]))
    session = reopen(session)
    review = session.postmortem.find("act-review")
    assert review is not None and Flag.OWNER_NOT_IN_MEETING not in review.flags
    assert session.details.attendees == ["Karen", "Ben", "Dana"]
    assert session.postmortem.details.attendees == ["Karen", "Ben", "Dana"]


def test_details_in_session_json_win_after_a_crash_between_writes(session: Session) -> None:
    session.close()
    meta_path = session.path / META_FILE
    meta = json.loads(meta_path.read_text())
    meta["details"]["title"] = "written just before the crash"
    meta_path.write_text(json.dumps(meta))
    with Session.open(session.path.parent, session.name, readonly=True) as s:
        assert s.postmortem.details.title == "written just before the crash"
