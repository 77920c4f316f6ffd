"""`assistant sessions` and `assistant export`, run as a user would: `python -m assistant` in a subprocess."""

from __future__ import annotations

import csv
import io
import json
import stat
from pathlib import Path

import pytest

from assistant.domain.postmortem import Postmortem, ReviewStatus
from assistant.session import Session
from tests.support.cli import run_cli
from tests.support.session_data import details, proposals, segments

NAME = "inc-42-review"


@pytest.fixture(scope="module")
def sessions_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("cli") / "sessions"
    with Session.create(root, details(), name=NAME) as s:
        s.add_segments(segments())
        s.merge_proposals(proposals())
        s.set_status("act-cap", ReviewStatus.ACCEPTED)
        s.set_status("act-review", ReviewStatus.REJECTED)
        s.mark_state("finalised")
    with Session.create(root, details(title="Empty one", incident_id="INC-7"), name="empty"):
        pass
    return root


def test_sessions_table(sessions_dir: Path) -> None:
    result = run_cli("sessions", "--sessions-dir", str(sessions_dir))
    assert result.returncode == 0, result.stderr
    header, *rows = result.stdout.splitlines()
    assert header.split() == ["NAME", "CREATED", "STATE", "DURATION", "SEGMENTS", "PROPOSALS", "ACCEPTED"]
    cells = {row.split()[0]: row.split() for row in rows}
    # name, date, time, state, duration, segments, proposals, accepted
    assert cells[NAME][3:] == ["finalised", "00:48", "5", "3", "1"]
    assert cells["empty"][3:] == ["interrupted", "-", "0", "0", "0"]
    assert result.stderr == ""


def test_sessions_dir_from_environment(sessions_dir: Path) -> None:
    result = run_cli("sessions", env={"ASSISTANT_STORAGE__SESSIONS_DIR": str(sessions_dir)})
    assert result.returncode == 0, result.stderr
    assert NAME in result.stdout and "empty" in result.stdout


def test_sessions_empty_and_corrupt(tmp_path: Path) -> None:
    result = run_cli("sessions", "--sessions-dir", str(tmp_path / "none-yet"))
    assert (result.returncode, result.stdout.strip()) == (0, f"No sessions in {tmp_path / 'none-yet'}.")

    (tmp_path / "broken").mkdir()
    result = run_cli("sessions", "--sessions-dir", str(tmp_path))
    assert result.returncode == 0
    assert "corrupt" in result.stdout.splitlines()[1]
    assert result.stderr.startswith("assistant: warning: broken: Session 'broken' is damaged")
    assert len(result.stderr.splitlines()) == 1


def test_export_markdown_to_stdout(sessions_dir: Path) -> None:
    result = run_cli("export", NAME, "--format", "md", "--sessions-dir", str(sessions_dir))
    assert result.returncode == 0, result.stderr
    md = result.stdout
    assert md.startswith("# Postmortem: Webhook queue backlog\n")
    assert "Add a retry cap to the worker template" in md
    assert "Review the other workers" not in md  # rejected
    with_rejected = run_cli("export", NAME, "--sessions-dir", str(sessions_dir), "--include-rejected").stdout
    assert "Review the other workers" in with_rejected


def test_export_json_is_the_full_record(sessions_dir: Path) -> None:
    result = run_cli("export", NAME, "--format", "json", "--sessions-dir", str(sessions_dir))
    assert result.returncode == 0, result.stderr
    pm = Postmortem.model_validate_json(result.stdout)
    assert {i.id: i.status for i in pm.all_items()} == {
        "act-cap": ReviewStatus.ACCEPTED,
        "act-review": ReviewStatus.REJECTED,
        "dec-cap": ReviewStatus.PROPOSED,
    }
    assert pm.details.incident_id == "INC-42"


def test_export_csv_to_file_is_owner_only(sessions_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "actions.csv"
    result = run_cli("export", NAME, "--format", "csv", "-o", str(out), "--sessions-dir", str(sessions_dir))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"Exported: {out}"
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    rows = list(csv.DictReader(io.StringIO(out.read_bytes().decode())))
    assert [(r["owner"], r["action"], r["review_status"]) for r in rows] == [
        ("Karen", "Add a retry cap to the worker template", "accepted")
    ]
    assert rows[0]["due_date"] == "2026-03-05"


@pytest.mark.parametrize(
    ("fmt", "expected"),
    [
        ("txt", "[00:00:30] Karen: Karen will add the retry cap to the template by Thursday."),
        ("srt", "00:00:30,000 --> 00:00:38,500\nKaren: Karen will add the retry cap"),
        ("vtt", "WEBVTT\n"),
    ],
)
def test_export_transcript_formats(sessions_dir: Path, fmt: str, expected: str) -> None:
    result = run_cli("export", NAME, "--format", fmt, "--sessions-dir", str(sessions_dir))
    assert result.returncode == 0, result.stderr
    assert expected in result.stdout
    assert result.stdout.count("the webhook queue started backing up") == 1


def test_export_while_another_process_owns_the_session(tmp_path: Path) -> None:
    with Session.create(tmp_path, details(), name="live") as s:
        s.add_segments(segments()[:2])
        result = run_cli("export", "live", "--format", "txt", "--sessions-dir", str(tmp_path))
        assert result.returncode == 0, result.stderr
        assert len(result.stdout.splitlines()) == 2
        listed = run_cli("sessions", "--sessions-dir", str(tmp_path)).stdout
        assert "recording" in listed


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["export", "nope"], "No session named 'nope'"),
        (["export", "../etc"], "Invalid session name '../etc'"),
        (["export", NAME, "-o", "/nonexistent-dir/x.md"], "Cannot write /nonexistent-dir/x.md"),
    ],
)
def test_errors_are_one_line_and_non_zero(sessions_dir: Path, args: list[str], message: str) -> None:
    result = run_cli(*args, "--sessions-dir", str(sessions_dir))
    assert result.returncode == 5
    assert result.stdout == ""
    assert result.stderr.startswith(f"assistant: error: {message}")
    assert len(result.stderr.splitlines()) == 1


def test_json_export_round_trips_session_file(sessions_dir: Path) -> None:
    # postmortem.json in the folder is itself the JSON export (one format to read, not two).
    exported = run_cli("export", NAME, "--format", "json", "--sessions-dir", str(sessions_dir)).stdout
    assert json.loads(exported) == json.loads((sessions_dir / NAME / "postmortem.json").read_text())
