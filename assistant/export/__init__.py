"""Exports of a postmortem and its transcript: Markdown (the template), JSON, CSV, TXT/SRT/VTT.

Renderers are pure (model in, string out); `write_outputs` is the only function here that touches disk.
"""

from __future__ import annotations

from pathlib import Path

from assistant.domain.postmortem import Postmortem
from assistant.errors import AssistantError
from assistant.export.atomic import atomic_write_text
from assistant.export.csvexport import render_action_items_csv
from assistant.export.jsonexport import postmortem_schema, render_json
from assistant.export.markdown import render_markdown
from assistant.export.transcript import TranscriptFormat, render_transcript

__all__ = [
    "ExportError",
    "TranscriptFormat",
    "atomic_write_text",
    "postmortem_schema",
    "render_action_items_csv",
    "render_json",
    "render_markdown",
    "render_transcript",
    "write_outputs",
]


class ExportError(AssistantError):
    """An export file cannot be written (bad name, missing permission, full disk)."""

    exit_code = 5


def write_outputs(
    pm: Postmortem, out_dir: Path, stem: str, *, include_rejected: bool = False, private: bool = False
) -> dict[str, Path]:
    """Write `<stem>.postmortem.md`, `<stem>.postmortem.json` and `<stem>.action_items.csv` in `out_dir`.

    Returns the paths by kind: "markdown", "json", "csv". Each file is replaced atomically, so a crash
    leaves the previous version or the new one, never a truncated file. The JSON always holds every item
    (it is the full record); `include_rejected` applies to the Markdown and CSV. `out_dir` is created if
    missing. Raises ExportError.

    Permissions: `private=True` (exports inside a session folder) makes the files 0o600 and a created
    `out_dir` 0o700, like everything else in a session. Otherwise (a folder the user chose with
    `process -o`) the files are 0o644 and the folder follows the umask: the user picked the place,
    usually to share the draft.
    """
    # The stem comes from user input or a recording's name: it must not climb out of out_dir.
    if not stem or stem in {".", ".."} or "/" in stem or "\\" in stem or "\0" in stem:
        raise ExportError(f"Invalid export name {stem!r}: use a plain file name without slashes.")
    outputs = {
        "markdown": (
            out_dir / f"{stem}.postmortem.md",
            render_markdown(pm, include_rejected=include_rejected),
        ),
        "json": (out_dir / f"{stem}.postmortem.json", render_json(pm)),
        "csv": (
            out_dir / f"{stem}.action_items.csv",
            render_action_items_csv(pm, include_rejected=include_rejected),
        ),
    }
    try:
        if private and not out_dir.is_dir():
            out_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
            out_dir.chmod(0o700)  # mkdir's mode is filtered by the umask
        out_dir.mkdir(parents=True, exist_ok=True)
        for path, text in outputs.values():
            atomic_write_text(path, text, mode=0o600 if private else 0o644)
    except OSError as exc:
        raise ExportError(f"Cannot write exports to {out_dir}: {exc.strerror or exc}") from exc
    return {kind: path for kind, (path, _) in outputs.items()}
