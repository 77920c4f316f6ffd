"""Parent-side helpers for `record_child`: start it, follow its JSON-lines events, generate test audio."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import wave
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

ROOT = Path(__file__).resolve().parents[2]


def start_recorder(
    out: Path, events: Path, seconds: float, *extra: str, env: dict[str, str] | None = None
) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.support.record_child", str(out), "--events", str(events),
         "--seconds", str(seconds), *extra],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip


def read_events(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    # The last line may be half-written while the child runs; only complete lines count.
    lines = path.read_text().splitlines(keepends=True)
    return [json.loads(line) for line in lines if line.endswith("\n")]


def wait_event(path: Path, name: str, proc: subprocess.Popen[bytes], timeout: float) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for e in read_events(path):
            if e["event"] == name:
                return e
        if proc.poll() is not None:
            _, err = proc.communicate()
            raise AssertionError(f"recorder exited {proc.returncode} before {name!r}: {err.decode()[-2000:]}")
        time.sleep(0.02)
    raise AssertionError(f"no {name!r} event within {timeout} s")


def finish(proc: subprocess.Popen[bytes], timeout: float) -> None:
    _, err = proc.communicate(timeout=timeout)
    assert proc.returncode == 0, err.decode()[-2000:]


def read_wav(path: Path) -> npt.NDArray[np.int16]:
    with wave.open(str(path), "rb") as w:
        assert (w.getnchannels(), w.getsampwidth(), w.getframerate()) == (1, 2, 16_000)
        return np.frombuffer(w.readframes(w.getnframes()), dtype="<i2").astype(np.int16)


def write_wav(path: Path, samples: npt.NDArray[np.int16]) -> None:
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(16_000)
        w.writeframes(samples.astype("<i2").tobytes())


def noise(seconds: float, seed: int, amplitude: float = 0.3) -> npt.NDArray[np.int16]:
    """White noise: its autocorrelation is a single sharp peak, so alignment is unambiguous."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(-amplitude, amplitude, round(seconds * 16_000))
    return np.rint(x * 32768).astype(np.int16)
