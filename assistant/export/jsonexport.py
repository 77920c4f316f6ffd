"""The postmortem as JSON: the complete machine-readable record, rejected items and review state included."""

from __future__ import annotations

from typing import Any

from assistant.domain.postmortem import Postmortem


def render_json(pm: Postmortem) -> str:
    """`pm` as indented JSON, newline-terminated.

    Stable for equal input (fields in model declaration order), so exports diff cleanly and golden
    tests hold; `Postmortem.model_validate_json` reads it back unchanged.
    """
    return pm.model_dump_json(indent=2) + "\n"


def postmortem_schema() -> dict[str, Any]:
    """JSON Schema of the exported document, for consumers that validate it."""
    return Postmortem.model_json_schema()
