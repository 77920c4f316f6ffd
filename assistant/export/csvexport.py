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

    Values are written whatever they contain (commas, quotes, newlines): csv.reader gives back the
    same strings, with one exception: a text cell (owner, action, due, quote) starting with a formula
    trigger gets a leading apostrophe (see `defuse`). Missing values are empty; `flags` is
    semicolon-joined; `start` and `end` are seconds from the start of the recording with millisecond
    precision.
    """
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(CSV_COLUMNS)
    for item in pm.action_items:
        if include_rejected or item.status is not ReviewStatus.REJECTED:
            writer.writerow(_row(item))
    return buf.getvalue()


FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
"""First characters that make Excel/LibreOffice/Sheets read a cell as a formula (OWASP "CSV Injection")."""


def defuse(value: str) -> str:
    """Neutralise spreadsheet formula injection the way OWASP advises: prefix a cell that starts with a
    trigger character with an apostrophe, which spreadsheets show as text and do not evaluate.

    The transcript is untrusted: someone saying "equals cmd pipe ..." can end up in an action item,
    and `=cmd|' /C calc'!A0` in a cell is run by spreadsheet software that opens the file. The
    apostrophe is visible in a plain-text reader; that is the price of a file that is safe to open.
    """
    return "'" + value if value.startswith(FORMULA_TRIGGERS) else value


def _seconds(value: float | None) -> str:
    return "" if value is None else f"{value:.3f}"


def _row(item: ActionItem) -> tuple[str, ...]:
    ev = item.evidence
    return (
        defuse(item.owner or ""),
        defuse(item.action),
        defuse(item.due or ""),
        item.due_date.isoformat() if item.due_date else "",
        item.item_status,
        item.status.value,
        ";".join(f.value for f in item.flags),
        _seconds(ev.start),
        _seconds(ev.end),
        defuse(ev.quote),
    )
