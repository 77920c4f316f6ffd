"""Prompt templates are plain text files in `prompts/`, loaded at run time so they can be edited
without touching code. `$name` placeholders; a missing variable is an error before anything is sent."""

from __future__ import annotations

import string
from pathlib import Path

from assistant.errors import ConfigError

DEFAULT_PROMPTS_DIR = Path(__file__).resolve().parents[2] / "prompts"


class PromptLibrary:
    def __init__(self, folder: Path | None = None) -> None:
        self.folder = folder or DEFAULT_PROMPTS_DIR
        self._cache: dict[str, str] = {}

    def raw(self, name: str) -> str:
        if name not in self._cache:
            path = self.folder / name
            try:
                self._cache[name] = path.read_text(encoding="utf-8")
            except OSError as exc:
                raise ConfigError(f"prompt template missing: {path}") from exc
        return self._cache[name]

    def render(self, template_name: str, /, **values: object) -> str:
        template = string.Template(self.raw(template_name))
        wanted = set(template.get_identifiers())
        missing = wanted - values.keys()
        if missing:
            raise ConfigError(f"prompt {template_name} needs values for: {', '.join(sorted(missing))}")
        return template.substitute({k: str(v) for k, v in values.items()})
