"""Prompt templates are plain text files in `prompts/`, loaded at run time so they can be edited
without touching code. `$name` placeholders; a missing variable is an error before anything is sent.

The templates are package data (`assistant.prompts`, mapped onto the repository's top-level `prompts/` in
pyproject.toml): an editable install reads that folder, an installed wheel its own copy. A folder in
the settings (`storage.prompts_dir`) replaces them."""

from __future__ import annotations

import functools
import string
from importlib.resources import files
from pathlib import Path

from assistant.errors import ConfigError

PROMPTS_PACKAGE = "assistant.prompts"


@functools.cache
def bundled_prompts_dir() -> Path:
    """The folder of the templates shipped with the package."""
    try:
        folder = files(PROMPTS_PACKAGE)
    except ModuleNotFoundError as exc:
        raise ConfigError(f"the bundled prompt templates ({PROMPTS_PACKAGE}) are not installed") from exc
    if not isinstance(folder, Path):  # only a zipped install gives something else; wheels install as files
        raise ConfigError(f"the bundled prompt templates are not a folder on disk: {folder}")
    return folder


class PromptLibrary:
    def __init__(self, folder: Path | None = None) -> None:
        self.folder = folder or bundled_prompts_dir()
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
