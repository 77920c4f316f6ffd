"""GitHub exports: the `gh issue create` script is checked by `bash -n` and then run for real, with a fake `gh`
on PATH that logs its argv as JSON lines, so every argument is shown to arrive byte for byte and hostile
transcript text (`$(…)`, backticks, quotes, newlines) to stay inert; the JSON lines are read by `json`."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.domain.postmortem import ActionItem, Evidence, MeetingDetails, Postmortem, ReviewStatus
from assistant.export.github_script import gh_issue_command
from assistant.export.plaintext import one_line
from assistant.export.tracker import TrackerItem, tracker_items
from assistant.export.trackers import render_tracker_export
from assistant.session import Session
from assistant.session.commands import export_session
from tests.support.tracker_sessions import PEOPLE, hostile, tracker_session

BASH = shutil.which("bash")
pytestmark = pytest.mark.skipif(BASH is None, reason="needs bash")

FAKE_GH = """#!{python}
# A stand-in for the GitHub CLI: appends its arguments as one JSON line to $GH_LOG, and fails the
# subcommand named in $GH_FAIL (to see what the script does when gh fails).
import json, os, sys
with open(os.environ["GH_LOG"], "a", encoding="utf-8") as log:
    log.write(json.dumps(sys.argv[1:]) + "\\n")
sys.exit(1 if sys.argv[1:2] == [os.environ.get("GH_FAIL")] else 0)
"""


@pytest.fixture
def exported(tmp_path: Path) -> Iterator[tuple[Session, Path]]:
    """The tracker session (read-only) and the file its hostile text would create if it ever ran."""
    pwned = tmp_path / "pwned"
    root = tmp_path / "sessions"
    name = tracker_session(root, pwned)
    session = Session.open(root, name, readonly=True)
    yield session, pwned
    session.close()


def items_of(session: Session, *, include_proposed: bool = False) -> list[TrackerItem]:
    return tracker_items(session.postmortem, session=session.name, people=PEOPLE, include_proposed=include_proposed)


Run = tuple[subprocess.CompletedProcess[str], list[list[str]]]


def run_script(script: str, tmp_path: Path, *, fail: str = "") -> Run:
    """Run the gh script with bash, the fake gh first on PATH; (the run, gh's argv per call)."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    gh = bin_dir / "gh"
    gh.write_text(FAKE_GH.format(python=sys.executable), encoding="utf-8")
    gh.chmod(0o755)
    path = tmp_path / "issues.sh"
    path.write_text(script, encoding="utf-8")
    log = tmp_path / "gh.jsonl"
    log.unlink(missing_ok=True)
    env = {"PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}", "GH_LOG": str(log), "GH_FAIL": fail,
           "HOME": str(tmp_path)}  # fmt: skip
    proc = subprocess.run(
        [str(BASH), str(path)], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60, check=False
    )
    calls = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()] if log.exists() else []
    return proc, calls


def test_script_starts_as_a_strict_bash_script_and_parses(exported: tuple[Session, Path], tmp_path: Path) -> None:
    session, _ = exported
    script = export_session(session, "github", people=PEOPLE).text
    lines = script.splitlines()
    assert lines[0] == "#!/usr/bin/env bash"
    assert "set -euo pipefail" in lines
    # Every line before `set` is a comment: nothing runs without strict mode.
    assert all(line.startswith("#") for line in lines[: lines.index("set -euo pipefail")])
    path = tmp_path / "issues.sh"
    path.write_text(script, encoding="utf-8")
    check = subprocess.run([str(BASH), "-n", str(path)], capture_output=True, text=True, timeout=30, check=False)
    assert check.returncode == 0, check.stderr


