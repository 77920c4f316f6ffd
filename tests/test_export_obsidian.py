"""Obsidian export: YAML front matter read back by a YAML parser (PyYAML's safe loader), and the note's
action items as Tasks-plugin task lines checked with a CommonMark parser (markdown-it-py): each item one
list item showing exactly the words said, hostile text included, with no tag, comment or markup of its own."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
import yaml
from markdown_it.token import Token

from assistant.domain.postmortem import ActionItem, Evidence, MeetingDetails, Postmortem, ReviewStatus
from assistant.export.markdown import SECTION_TITLES
from assistant.export.obsidian import obsidian_inline, obsidian_tag
from assistant.export.plaintext import one_line
from assistant.export.trackers import render_tracker_export
from assistant.session import Session
from assistant.session.commands import export_session
from tests.support.tracker_sessions import PEOPLE, hostile, tracker_session
from tests.test_export_markdown import MD, NASTY, rendered_text

# The Tasks plugin reads its fields from the end of the line: owner, then the due date, then tags.
TASK = re.compile(r"^- \[[ x]\] .+?( 👤 .+?)?( 📅 \d{4}-\d\d-\d\d)?( #needs-owner)?( #needs-due-date)?$")


def split_note(note: str) -> tuple[dict[str, object], str]:
    """(front matter as parsed by YAML, the Markdown body)."""
    assert note.startswith("---\n")
    matter, sep, body = note[4:].partition("\n---\n")
    assert sep, "front matter not closed"
    data = yaml.safe_load(matter)
    assert isinstance(data, dict)
    return data, body


def section_lines(body: str, title: str) -> list[str]:
    match = re.search(rf"^## {re.escape(title)}\n\n(.*?)(?=\n\n## |\Z)", body, flags=re.MULTILINE | re.DOTALL)
    assert match, title
    return match.group(1).splitlines()


def task_items(body: str) -> list[tuple[str, str]]:
    """Each top-level item of the action items list: (the text its task line shows, its sub-item's text)."""
    tokens = MD.parse("\n".join(section_lines(body, "Action items")))
    items: list[tuple[str, str]] = []
    depth = 0
    inlines: list[Token] = []
    for tok in tokens:
        if tok.type == "list_item_open":
            depth += 1
        elif tok.type == "list_item_close":
            depth -= 1
            if depth == 0:
                assert len(inlines) == 2, [t.content for t in inlines]
                items.append((rendered_text(inlines[0], allow_emphasis=True), rendered_text(inlines[1])))
                inlines = []
        elif tok.type == "inline":
            inlines.append(tok)
    return items


@pytest.fixture
def note(tmp_path: Path) -> tuple[str, str, Path]:
    """(the session's Obsidian note with proposed items, the session name, the hostile text's target)."""
    pwned = tmp_path / "pwned"
    root = tmp_path / "sessions"
    name = tracker_session(root, pwned)
    with Session.open(root, name, readonly=True) as s:
        return export_session(s, "obsidian", include_proposed=True, people=PEOPLE).text, name, pwned


def test_front_matter_is_yaml_with_the_postmortem_properties(note: tuple[str, str, Path]) -> None:
    text, name, _ = note
    data, body = split_note(text)
    assert data == {
        "date": dt.date(2026, 3, 4),
        "incident": "INC-42",
        "severity": "SEV2",
        "attendees": ["Karen", "Ben"],
        "tags": ["postmortem", "INC-42"],
        "type": "postmortem",
        "session": name,
    }
    assert body.startswith("\n# Postmortem: Webhook queue backlog\n")
    assert re.findall(r"^## (.+)$", body, flags=re.MULTILINE) == [*SECTION_TITLES, "Flags"]


def test_action_items_are_task_lines_with_owner_and_due_date(note: tuple[str, str, Path]) -> None:
    text, _, pwned = note
    _, body = split_note(text)
    lines = section_lines(body, "Action items")
    tasks = [line for line in lines if not line.startswith("    ")]
    assert all(TASK.match(line) for line in tasks), tasks
    assert tasks[0] == "- [ ] Add a retry cap to the worker template 👤 Karen 📅 2026-03-05"
    assert tasks[1] == "- [ ] Review the other workers #needs-owner #needs-due-date"
    assert "- [ ] Write the runbook entry for the queue alert *(proposed)* 👤 Ben 📅 2026-03-06" in tasks
    assert "- [x] Page the payments team 👤 Ben 📅 2026-03-06" in tasks  # done
    assert "- [ ] Load-test the worker 📅 2026-03-06 #needs-owner" in tasks
    assert not any("Tell Ben" in line for line in lines)  # rejected
    shown = dict(task_items(body))
    assert shown["[ ] Add a retry cap to the worker template 👤 Karen 📅 2026-03-05"] == (
        '[00:30, Karen] "Karen will add the retry cap to the template by Thursday"'
    )
    assert shown["[ ] Load-test the worker 📅 2026-03-06 #needs-owner"].endswith(" · owner as said: Dana and Ben")
    said = one_line(hostile(pwned))
    assert shown[f"[ ] {said} 👤 David #needs-due-date"] == f'[01:01, David] "{said}" · due as said: "soon"'


def test_without_proposed_only_accepted_tasks(tmp_path: Path) -> None:
    root = tmp_path / "sessions"
    name = tracker_session(root, tmp_path / "pwned")
    with Session.open(root, name, readonly=True) as s:
        _, body = split_note(export_session(s, "obsidian", people=PEOPLE).text)
    assert len(task_items(body)) == 5
    assert "Write the runbook entry" not in "\n".join(section_lines(body, "Action items"))


@pytest.mark.parametrize("text", [*NASTY, "ship it #now %%hidden%% [[Secret note]] ==mark==", "#tag", "100% done"])
def test_hostile_action_text_renders_as_said_in_one_task(text: str) -> None:
    pm = Postmortem(
        action_items=[
            ActionItem(id="a", action=text, owner=text, due=text, status=ReviewStatus.ACCEPTED,
                       evidence=Evidence(start=5.0, quote=text, speaker=text)),
        ]
    )  # fmt: skip
    _, body = split_note(render_tracker_export(pm, "obsidian", session="s").text)
    ((task, said),) = task_items(body)
    flat = one_line(text)
    assert task == f"[ ] {flat} 👤 {flat} #needs-due-date"
    assert said == f'[00:05, {flat}] "{flat}" · due as said: "{flat}"'
    # No tag and no comment of its own: `#` and `%` are written as entities in the note's source.
    line = next(line for line in section_lines(body, "Action items") if line.startswith("- ["))
    assert "%" not in line and "#" not in line.removesuffix(" #needs-due-date").replace("&#35;", "").replace(
        "&#37;", ""
    )


def test_hostile_meeting_details_stay_inside_their_yaml_values() -> None:
    nasty = "Lee: \"the boss\"\n---\n# not: a key\ntags: [pwned] 'quoted' {x: 1} &anchor *ref !!python/object"
    details = MeetingDetails(incident_id=nasty, severity=nasty, attendees=[nasty, "- Ben"], date=dt.date(2026, 1, 2))
    data, body = split_note(render_tracker_export(Postmortem(details=details), "obsidian", session=nasty).text)
    flat = one_line(nasty)
    assert data == {
        "date": dt.date(2026, 1, 2),
        "incident": flat,
        "severity": flat,
        "attendees": [flat, "- Ben"],
        "tags": ["postmortem", obsidian_tag(nasty)],
        "type": "postmortem",
        "session": flat,
    }
    assert body.startswith("\n# Postmortem: ")


def test_unknown_details_are_null_properties() -> None:
    data, _ = split_note(render_tracker_export(Postmortem(), "obsidian", session="s").text)
    assert data == {"date": None, "incident": None, "severity": None, "attendees": [], "tags": ["postmortem"],
                    "type": "postmortem", "session": "s"}  # fmt: skip


def test_tags_and_inline_escapes() -> None:
    assert obsidian_tag("INC 42 / east") == "INC-42-/-east"
    assert obsidian_tag("4711") == "incident-4711"  # an all-digit tag is not a tag in Obsidian
    assert obsidian_tag("  ") is None
    assert obsidian_inline("# fix #123 at 50%") == "&#35; fix &#35;123 at 50&#37;"
    assert obsidian_inline("a \ue000 b") == "a b"  # the placeholder itself cannot smuggle a `#` back
