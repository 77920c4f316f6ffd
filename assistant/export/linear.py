"""Action items as a CSV for Linear's CSV import: its column names, labels comma-separated in one cell."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from assistant.export.csvexport import defuse
from assistant.export.tracker import TrackerItem

LINEAR_COLUMNS: tuple[str, ...] = ("Title", "Description", "Assignee", "Due Date", "Labels")


def render_linear_csv(items: Sequence[TrackerItem]) -> str:
    """One row per item under LINEAR_COLUMNS; RFC 4180 quoting, CRLF line ends, formula triggers defused.

    Labels never hold a comma (`tracker.label`), so the cell splits back into exactly the labels.
    """
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(LINEAR_COLUMNS)
    for item in items:
        writer.writerow(
            (
                defuse(item.title),
                defuse(item.description),
                defuse(item.assignee or ""),
                item.due or "",
                defuse(", ".join(item.labels)),
            )
        )
    return buf.getvalue()
