"""Action-item CSV: fixed columns, and every value read back by csv.reader exactly as it went in."""

from __future__ import annotations

import csv
import datetime as dt
import io

from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.domain.postmortem import ActionItem, Evidence, Flag, Postmortem, ReviewStatus
from assistant.export.csvexport import CSV_COLUMNS, render_action_items_csv

NASTY = 'Lee, "the boss"\nChen | [/] [bold] `x` <script>alert(1)</script>\r\n=SUM(A1)'


def parse(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def test_header_and_row_values() -> None:
    pm = Postmortem(
        action_items=[
            ActionItem(
                id="a",
                action="Add CI check",
                owner="Lee",
                due="Friday",
                due_date=dt.date(2026, 3, 6),
                flags=[Flag.OWNER_UNCONFIRMED, Flag.VAGUE_DUE_DATE],
                evidence=Evidence(start=61.5, end=64.25, quote="I'll do it"),
            ),
            ActionItem(id="b", action="Fix alerts", status=ReviewStatus.ACCEPTED, item_status="done"),
        ]
    )
    rows = parse(render_action_items_csv(pm))
    assert rows[0] == list(CSV_COLUMNS) == [
        "owner", "action", "due", "due_date", "item_status", "review_status", "flags", "start", "end", "quote"
    ]  # fmt: skip
    assert rows[1] == [
        "Lee", "Add CI check", "Friday", "2026-03-06", "open", "proposed",
        "owner_unconfirmed;vague_due_date", "61.500", "64.250", "I'll do it",
    ]  # fmt: skip
    assert rows[2] == ["", "Fix alerts", "", "", "done", "accepted", "", "", "", ""]


def test_rejected_rows_only_when_asked() -> None:
    pm = Postmortem(action_items=[ActionItem(id="a", action="Blame Sam", status=ReviewStatus.REJECTED)])
    assert parse(render_action_items_csv(pm)) == [list(CSV_COLUMNS)]
    assert parse(render_action_items_csv(pm, include_rejected=True))[1][:2] == ["", "Blame Sam"]


def test_empty_postmortem_has_just_the_header() -> None:
    assert render_action_items_csv(Postmortem()) == ",".join(CSV_COLUMNS) + "\r\n"


def test_hostile_text_round_trips_unchanged() -> None:
    pm = Postmortem(
        action_items=[ActionItem(id="a", owner=NASTY, action=NASTY, due=NASTY, evidence=Evidence(quote=NASTY))]
    )
    row = parse(render_action_items_csv(pm))[1]
    assert len(row) == len(CSV_COLUMNS)
    assert row[0] == row[1] == row[2] == row[9] == NASTY


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(alphabet=st.characters(codec="utf-8")), min_size=1, max_size=3))
def test_any_text_round_trips(texts: list[str]) -> None:
    pm = Postmortem(
        action_items=[ActionItem(id=str(i), owner=t, action=t, evidence=Evidence(quote=t)) for i, t in enumerate(texts)]
    )
    rows = parse(render_action_items_csv(pm))[1:]
    assert [(r[0], r[1], r[9]) for r in rows] == [(t, t, t) for t in texts]
