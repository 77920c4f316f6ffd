"""Action items as a bash script of `gh issue create` commands, one per item.

Transcript text is untrusted and ends up in a shell script, so every value goes through `shlex.quote`:
inside single quotes bash expands nothing (`$(…)`, backticks, `$VAR`, `!`), and a quote in the text is
closed, escaped and reopened, so each argument reaches `gh` byte for byte. Nothing else is ever spliced
into the script unquoted, and comments get only one-line text, so no newline can end a comment early.
"""

from __future__ import annotations

import shlex
from collections.abc import Sequence

from assistant.export.plaintext import one_line
from assistant.export.tracker import TrackerItem

PREAMBLE = (
    "#!/usr/bin/env bash",
    "# GitHub issues for the action items of a postmortem, made by `assistant export --format github`.",
    "# Run it in a clone of the target repository (or with GH_REPO=OWNER/REPO) after `gh auth login`.",
)


def gh_issue_command(item: TrackerItem) -> list[str]:
    """The argv of the `gh issue create` for `item` (unquoted: what gh receives).

    `--flag=value` in one argument, so a value starting with `-` (every body does: it is a bullet list)
    can never be read as an option.
    """
    argv = ["gh", "issue", "create", f"--title={item.title}", f"--body={item.description}"]
    if item.assignee:
        argv.append(f"--assignee={item.assignee}")
    argv.extend(f"--label={name}" for name in item.labels)
    return argv


def render_gh_script(items: Sequence[TrackerItem], *, session: str) -> str:
    lines = [*PREAMBLE, f"# Session: {one_line(session)}", "set -euo pipefail", ""]
    labels = list(dict.fromkeys(name for item in items for name in item.labels))
    if labels:
        # `gh issue create --label X` fails when the repository has no label X. Creating one that already
        # exists fails too, harmlessly: that is the only failure ignored (an auth problem stops the next line).
        lines.append("# Labels must exist before an issue can carry them.")
        lines.extend(f"gh label create {shlex.quote(name)} 2>/dev/null || true" for name in labels)
        lines.append("")
    lines.extend(shlex.join(gh_issue_command(item)) for item in items)
    return "\n".join(lines) + "\n"
