"""Action items as JSON lines, one GitHub REST API issue each (`POST /repos/{owner}/{repo}/issues`).

GitHub issues have no due date: it is in the body (the tracker description's "Due:" line). Send each
line as is, e.g. `while IFS= read -r issue; do gh api repos/OWNER/REPO/issues --input - <<<"$issue"; done`.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from assistant.export.tracker import TrackerItem


def github_issue(item: TrackerItem) -> dict[str, object]:
    """The request body for one issue: `title`, `body`, `assignees` (logins), `labels`."""
    return {
        "title": item.title,
        "body": item.description,
        "assignees": [item.assignee] if item.assignee else [],
        "labels": list(item.labels),
    }


def render_github_json(items: Sequence[TrackerItem]) -> str:
    """One compact JSON object per line (JSON escapes newlines inside strings, so a line is one issue)."""
    return "".join(json.dumps(github_issue(i), ensure_ascii=False) + "\n" for i in items)
