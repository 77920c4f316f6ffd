"""`assistant prepare SESSION --draft FILE`: the template's Markdown (as our export writes it) or our JSON
export read into a session whole, items marked as the draft's; the Markdown round trip export → prepare →
export is stable; a file that is not a draft is one error line naming its line, and nothing is saved."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from assistant.domain.postmortem import DraftState, Postmortem, ReviewStatus
from assistant.draft.read import read_draft
from assistant.draft.read_markdown import DraftError, read_markdown
from assistant.export.markdown import render_markdown
from assistant.session import Session
from tests.support.cli import assert_one_error_line, run_cli

ROOT = Path(__file__).resolve().parents[1]
DRAFT = ROOT / "fixtures" / "drafts" / "search-index" / "draft.md"
GOLDEN = ROOT / "tests" / "golden"


def test_the_fixture_draft_is_read_section_by_section() -> None:
    pm = read_draft(DRAFT)
    d = pm.details
    assert (d.title, d.facilitator, d.attendees) == ("search index outage", "Lisa", ["Lisa", "Tom", "Peter"])
    assert (d.date, d.incident_date, d.incident_id, d.severity) == (
        dt.date(2025, 3, 12), dt.date(2025, 3, 10), "INC-2077", "SEV-2",
    )  # fmt: skip
    assert d.planned_duration_min == 60 and d.recording is None
    assert [(t.time, t.event) for t in pm.timeline][:2] == [
        ("11:47", "New index schema deployed; search stops returning results"),
        ("12:16", "First alert fires"),
    ]
    assert pm.impact.duration is not None and pm.impact.duration.value == "99 minutes"
    assert pm.impact.revenue is None
    assert [w.answer for w in pm.root_cause.whys] == ["The new schema dropped the field every query filters on."]
    [action] = pm.action_items
    assert (action.owner, action.due) == ("Tom", "before Friday")
    assert action.action == "Add a schema check to the deploy pipeline"
    assert [t.text for t in pm.what_worked] == ["The rollback was quick once decided."] and not pm.what_didnt
    items = pm.all_items()
    assert items and all(i.origin == "draft" and i.draft_state is DraftState.DRAFT for i in items)
    assert all(i.status is ReviewStatus.ACCEPTED for i in items)  # the team wrote them; no marks
    assert len({i.id for i in items}) == len(items)


def test_an_export_read_back_keeps_the_words_and_the_review_status() -> None:
    """The rich golden export (escapes, evidence prefixes, flags, proposed marks) read as a draft."""
    pm = read_markdown((GOLDEN / "rich.postmortem.md").read_text(encoding="utf-8"))
    golden = Postmortem.model_validate_json((GOLDEN / "rich.postmortem.json").read_text(encoding="utf-8"))
    shown = [i for i in golden.all_items() if i.status is not ReviewStatus.REJECTED]
    assert [i.main_text() for i in pm.all_items()] == [i.main_text() for i in shown]
    assert [i.status for i in pm.all_items()] == [i.status for i in shown]
    kept = [a for a in golden.action_items if a.status is not ReviewStatus.REJECTED]
    assert [(a.owner, a.due, a.due_date, a.item_status) for a in pm.action_items] == [
        (a.owner, a.due, a.due_date, a.item_status) for a in kept
    ]
    # Read once, the document is a fixed point of render → read.
    once = render_markdown(pm)
    assert render_markdown(read_markdown(once)) == once


def test_prepare_then_export_then_prepare_again_exports_the_same(tmp_path: Path) -> None:
    root = str(tmp_path / "sessions")
    first = run_cli("prepare", "pm-1", "--draft", str(DRAFT), "--sessions-dir", root)
    assert first.returncode == 0, first.stderr
    assert "Prepared: pm-1 (4 timeline rows, 2 impact figures, 1 whys, 1 action items" in first.stdout
    exported = tmp_path / "pm-1.md"
    assert run_cli("export", "pm-1", "-o", str(exported), "--sessions-dir", root).returncode == 0
    md = exported.read_text(encoding="utf-8")
    assert "| 12:16 | First alert fires *(draft)* | — |" in md
    again = run_cli("prepare", "pm-2", "--draft", str(exported), "--sessions-dir", root)
    assert again.returncode == 0, again.stderr
    second = run_cli("export", "pm-2", "--sessions-dir", root)
    assert second.stdout == md
    # The JSON export round-trips too.
    as_json = tmp_path / "pm-2.json"
    assert run_cli("export", "pm-2", "--format", "json", "-o", str(as_json), "--sessions-dir", root).returncode == 0
    assert run_cli("prepare", "pm-3", "--draft", str(as_json), "--sessions-dir", root).returncode == 0
    assert run_cli("export", "pm-3", "--sessions-dir", root).stdout == md
    with Session.open(Path(root), "pm-3", readonly=True) as s:
        assert s.state == "finalised" and not s.transcript.segments
        assert all(i.origin == "draft" and not i.flags for i in s.postmortem.all_items())


BAD_DRAFTS = [
    ("notes.md", "Just some meeting notes.\n", "line 1: expected the title"),
    ("section.md", "# Postmortem: x\n\n## Timeline\n\n| Time | Event | Said at |\n|---|---|---|\n| 10:12 | ok | — |\n"
     "\n## Lessons\n\n- what?\n", "line 9: unknown section 'Lessons'"),
    ("table.md", "# Postmortem: x\n\n## Timeline\n\n- 10:12 deploy\n", "line 5: expected a table in 'Timeline'"),
    ("date.md", "# Postmortem: x\n\n## Meeting details\n\n- **Date:** next Monday\n",
     "line 5: 'next Monday' is not a date"),
    ("impact.md", "# Postmortem: x\n\n## Impact\n\n| Field | Value | Evidence |\n|---|---|---|\n| Mood | bad | — |\n",
     "line 7: unknown impact field 'Mood'"),
    ("broken.json", '{"timeline": [\n  {"id": 1,\n', "line 3"),
    ("wrong.json", '{"timeline": [{"event": "x"}]}', "timeline.0.id"),
    ("binary.md", "# Postmortem: x\n\n\udcff", "line 3: not UTF-8"),
]  # fmt: skip


@pytest.mark.parametrize(("name", "text", "needle"), BAD_DRAFTS, ids=[b[0] for b in BAD_DRAFTS])
def test_a_file_that_is_not_a_draft_is_one_error_line_and_saves_nothing(
    tmp_path: Path, name: str, text: str, needle: str
) -> None:
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8", "surrogateescape"))
    root = tmp_path / "sessions"
    proc = run_cli("prepare", "new", "--draft", str(path), "--sessions-dir", str(root))
    assert_one_error_line(proc, needle, exit_code=2)
    assert not (root / "new").exists()


def test_a_bad_draft_leaves_an_existing_prepared_session_as_it_was(tmp_path: Path) -> None:
    root = tmp_path / "sessions"
    assert run_cli("prepare", "s", "--draft", str(DRAFT), "--sessions-dir", str(root)).returncode == 0
    before = (root / "s" / "postmortem.json").read_bytes()
    bad = tmp_path / "bad.md"
    bad.write_text(DRAFT.read_text(encoding="utf-8").replace("| 13:26 |", "13:26 oops"), encoding="utf-8")
    assert_one_error_line(run_cli("prepare", "s", "--draft", str(bad), "--sessions-dir", str(root)), "line")
    assert (root / "s" / "postmortem.json").read_bytes() == before


def test_reading_errors_are_draft_errors() -> None:
    with pytest.raises(DraftError, match="line 1"):
        read_markdown("## Timeline\n")
