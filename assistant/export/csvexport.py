"""Action items as CSV, for trackers and spreadsheets."""

from __future__ import annotations

import csv
import io

from assistant.domain.postmortem import ActionItem, Postmortem, ReviewStatus

CSV_COLUMNS: tuple[str, ...] = (
    "owner",
    "action",
    "due",
    "due_date",
    "item_status",
    "review_status",
    "flags",
    "start",
    "end",
    "quote",
)


def render_action_items_csv(pm: Postmortem, include_rejected: bool = False) -> str:
    """One row per action item under a header row (CSV_COLUMNS); RFC 4180 quoting and CRLF line ends.

    Values are written verbatim, whatever they contain (commas, quotes, newlines): csv.reader gives
    back exactly the same strings. Missing values are empty; `flags` is semicolon-joined; `start` and
    `end` are seconds from the start of the recording with millisecond precision.

    Values are not defused against spreadsheet formula injection (a cell starting with "=" or "+"):
    that would change them; open untrusted CSV in a spreadsheet with care.
    """
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(CSV_COLUMNS)
    for item in pm.action_items:
        if include_rejected or item.status is not ReviewStatus.REJECTED:
            writer.writerow(_row(item))
    return buf.getvalue()


def _seconds(value: float | None) -> str:
    return "" if value is None else f"{value:.3f}"


def _row(item: ActionItem) -> tuple[str, ...]:
    ev = item.evidence
    return (
        item.owner or "",
        item.action,
        item.due or "",
        item.due_date.isoformat() if item.due_date else "",
        item.item_status,
        item.status.value,
        ";".join(f.value for f in item.flags),
        _seconds(ev.start),
        _seconds(ev.end),
        ev.quote,
    )
