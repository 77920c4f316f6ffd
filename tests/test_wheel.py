"""The wheel is a working package: it carries the prompt templates and the package data, and an `assistant`
installed from it (no editable install, no repository on the path) drafts a postmortem with the embedded model.

The wheel is built offline (`--no-build-isolation`, setuptools from the dev extra) from a copy of what the build
reads, so that no `build/` folder lands in the shared work tree. It is installed into a new virtualenv that sees
no repository: its own site-packages holds only the wheel, and a `.pth` line appends this venv's site-packages
for the heavy dependencies (a path line, not `site.addsitedir`: the editable install's finder there stays off).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from importlib.resources import files
from pathlib import Path

import pytest

from assistant.checks.coverage import SECTION_TITLES
from assistant.config import load_settings
from assistant.domain.postmortem import Postmortem
from assistant.extraction.prompts import PromptLibrary, bundled_prompts_dir

ROOT = Path(__file__).resolve().parents[1]
BUILD_INPUTS = ("pyproject.toml", "README.md", "assistant", "prompts")
DEMO = ROOT / "fixtures" / "meetings" / "demo" / "meeting.flac"


def _source_files(folder: Path) -> list[Path]:
    """Every file in `folder` a build should see (no caches), relative to it."""
    return sorted(p.relative_to(folder) for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """(the wheel, the build's output)."""
    tmp = tmp_path_factory.mktemp("wheel")
    src = tmp / "src"
    src.mkdir()
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info")
    for name in [*BUILD_INPUTS, *(p.name for p in ROOT.glob("LICEN[CS]E*"))]:
        path = ROOT / name
        if path.is_dir():
            shutil.copytree(path, src / name, ignore=ignore)
        else:
            shutil.copy2(path, src / name)
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-v", "--no-deps", "--no-build-isolation", "-w", str(tmp / "dist"),
         str(src)],
        capture_output=True, text=True, timeout=300, cwd=tmp, env=_env(tmp),
    )  # fmt: skip
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
    (whl,) = (tmp / "dist").glob("postmortem_assistant-*.whl")
    return whl, built.stdout + built.stderr


@pytest.fixture(scope="module")
def venv(wheel: tuple[Path, str], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A new virtualenv with the wheel installed (and this venv's site-packages appended for its dependencies)."""
    tmp = tmp_path_factory.mktemp("venv")
    venv = tmp / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120, cwd=tmp)
    python = venv / "bin" / "python"
    installed = subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "-q", "--no-deps", "--no-index",
         str(wheel[0])],
        capture_output=True, text=True, timeout=300, cwd=tmp, env=_env(tmp),
    )  # fmt: skip
    assert installed.returncode == 0, installed.stderr[-3000:]
    site = Path(_run(venv, tmp, str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"))
    (site / "_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return venv


def _env(tmp: Path) -> dict[str, str]:
    """No repository on the path, no user config or settings from the caller's environment."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ASSISTANT_", "OPENAI_", "PYTHON"))}
    (tmp / "empty.toml").write_text("")
    env["ASSISTANT_CONFIG"] = str(tmp / "empty.toml")
    return env


def _run(venv: Path, cwd: Path, *cmd: str, timeout: float = 120) -> str:
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, cwd=cwd, env=_env(cwd))
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout.strip()


# --- fast: the package resources and what the wheel holds -----------------------------------------------


def test_prompts_resolve_from_package_resources(tmp_path: Path) -> None:
    folder = bundled_prompts_dir()
    assert folder == files("assistant.prompts")
    # This checkout's editable install maps the package onto the top-level prompts/ folder.
    assert folder.resolve() == (ROOT / "prompts").resolve()
    lib = PromptLibrary()
    for rel in _source_files(ROOT / "prompts"):
        if rel.suffix != ".py":
            assert lib.raw(str(rel)) == (ROOT / "prompts" / rel).read_text(encoding="utf-8")
    # A folder in the settings replaces the bundled templates.
    (tmp_path / "live_system.txt").write_text("mine")
    settings = load_settings(overrides={"storage": {"prompts_dir": tmp_path}})
    assert PromptLibrary(settings.storage.prompts_dir).raw("live_system.txt") == "mine"


def test_wheel_carries_every_prompt_and_package_file(wheel: tuple[Path, str]) -> None:
    whl, _ = wheel
    names = set(zipfile.ZipFile(whl).namelist())
    prompts = _source_files(ROOT / "prompts")
    assert prompts, "no prompt templates found"
    missing = [str(rel) for rel in prompts if f"assistant/prompts/{rel.as_posix()}" not in names]
    assert not missing, f"prompt files missing from the wheel: {missing}"
    # Every file in the package folder (modules, py.typed, the stylesheet, extraction/data/*, ...) is shipped.
    package = _source_files(ROOT / "assistant")
    missing = [str(rel) for rel in package if f"assistant/{rel.as_posix()}" not in names]
    assert not missing, f"package files missing from the wheel: {missing}"


def test_wheel_metadata_has_the_spdx_license_and_the_build_no_warning(wheel: tuple[Path, str]) -> None:
    whl, output = wheel
    with zipfile.ZipFile(whl) as z:
        (metadata,) = (n for n in z.namelist() if n.endswith(".dist-info/METADATA"))
        headers = z.read(metadata).decode().split("\n\n", 1)[0].splitlines()
    assert "License-Expression: MIT" in headers
    assert not [h for h in headers if h.startswith("License:")]
    # setuptools reports a deprecated setting (the license table, say) as a BuildBackendWarning.
    warnings = [line for line in output.splitlines() if "Warning" in line or "deprecated" in line.lower()]
    assert not warnings, warnings


def test_installed_wheel_runs_from_its_own_site_packages(venv: Path, tmp_path: Path) -> None:
    probe = "import assistant, json; from assistant.extraction.prompts import bundled_prompts_dir as b; " \
        "print(json.dumps([assistant.__file__, str(b())]))"  # fmt: skip
    package, prompts = json.loads(_run(venv, tmp_path, str(venv / "bin" / "python"), "-c", probe))
    site = venv / "lib"
    assert Path(package).is_relative_to(site), package
    assert Path(prompts).is_relative_to(site) and (Path(prompts) / "extract_system.txt").is_file(), prompts
    schema = json.loads(_run(venv, tmp_path, str(venv / "bin" / "assistant"), "schema"))
    assert "action_items" in schema["properties"]


# --- slow: a whole `process` of the demo meeting from the installed wheel -----------------------------------


@pytest.mark.slow
@pytest.mark.llm
@pytest.mark.timeout(1800)
def test_installed_wheel_drafts_a_postmortem(venv: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    cmd = [str(venv / "bin" / "assistant"), "process", str(DEMO), "-o", str(out), "--no-speakers"]
    _run(venv, tmp_path, *cmd, timeout=1500)
    draft = (out / "meeting.postmortem.md").read_text(encoding="utf-8")
    assert draft.startswith("# Postmortem"), draft[:200]
    assert all(f"## {title}" in draft for title in SECTION_TITLES.values()), draft[:2000]
    Postmortem.model_validate_json((out / "meeting.postmortem.json").read_text(encoding="utf-8"))
    assert (out / "meeting.action_items.csv").is_file()
