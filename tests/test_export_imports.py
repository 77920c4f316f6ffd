"""The export package is usable headless: importing it must not pull in the TUI stack."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HEAVY = {"textual", "rich", "faster_whisper", "openai"}


def test_export_imports_without_textual() -> None:
    code = (
        "import sys, assistant.export, assistant.export.markdown, assistant.export.transcript\n"
        f"heavy = sorted({{m.split('.')[0] for m in sys.modules}} & set({sorted(HEAVY)!r}))\n"
        "assert not heavy, heavy\n"
    )
    # A fresh interpreter: this test process has already imported whatever other tests needed.
    root = Path(__file__).resolve().parents[1]
    result = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
