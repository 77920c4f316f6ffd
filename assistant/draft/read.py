"""Reading a draft file (`prepare --draft`): the template's Markdown or our JSON export, whole or not at all."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import ValidationError

from assistant.domain.postmortem import DraftState, Evidence, Postmortem
from assistant.draft.read_markdown import DraftError, read_markdown


def as_draft(pm: Postmortem) -> Postmortem:
    """`pm`'s items marked as the draft's (origin `draft`, not compared yet). Evidence and the earlier
    comparison are dropped: they point into a recording that is not this session's."""
    for item in pm.all_items():
        item.origin = "draft"
        item.draft_state = DraftState.DRAFT
        item.evidence = Evidence()
        item.confirmed_by = None
        item.corrections = []
        item.flags = []
    pm.windows = []
    pm.details = pm.details.model_copy(update={"recording": None, "duration_s": None, "language": None})
    return pm


def read_json(text: str) -> Postmortem:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DraftError(f"not a draft postmortem: line {exc.lineno}: {exc.msg}") from None
    try:
        return Postmortem.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "the document"
        raise DraftError(f"not a draft postmortem (JSON export): {where}: {first['msg']}") from None


def read_draft(path: Path) -> Postmortem:
    """The draft in `path` (JSON when it is named *.json or starts with `{`, else Markdown), its items
    marked as the draft's. DraftError, naming the line, for anything else."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        line = exc.object[: exc.start].count(b"\n") + 1
        raise DraftError(f"not a draft postmortem: line {line}: not UTF-8 text") from None
    except OSError as exc:
        raise DraftError(f"cannot read the draft {path}: {exc.strerror or exc}") from None
    is_json = path.suffix.lower() == ".json" or text.lstrip().startswith("{")
    return as_draft(read_json(text) if is_json else read_markdown(text))