def test_every_argument_reaches_gh_byte_for_byte(exported: tuple[Session, Path], tmp_path: Path) -> None:
    session, pwned = exported
    items = items_of(session, include_proposed=True)
    proc, calls = run_script(export_session(session, "github", include_proposed=True, people=PEOPLE).text, tmp_path)
    assert proc.returncode == 0, proc.stderr
    labels = ["postmortem", "INC-42", "needs-owner", "needs-due-date"]
    assert calls == [["label", "create", name] for name in labels] + [gh_issue_command(i)[1:] for i in items]
    assert not pwned.exists()  # neither $(touch …) nor `touch …` ran

    said = one_line(hostile(pwned))
    by_title = {call[2].removeprefix("--title="): call for call in calls[len(labels) :]}
    call = by_title[said]  # no apostrophe here: a formula prefix only matters in a spreadsheet
    body = call[3].removeprefix("--body=")
    assert f'- Said at 01:01 in the meeting by David: "{said}"' in body.splitlines()
    for needle in (f"$(touch {pwned})", f"`touch {pwned}`", '"retry" flag\'s', "$HOME !! \\ end"):
        assert needle in said and needle in body
    assert call[4:] == ["--assignee=David", "--label=postmortem", "--label=INC-42", "--label=needs-due-date"]
    cap = by_title["Add a retry cap to the worker template"]
    assert cap[4:] == ["--assignee=karen@example.com", "--label=postmortem", "--label=INC-42"]
    # No single owner: no --assignee at all.
    assert not any(a.startswith("--assignee") for a in by_title["Load-test the worker"])


def test_newlines_and_quotes_inside_a_value_stay_in_that_value(tmp_path: Path) -> None:
    # The description is several lines, and each piece of text in it may hold any quote: one argument still.
    pm = Postmortem(
        details=MeetingDetails(incident_id="INC'1\"; rm -rf ~"),
        action_items=[
            ActionItem(id="a", action="-n 'x'", owner="O'Brien", status=ReviewStatus.ACCEPTED,
                       evidence=Evidence(start=1.0, quote="it's \"fine\"\n$(id)")),
        ],
    )  # fmt: skip
    (item,) = tracker_items(pm, session="s'; echo")
    proc, calls = run_script(render_tracker_export(pm, "github", session="s'; echo").text, tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert calls[-1] == gh_issue_command(item)[1:]
    assert calls[-1][2] == "--title=-n 'x'"
    assert calls[-1][4] == "--assignee=O'Brien"
    assert "--label=INC'1\";-rm--rf-~" in calls[-1]
    assert len(item.description.splitlines()) > 3


def test_a_label_that_already_exists_is_fine_a_failed_issue_stops_the_script(
    exported: tuple[Session, Path], tmp_path: Path
) -> None:
    session, _ = exported
    script = export_session(session, "github", people=PEOPLE).text
    proc, calls = run_script(script, tmp_path, fail="label")
    assert proc.returncode == 0, proc.stderr
    assert [c[0] for c in calls].count("issue") == len(items_of(session))
    # set -e: after the first failed issue nothing else is created, and the script says it failed.
    proc, calls = run_script(script, tmp_path, fail="issue")
    assert proc.returncode != 0
    assert [c[0] for c in calls].count("issue") == 1


def test_no_items_creates_nothing(tmp_path: Path) -> None:
    proc, calls = run_script(render_tracker_export(Postmortem(), "github", session="s").text, tmp_path)
    assert (proc.returncode, calls) == (0, [])


def test_github_json_lines_are_api_request_bodies(exported: tuple[Session, Path]) -> None:
    session, pwned = exported
    text = export_session(session, "github-json", people=PEOPLE).text
    assert text.endswith("\n")
    issues = [json.loads(line) for line in text.splitlines()]
    items = items_of(session)
    assert len(issues) == len(items)
    assert all(list(issue) == ["title", "body", "assignees", "labels"] for issue in issues)
    by_title = {issue["title"]: issue for issue in issues}
    cap = by_title["Add a retry cap to the worker template"]
    assert cap["assignees"] == ["karen@example.com"]
    assert cap["labels"] == ["postmortem", "INC-42"]
    # GitHub issues have no due date field: it is in the body.
    assert '- Due: 2026-03-05 (said: "Thursday")' in cap["body"].splitlines()
    assert by_title["Review the other workers"]["assignees"] == []
    assert by_title["Review the other workers"]["labels"][2:] == ["needs-owner", "needs-due-date"]
    said = one_line(hostile(pwned))
    assert by_title[said]["assignees"] == ["David"]
    assert f'"{said}"' in by_title[said]["body"]
    assert [issue["body"] for issue in issues] == [i.description for i in items]
