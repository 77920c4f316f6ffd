"""Atomic writes (old file or complete new file, never half of one) and write_outputs."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from assistant.domain.postmortem import ActionItem, Postmortem
from assistant.export import ExportError, render_json, render_markdown, write_outputs
from assistant.export.atomic import atomic_write_text


def test_writes_text_exactly_with_mode(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    atomic_write_text(target, "a,b\r\nü,\n", mode=0o640)
    assert target.read_bytes() == "a,b\r\nü,\n".encode()
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert os.listdir(tmp_path) == ["out.csv"]


def test_default_mode_ignores_umask(tmp_path: Path) -> None:
    old = os.umask(0o077)
    try:
        atomic_write_text(tmp_path / "x.md", "x")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "x.md").stat().st_mode) == 0o644


def test_replaces_existing_file(tmp_path: Path) -> None:
    target = tmp_path / "doc.md"
    target.write_text("old")
    atomic_write_text(target, "new")
    assert target.read_text() == "new"


@pytest.mark.parametrize("failing", ["fsync", "replace"])
def test_failure_midway_leaves_existing_file_and_no_temp(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failing: str
) -> None:
    target = tmp_path / "doc.md"
    target.write_text("old, complete")

    def boom(*args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, failing, boom)
    with pytest.raises(OSError, match="No space left"):
        atomic_write_text(target, "new " * 10_000)
    monkeypatch.undo()
    assert target.read_text() == "old, complete"
    assert os.listdir(tmp_path) == ["doc.md"]


def test_interrupt_midway_cleans_up_too(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "doc.md"

    def interrupted(*args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        atomic_write_text(target, "new")
    monkeypatch.undo()
    assert os.listdir(tmp_path) == []


def test_write_outputs_writes_all_three(tmp_path: Path) -> None:
    pm = Postmortem(action_items=[ActionItem(id="a", action="Add CI check", owner="Lee")])
    out = tmp_path / "exports" / "nested"
    paths = write_outputs(pm, out, "2026-03-02 checkout")
    assert paths == {
        "markdown": out / "2026-03-02 checkout.postmortem.md",
        "json": out / "2026-03-02 checkout.postmortem.json",
        "csv": out / "2026-03-02 checkout.action_items.csv",
    }
    assert paths["markdown"].read_text(encoding="utf-8") == render_markdown(pm)
    assert paths["json"].read_text(encoding="utf-8") == render_json(pm)
    assert paths["csv"].read_bytes().startswith(b"owner,action,")
    assert sorted(os.listdir(out)) == sorted(p.name for p in paths.values())


@pytest.mark.parametrize("stem", ["", ".", "..", "../escape", "a/b", "a\\b", "nul\0"])
def test_write_outputs_rejects_stems_that_leave_the_folder(tmp_path: Path, stem: str) -> None:
    with pytest.raises(ExportError, match="Invalid export name"):
        write_outputs(Postmortem(), tmp_path, stem)
    assert os.listdir(tmp_path) == []


def test_write_outputs_turns_os_errors_into_export_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(ExportError, match="Cannot write exports") as info:
        write_outputs(Postmortem(), blocker, "x")
    assert "\n" not in info.value.message
