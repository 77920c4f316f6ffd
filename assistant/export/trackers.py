"""Tracker exports of a postmortem's action items, by format name: the one entry point the command line
and the app use (`assistant export --format jira|linear|github|github-json|obsidian`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal, assert_never

from assistant.domain.postmortem import Postmortem
from assistant.export.github_json import render_github_json
from assistant.export.github_script import render_gh_script
from assistant.export.jira import render_jira_csv
from assistant.export.linear import render_linear_csv
from assistant.export.obsidian import render_obsidian
from assistant.export.tracker import tracker_items, unmapped_owners

TrackerFormat = Literal["jira", "linear", "github", "github-json", "obsidian"]
TRACKER_FORMATS: tuple[TrackerFormat, ...] = ("jira", "linear", "github", "github-json", "obsidian")


@dataclass(frozen=True)
class TrackerExport:
    text: str
    unmapped: tuple[str, ...]
    """Owners assigned by name because `[people]` has no entry for them (the caller tells the user)."""


def render_tracker_export(
    pm: Postmortem,
    fmt: TrackerFormat,
    *,
    session: str,
    people: Mapping[str, str] | None = None,
    include_proposed: bool = False,
) -> TrackerExport:
    """`pm`'s accepted action items (and proposed ones with `include_proposed`) in tracker format `fmt`."""
    items = tracker_items(pm, session=session, people=people, include_proposed=include_proposed)
    match fmt:
        case "jira":
            text = render_jira_csv(items, severity=pm.details.severity)
        case "linear":
            text = render_linear_csv(items)
        case "github":
            text = render_gh_script(items, session=session)
        case "github-json":
            text = render_github_json(items)
        case "obsidian":
            text = render_obsidian(pm, items, session=session)
        case _:
            assert_never(fmt)
    return TrackerExport(text, tuple(unmapped_owners(items)))


def unmapped_notice(unmapped: tuple[str, ...] | list[str]) -> str | None:
    """The one line that names the owners to add under `[people]`, or None when there are none."""
    if not unmapped:
        return None
    return f"unmapped owners (add them under [people]): {', '.join(unmapped)}"
