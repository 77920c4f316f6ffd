"""Tracker exports as CSV (Jira, Linear), read back with the csv module: which items go out (accepted, and
proposed only when asked; rejected never), assignees through `[people]`, labels, due dates, the quote with
its time, incident and session in the description, and hostile transcript text kept as said but defused."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from assistant.domain.postmortem import ActionItem, Evidence, Flag, MeetingDetails, Postmortem, ReviewStatus
from assistant.export.csvexport import FORMULA_TRIGGERS
from assistant.export.jira import jira_header, jira_priority
from assistant.export.linear import LINEAR_COLUMNS
from assistant.export.plaintext import one_line
from assistant.export.tracker import TITLE_LIMIT, label, tracker_items, unmapped_owners
from assistant.export.trackers import TrackerExport, TrackerFormat, render_tracker_export
from assistant.session import Session
from assistant.session.commands import export_session
from tests.support.tracker_sessions import PEOPLE, hostile, tracker_session

ACCEPTED = [
    "Add a retry cap to the worker template",
    "Review the other workers",
    one_line(hostile(Path("PWNED"))),
    "Page the payments team",
    "Load-test the worker",
]


@pytest.fixture
def session(tmp_path: Path) -> tuple[Path, str, Path]:
    """(sessions root, session name, the file the hostile text would create if it ran)."""
    pwned = tmp_path / "pwned"
    root = tmp_path / "sessions"
    return root, tracker_session(root, pwned), pwned


def export(session: tuple[Path, str, Path], fmt: TrackerFormat, *, include_proposed: bool = False) -> TrackerExport:
    root, name, _ = session
    with Session.open(root, name, readonly=True) as s:
        return export_session(s, fmt, include_proposed=include_proposed, people=PEOPLE)


def rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def by_title(table: list[list[str]]) -> dict[str, list[str]]:
    return {row[0].removeprefix("'"): row for row in table[1:]}


def titles_of(pwned: Path) -> list[str]:
    return [one_line(hostile(pwned)) if t.startswith("=SUM") else t for t in ACCEPTED]


def test_jira_holds_the_accepted_items_in_order_with_its_own_column_names(session: tuple[Path, str, Path]) -> None:
    table = rows(export(session, "jira").text)
    # Four labels at most (postmortem, the incident, needs-owner, needs-due-date): four Labels columns.
    assert table[0] == list(jira_header(4)) == [
        "Summary", "Description", "Assignee", "Due date", "Labels", "Labels", "Labels", "Labels", "Priority"
    ]  # fmt: skip
    assert [r[0].removeprefix("'") for r in table[1:]] == titles_of(session[2])
    assert all(len(r) == len(table[0]) for r in table)


def test_proposed_items_only_when_asked_and_rejected_never(session: tuple[Path, str, Path]) -> None:
    plain = by_title(rows(export(session, "jira").text))
    with_proposed = by_title(rows(export(session, "jira", include_proposed=True).text))
    runbook = "Write the runbook entry for the queue alert"
    assert runbook not in plain
    assert set(with_proposed) == set(plain) | {runbook}
    assert "- Review: proposed by the assistant, not yet accepted" in with_proposed[runbook][1]
    assert "Tell Ben to be careful" not in with_proposed  # rejected


def test_jira_cells_owner_due_labels_priority(session: tuple[Path, str, Path]) -> None:
    table = by_title(rows(export(session, "jira", include_proposed=True).text))
    name = session[1]
    cap = table["Add a retry cap to the worker template"]
    assert cap[2:] == ["karen@example.com", "2026-03-05", "postmortem", "INC-42", "", "", "Medium"]  # SEV2
    assert cap[1].splitlines() == [
        "Action item from a postmortem meeting.",
        "",
        "- Owner: Karen (karen@example.com)",
        '- Due: 2026-03-05 (said: "Thursday")',
        '- Said at 00:30 in the meeting by Karen: "Karen will add the retry cap to the template by Thursday"',
        "- Incident: INC-42 (SEV2)",
        f"- Session: {name}",
    ]
    review = table["Review the other workers"]
    assert review[2:] == ["", "", "postmortem", "INC-42", "needs-owner", "needs-due-date", "Medium"]
    assert "- Owner: needs exactly one named owner" in review[1].splitlines()
    assert "- Flags: no_owner, no_due_date" in review[1].splitlines()
    # Two people named: nobody is assigned, the names stay in the description.
    pair = table["Load-test the worker"]
    assert pair[2:4] == ["", "2026-03-06"]
    assert pair[4:8] == ["postmortem", "INC-42", "needs-owner", ""]
    assert '- Owner: needs exactly one named owner (said: "Dana and Ben")' in pair[1]
    # Unmapped owners keep their name as the assignee.
    assert table["Page the payments team"][2] == "Ben"


def test_a_spoken_due_date_that_is_no_date_stays_in_the_description(session: tuple[Path, str, Path]) -> None:
    hostile_row = by_title(rows(export(session, "jira").text))[one_line(hostile(session[2]))]
    assert hostile_row[2:4] == ["David", ""]
    assert hostile_row[4:8] == ["postmortem", "INC-42", "needs-due-date", ""]
    assert '- Due: "soon" (not a calendar date)' in hostile_row[1].splitlines()


def test_hostile_text_is_kept_as_said_and_no_cell_starts_a_formula(session: tuple[Path, str, Path]) -> None:
    said = one_line(hostile(session[2]))
    for fmt in ("jira", "linear"):
        table = rows(export(session, fmt, include_proposed=True).text)
        for row in table:
            for cell in row:
                assert not cell.startswith(FORMULA_TRIGGERS), (fmt, cell)
        row = next(r for r in table if r[0].startswith("'=SUM"))
        # The formula trigger gets the existing CSV export's apostrophe; everything else is as said
        # (one line: the newline that was said is a space, as in every export).
        assert row[0] == "'" + said
        assert f'by David: "{said}"' in row[1]
        for needle in ('"retry" flag\'s', "$(touch", "`touch", "$HOME !! \\ end next line"):
            assert needle in row[0] and needle in row[1]
    assert not session[2].exists()


def test_linear_columns_and_labels_in_one_cell(session: tuple[Path, str, Path]) -> None:
    table = rows(export(session, "linear").text)
    assert table[0] == list(LINEAR_COLUMNS) == ["Title", "Description", "Assignee", "Due Date", "Labels"]
    linear = by_title(table)
    assert list(linear) == titles_of(session[2])
    cap = linear["Add a retry cap to the worker template"]
    assert cap[2:4] == ["karen@example.com", "2026-03-05"]
    assert cap[4].split(", ") == ["postmortem", "INC-42"]
    review = linear["Review the other workers"]
    assert review[4].split(", ") == ["postmortem", "INC-42", "needs-owner", "needs-due-date"]
    # Same description as Jira's: one tracker view for every format.
    jira = by_title(rows(export(session, "jira").text))
    assert all(linear[t][1] == jira[t][1] for t in linear)


def test_unmapped_owners_are_reported_once_each_in_order(session: tuple[Path, str, Path]) -> None:
    assert export(session, "jira").unmapped == ("David", "Ben")
    assert export(session, "linear", include_proposed=True).unmapped == ("David", "Ben")


def test_people_match_names_whatever_their_case_and_spacing() -> None:
    pm = Postmortem(
        action_items=[
            ActionItem(id="a", action="Fix it", owner="david", status=ReviewStatus.ACCEPTED),
            ActionItem(id="b", action="Fix that", owner="Lisa  Chen", status=ReviewStatus.ACCEPTED),
            ActionItem(id="c", action="And that", owner="Omar", status=ReviewStatus.ACCEPTED),
        ]
    )
    items = tracker_items(pm, session="s", people={"David": "dvd", " lisa chen ": "lisa@example.com", "Omar": " "})
    assert [(i.assignee, i.mapped) for i in items] == [("dvd", True), ("lisa@example.com", True), ("Omar", False)]
    assert unmapped_owners(items) == ["Omar"]  # an empty user maps nobody


def test_group_owner_is_no_assignee_and_no_unmapped_name() -> None:
    pm = Postmortem(
        action_items=[
            ActionItem(
                id="a", action="Fix it", owner="the team", flags=[Flag.GROUP_OWNER], status=ReviewStatus.ACCEPTED
            )
        ]
    )
    (item,) = tracker_items(pm, session="s")
    assert (item.assignee, item.labels) == (None, ("postmortem", "needs-owner", "needs-due-date"))
    assert unmapped_owners([item]) == []


def test_long_action_is_cut_in_the_title_and_whole_in_the_description() -> None:
    action = "Rewrite the retry logic " * 20
    pm = Postmortem(
        details=MeetingDetails(incident_id="INC 7, east", severity="SEV1"),
        action_items=[
            ActionItem(id="a", action=action, status=ReviewStatus.ACCEPTED, evidence=Evidence(start=3725.0, quote="ok"))
        ],
    )
    text = render_tracker_export(pm, "jira", session="s").text
    (row,) = by_title(rows(text)).values()
    assert len(row[0]) == TITLE_LIMIT and row[0].endswith("…")
    assert f"- Action: {one_line(action)}" in row[1].splitlines()
    assert '- Said at 1:02:05 in the meeting: "ok"' in row[1].splitlines()
    assert "- Incident: INC 7, east (SEV1)" in row[1].splitlines()
    assert row[4:6] == ["postmortem", "INC-7-east"]  # one token: Jira refuses spaces, Linear splits on commas
    assert row[-1] == "High"


@pytest.mark.parametrize(
    "severity, priority",
    [("SEV0", "Highest"), ("SEV1", "High"), ("sev-2", "Medium"), ("P3", "Low"), ("SEV4", "Lowest"),
     ("critical", "Medium"), (None, "Medium")],
)  # fmt: skip
def test_priority_follows_the_severity_number(severity: str | None, priority: str) -> None:
    assert jira_priority(severity) == priority


def test_labels_are_one_token_without_a_leading_dash() -> None:
    assert label("  INC 42,\nwest ") == "INC-42-west"
    assert label("-=cmd") == "=cmd"
    assert len(label("x" * 80)) == 50


def test_no_items_is_a_header_only_csv() -> None:
    assert rows(render_tracker_export(Postmortem(), "jira", session="s").text) == [list(jira_header(1))]
    assert rows(render_tracker_export(Postmortem(), "linear", session="s").text) == [list(LINEAR_COLUMNS)]
