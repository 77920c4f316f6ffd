"""`assistant sessions` and `assistant export`: session commands (cli.py registers them)."""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Literal, assert_never

from assistant.errors import ConfigError
from assistant.export import (
    ExportError,
    atomic_write_text,
    render_action_items_csv,
    render_json,
    render_markdown,
    render_transcript,
)
from assistant.export.clock import meeting_clock
from assistant.export.plaintext import one_line
from assistant.export.trackers import (
    TRACKER_FORMATS,
    TrackerExport,
    TrackerFormat,
    render_tracker_export,
    unmapped_notice,
)
from assistant.session.files import PRIVATE_FILE
from assistant.session.listing import SessionInfo, list_sessions
from assistant.session.store import Session

DocumentFormat = Literal["md", "json", "csv", "txt", "srt", "vtt"]
ExportFormat = DocumentFormat | TrackerFormat
EXPORT_FORMATS: tuple[ExportFormat, ...] = ("md", "json", "csv", "txt", "srt", "vtt", *TRACKER_FORMATS)


def export_format(value: str) -> ExportFormat:
    """`value` as an export format. The command line checks it here rather than with argparse `choices`,
    so a wrong format is one `assistant: error:` line like every other error, not a usage screen."""
    for fmt in EXPORT_FORMATS:
        if value == fmt:
            return fmt
    raise ConfigError(f"unknown export format {value!r}: use one of {', '.join(EXPORT_FORMATS)}")


TABLE_HEADER = ("NAME", "CREATED", "STATE", "DURATION", "SEGMENTS", "PROPOSALS", "ACCEPTED")
_RIGHT_ALIGNED = frozenset({"DURATION", "SEGMENTS", "PROPOSALS", "ACCEPTED"})


def render_sessions_table(infos: Sequence[SessionInfo]) -> str:
    """A plain-text table, one session a row, columns TABLE_HEADER."""
    rows = [TABLE_HEADER, *(_row(i) for i in infos)]
    widths = [max(len(row[col]) for row in rows) for col in range(len(TABLE_HEADER))]
    lines = []
    for row in rows:
        cells = [
            cell.rjust(width) if title in _RIGHT_ALIGNED else cell.ljust(width)
            for cell, width, title in zip(row, widths, TABLE_HEADER, strict=True)
        ]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines) + "\n"


def _row(info: SessionInfo) -> tuple[str, ...]:
    corrupt = info.state == "corrupt"
    return (
        # Folder names may hold anything when not made by us; keep the table one line per session.
        one_line(info.name) or "?",
        info.created.astimezone().strftime("%Y-%m-%d %H:%M"),
        info.state,
        meeting_clock(info.duration) if info.duration is not None else "-",
        "-" if corrupt else str(info.segments),
        "-" if corrupt else str(info.proposals),
        "-" if corrupt else str(info.accepted),
    )


def export_session(
    session: Session,
    fmt: ExportFormat,
    *,
    include_rejected: bool = False,
    include_proposed: bool = False,
    people: Mapping[str, str] | None = None,
) -> TrackerExport:
    """`fmt` of the session, with the owners a tracker format assigned by name for want of a `[people]`
    entry. `include_rejected` applies to md and csv, `include_proposed` and `people` to tracker formats."""
    match fmt:
        case "jira" | "linear" | "github" | "github-json" | "obsidian":
            return render_tracker_export(
                session.postmortem, fmt, session=session.name, people=people, include_proposed=include_proposed
            )
        case _:
            return TrackerExport(render_session_export(session, fmt, include_rejected=include_rejected), ())


def render_session_export(session: Session, fmt: DocumentFormat, *, include_rejected: bool = False) -> str:
    """The session's postmortem (md, json, csv = action items) or transcript (txt, srt, vtt)."""
    match fmt:
        case "md":
            return render_markdown(session.postmortem, include_rejected=include_rejected)
        case "json":
            # The full record: rejected items included whatever `include_rejected` says.
            return render_json(session.postmortem)
        case "csv":
            return render_action_items_csv(session.postmortem, include_rejected=include_rejected)
        case "txt" | "srt" | "vtt":
            return render_transcript(session.named_transcript, fmt)
        case _:
            assert_never(fmt)


def run_sessions(root: Path) -> int:
    infos = list_sessions(root)
    if not infos:
        print(f"No sessions in {root}.")
        return 0
    sys.stdout.write(render_sessions_table(infos))
    for info in infos:
        if info.error:
            print(f"assistant: warning: {one_line(info.name)}: {info.error}", file=sys.stderr)
    return 0


def run_export(
    root: Path,
    name: str,
    fmt: ExportFormat,
    output: Path | None,
    *,
    include_rejected: bool = False,
    include_proposed: bool = False,
    people: Mapping[str, str] | None = None,
) -> int:
    # Read-only: exporting works while the session is being recorded or reviewed elsewhere.
    with Session.open(root, name, readonly=True) as session:
        result = export_session(
            session, fmt, include_rejected=include_rejected, include_proposed=include_proposed, people=people
        )
    text = result.text
    if notice := unmapped_notice(result.unmapped):
        # One line on stderr, so stdout stays the export alone (it is often piped into a file or `bash`).
        print(f"assistant: {notice}", file=sys.stderr)
    if output is None:
        sys.stdout.write(text)
        return 0
    try:
        # Owner-only like the session it comes from: incident notes are often confidential.
        atomic_write_text(output, text, mode=PRIVATE_FILE)
    except OSError as exc:
        raise ExportError(f"Cannot write {output}: {exc.strerror or exc}") from exc
    print(f"Exported: {output}")
    return 0
