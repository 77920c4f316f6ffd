"""Action items as a CSV that Jira's CSV importer maps by itself: its own field names as the header.

Jira takes several labels as several columns all headed `Labels` (its documented form for multi-value
fields; its own CSV export writes them the same way), so there are as many as the most-labelled item
needs. Dates are ISO (YYYY-MM-DD): choose `yyyy-MM-dd` as the date format in the import wizard.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence

from assistant.export.csvexport import defuse
from assistant.export.tracker import TrackerItem

LEADING_COLUMNS = ("Summary", "Description", "Assignee", "Due date")
LABELS_COLUMN = "Labels"
PRIORITY_COLUMN = "Priority"

DEFAULT_PRIORITY = "Medium"
# Jira's default priority scheme, from the incident's severity number: the follow-ups of a SEV1 matter
# more than a SEV3's. A severity without a number (or none) gets Jira's own default, Medium.
_PRIORITY_BY_LEVEL = {0: "Highest", 1: "High", 2: "Medium", 3: "Low"}
_LEVEL = re.compile(r"\d+")


def jira_priority(severity: str | None) -> str:
    """ "SEV1" / "P1" / "1" -> "High"; 0 Highest, 2 Medium, 3 Low, 4 and up Lowest; no number: Medium."""
    match = _LEVEL.search(severity or "")
    if match is None:
        return DEFAULT_PRIORITY
    return _PRIORITY_BY_LEVEL.get(int(match.group()), "Lowest")


def jira_header(label_columns: int) -> tuple[str, ...]:
    return (*LEADING_COLUMNS, *([LABELS_COLUMN] * label_columns), PRIORITY_COLUMN)


def render_jira_csv(items: Sequence[TrackerItem], *, severity: str | None = None) -> str:
    """One row per item under `jira_header`; RFC 4180 quoting, CRLF line ends, formula triggers defused."""
    label_columns = max((len(i.labels) for i in items), default=1) or 1
    priority = jira_priority(severity)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(jira_header(label_columns))
    for item in items:
        labels = [defuse(x) for x in item.labels] + [""] * (label_columns - len(item.labels))
        writer.writerow(
            (
                defuse(item.title),
                defuse(item.description),
                defuse(item.assignee or ""),
                item.due or "",
                *labels,
                priority,
            )
        )
    return buf.getvalue()
