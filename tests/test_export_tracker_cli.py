"""Tracker exports end to end: `assistant export` in a child process (the `[people]` table read from a real
config file, the unmapped owners' one stderr line, one-line errors), and the app's export dialog writing
the same bytes as the command."""

from __future__ import annotations

import csv
import dataclasses
import io
import stat
from pathlib import Path

import pytest
from textual.pilot import Pilot

from assistant.cli import main as cli_main
from assistant.config import load_settings
from assistant.errors import ConfigError
from assistant.session.commands import ExportFormat
from assistant.tui.app import PostmortemApp, StartReview, create_app
from assistant.tui.screens.export import FORMATS, ExportScreen
from assistant.tui.screens.review import ReviewScreen
from assistant.tui.scripted import scripted_services
from tests.support.cli import assert_one_error_line, run_cli
from tests.support.pilot import drive, until
from tests.support.tracker_sessions import tracker_session

NOTICE = "assistant: unmapped owners (add them under [people]): David, Ben"


@pytest.fixture
def sessions(tmp_path: Path) -> tuple[Path, str]:
    root = tmp_path / "sessions"
    return root, tracker_session(root, tmp_path / "pwned")


def config(tmp_path: Path, people: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(f"[people]\n{people}\n", encoding="utf-8")
    return path


def test_jira_with_proposed_items_and_the_unmapped_owners_line(sessions: tuple[Path, str], tmp_path: Path) -> None:
    root, name = sessions
    cfg = config(tmp_path, 'Karen = "karen@example.com"')
    proc = run_cli("export", name, "--format", "jira", "--include-proposed", "--sessions-dir", str(root),
                   "--config", str(cfg))  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    rows = list(csv.reader(io.StringIO(proc.stdout, newline="")))
    assert rows[0][:4] == ["Summary", "Description", "Assignee", "Due date"]
    assert len(rows) == 1 + 6  # five accepted, one proposed; the rejected one never
    assert {r[2] for r in rows[1:]} == {"karen@example.com", "", "David", "Ben"}
    assert proc.stderr.splitlines() == [NOTICE]


def test_everyone_mapped_prints_nothing_on_stderr(sessions: tuple[Path, str], tmp_path: Path) -> None:
    root, name = sessions
    cfg = config(tmp_path, 'Karen = "karen"\ndavid = "dvd"\n"Ben" = "ben-gh"')
    proc = run_cli("export", name, "--format", "github-json", "--sessions-dir", str(root), "--config", str(cfg))
    assert (proc.returncode, proc.stderr) == (0, "")
    assert '"assignees": ["dvd"]' in proc.stdout


def test_people_from_the_environment(sessions: tuple[Path, str], tmp_path: Path) -> None:
    root, name = sessions
    env = {"ASSISTANT_PEOPLE__DAVID": "david@example.com", "ASSISTANT_PEOPLE__BEN": "ben@example.com"}
    proc = run_cli("export", name, "--format", "linear", "--sessions-dir", str(root), env=env)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.splitlines() == ["assistant: unmapped owners (add them under [people]): Karen"]
    assert "david@example.com" in proc.stdout


def test_written_to_a_file_owner_only(sessions: tuple[Path, str], tmp_path: Path) -> None:
    root, name = sessions
    out = tmp_path / "issues.sh"
    proc = run_cli("export", name, "--format", "github", "-o", str(out), "--sessions-dir", str(root))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == f"Exported: {out}\n"
    assert proc.stderr.splitlines() == ["assistant: unmapped owners (add them under [people]): Karen, David, Ben"]
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert out.read_text(encoding="utf-8").startswith("#!/usr/bin/env bash\n")


def test_unknown_format_is_one_error_line(sessions: tuple[Path, str]) -> None:
    root, name = sessions
    proc = run_cli("export", name, "--format", "trello", "--sessions-dir", str(root))
    assert_one_error_line(proc, "unknown export format 'trello'", "jira", "github-json", exit_code=2)
    assert proc.stdout == ""


def test_missing_session_is_one_error_line(tmp_path: Path) -> None:
    proc = run_cli("export", "no-such-meeting", "--format", "jira", "--sessions-dir", str(tmp_path))
    assert_one_error_line(proc, "no-such-meeting")
    assert proc.stdout == ""


def test_people_must_map_names_to_strings(tmp_path: Path) -> None:
    assert load_settings(config(tmp_path, '"Lisa Chen" = "lisa@example.com"')).people == {
        "Lisa Chen": "lisa@example.com"
    }
    with pytest.raises(ConfigError, match=r"people\.David"):
        load_settings(config(tmp_path, "David = 3"))


def test_the_dialog_offers_every_tracker_format() -> None:
    assert [f for f, _, _ in FORMATS][3:] == ["jira", "linear", "github", "github-json", "obsidian"]


@pytest.mark.parametrize("fmt", ["jira", "obsidian"])
def test_app_export_writes_what_the_cli_exports(
    sessions: tuple[Path, str], tmp_path: Path, capsys: pytest.CaptureFixture[str], fmt: ExportFormat
) -> None:
    root, name = sessions
    people = {"Karen": "karen@example.com"}
    services = dataclasses.replace(scripted_services(root, export_dir=tmp_path), people=people)
    downs = ["down"] * [f for f, _, _ in FORMATS].index(fmt)

    async def scenario(app: PostmortemApp, pilot: Pilot[int]) -> None:
        await pilot.press("E")
        await until(pilot, lambda: isinstance(app.screen, ExportScreen))
        await pilot.press(*downs, "enter")
        await pilot.click("#export-proposed")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, ReviewScreen))

    drive(create_app(services, StartReview(name)), ReviewScreen, scenario)
    suffix = next(s for f, _, s in FORMATS if f == fmt)
    written = tmp_path / f"{name}{suffix}"
    assert stat.S_IMODE(written.stat().st_mode) == 0o600
    cfg = config(tmp_path, 'Karen = "karen@example.com"')
    capsys.readouterr()
    assert cli_main(["export", name, "--format", fmt, "--include-proposed", "--sessions-dir", str(root),
                     "--config", str(cfg)]) == 0  # fmt: skip
    out = capsys.readouterr()
    assert written.read_bytes() == out.out.encode("utf-8")
    assert out.err.splitlines() == [NOTICE]
    assert "Write the runbook entry for the queue alert" in out.out  # the proposed item: the box was ticked
