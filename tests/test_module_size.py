"""Every Python module of the project stays at most 400 lines: one concern per module, kept that way."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LIMIT = 400
TREES = ("assistant", "bench", "tests", "scripts", "fixtures")


def test_no_module_is_over_the_limit() -> None:
    sizes = {
        path.relative_to(ROOT).as_posix(): len(path.read_text(encoding="utf-8").splitlines())
        for tree in TREES
        for path in (ROOT / tree).rglob("*.py")
    }
    assert len(sizes) > 100, "the trees moved: this test no longer sees the code"
    over = {name: n for name, n in sizes.items() if n > LIMIT}
    assert not over, f"modules over {LIMIT} lines (split them by concern): {over}"
