"""Keep the fast tier fast: a test not marked `slow` or `llm` must not load a real model or open a real
audio input, in this process or in any child it starts.

`install()` wraps the heavy entry points — faster-whisper's `WhisperModel`, llama.cpp's `Llama` (the
embedded server's child loads it), senko's `Diarizer`, `import torch`, and sounddevice's `InputStream`
— as their modules are imported. While the guard is armed, each of them that succeeds appends one line to
the report file and raises, so the test fails at once instead of running for minutes. A failed load
(a corrupt model, no audio device) is not reported: those are the fast error-path tests.

`import torch` (seconds, ~1 GB of libraries) is only reported, never raised: a failed import of a
native extension must not be retried in the same process.

tests/conftest.py installs it in the pytest process and arms it for every unmarked test through the
environment, which every child inherits (`guard_site/sitecustomize.py` calls `install()` at
interpreter start-up whenever REPORT_ENV is set; PYTHONPATH points at that folder), and fails the test
if the report is not empty.
"""

from __future__ import annotations

import functools
import importlib.abc
import importlib.machinery
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

REPORT_ENV = "TESTS_MODEL_GUARD_REPORT"
"""Not ASSISTANT_*: tests strip those from a child's environment (tests/support/cli.py)."""
SITE_DIR = Path(__file__).resolve().parent / "guard_site"

# module -> (attribute wrapped, what it means)
_TARGETS = {
    "faster_whisper": ("WhisperModel", "loaded the Whisper model"),
    "llama_cpp": ("Llama", "loaded the LLM (llama.cpp)"),
    "senko": ("Diarizer", "loaded the speaker model (senko)"),
    "sounddevice": ("InputStream", "opened a real audio input"),
}
_IMPORT_ONLY = {"torch": "imported torch"}


class ModelLoadedInFastTest(RuntimeError):
    pass


def report(what: str, *, fail: bool = True) -> None:
    """While armed: note `what` in the report file and (with `fail`) raise."""
    value = os.environ.get(REPORT_ENV)
    if not value:
        return
    with open(value, "a", encoding="utf-8") as f:
        f.write(f"pid {os.getpid()} ({' '.join(sys.argv[:3])}): {what}\n")
    if fail:
        raise ModelLoadedInFastTest(f"a test not marked slow/llm {what}: mark it @pytest.mark.slow")


def _guard_class(cls: Any, what: str) -> None:
    if getattr(cls, "_model_guard", False):  # wrapped once, whichever copy of this module did it
        return
    original = cls.__init__

    @functools.wraps(original)
    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)  # a load that fails is an error-path test: let it fail as it does
        report(what)

    cls.__init__ = __init__
    cls._model_guard = True


def _patch(module: ModuleType) -> None:
    name = module.__name__
    if name in _TARGETS:
        attr, what = _TARGETS[name]
        cls = getattr(module, attr, None)
        if isinstance(cls, type):
            _guard_class(cls, what)
    elif name in _IMPORT_ONLY:
        report(_IMPORT_ONLY[name], fail=False)


class _Loader(importlib.abc.Loader):
    """The module's own loader, plus `_patch` once the module has run. Everything else is the inner
    loader's (resource readers above all: senko finds its model files through them while importing)."""

    def __init__(self, inner: importlib.abc.Loader) -> None:
        self.inner = inner

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType | None:
        return self.inner.create_module(spec)

    def exec_module(self, module: ModuleType) -> None:
        self.inner.exec_module(module)
        # Hand the module its real loader back: nothing after the import should see this wrapper.
        module.__loader__ = self.inner
        if module.__spec__ is not None:
            module.__spec__.loader = self.inner
        _patch(module)


class _Finder(importlib.abc.MetaPathFinder):
    model_guard_finder = True
    """Recognised by name: a child may hold two copies of this module (sitecustomize's and the tests')."""

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname not in _TARGETS and fullname not in _IMPORT_ONLY:
            return None
        for finder in sys.meta_path:
            if getattr(finder, "model_guard_finder", False):
                continue
            find: Callable[..., importlib.machinery.ModuleSpec | None] | None = getattr(finder, "find_spec", None)
            spec = find(fullname, path, target) if find is not None else None
            if spec is not None:
                if spec.loader is not None:
                    spec.loader = _Loader(spec.loader)
                return spec
        return None


def install() -> None:
    """Wrap the entry points of modules imported from now on, and of those already imported."""
    if not any(getattr(f, "model_guard_finder", False) for f in sys.meta_path):
        sys.meta_path.insert(0, _Finder())
    for name in _TARGETS:
        if name in sys.modules:
            _patch(sys.modules[name])


def child_env(report_file: Path) -> dict[str, str]:
    """Environment additions that arm the guard in every child Python process."""
    paths = [str(SITE_DIR), *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))]
    return {REPORT_ENV: str(report_file), "PYTHONPATH": os.pathsep.join(dict.fromkeys(paths))}
