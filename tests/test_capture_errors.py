"""`assistant devices` without PortAudio and without any input device: one line, non-zero exit.

Each case runs in a subprocess: PortAudio is loaded and initialised once per process.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.errors import AudioDeviceError
from tests.support.cli import ERROR_PREFIX, ROOT, assert_one_error_line, run_cli

pytestmark = pytest.mark.timeout(120)

# From docs/testing-recipes.md: hide libportaudio from the dynamic loader in a private mount namespace.
_HIDE_PORTAUDIO = (
    "mount --bind /dev/null /etc/ld.so.cache && "
    "for f in /usr/lib/x86_64-linux-gnu/libportaudio.so*; do mount --bind /dev/null $f; done; "
    'exec "$@"'
)


def _devices(prefix: list[str] | None = None, **env: str) -> subprocess.CompletedProcess[str]:
    return run_cli("devices", prefix=prefix or (), env=env, timeout=60)


def _one_line_error(r: subprocess.CompletedProcess[str], text: str) -> None:
    assert assert_one_error_line(r, exit_code=AudioDeviceError.exit_code) == f"{ERROR_PREFIX}{text}"
    assert r.stdout == ""


def test_devices_without_portaudio() -> None:
    if os.geteuid() != 0 or subprocess.run(["unshare", "--mount", "true"], capture_output=True).returncode:
        pytest.skip("needs root and mount namespaces to hide libportaudio")
    r = _devices(["unshare", "--mount", "sh", "-c", _HIDE_PORTAUDIO, "sh"])
    _one_line_error(r, "PortAudio library not found: install libportaudio2 (apt install libportaudio2)")
    assert "libportaudio2" in r.stderr


def test_devices_without_any_input_device() -> None:
    if any(Path("/dev/snd").glob("pcmC*c")):
        pytest.skip("this machine has a capture-capable sound card")
    r = _devices(PULSE_SERVER="unix:/nonexistent/native")
    _one_line_error(r, "no audio input device found")


def test_capture_without_any_input_device_fails_on_start() -> None:
    code = (
        "from assistant.audio.capture import Capture\n"
        "from assistant.errors import AudioDeviceError\n"
        "try:\n    Capture().start()\nexcept AudioDeviceError as e:\n    print(e.message)\n"
    )
    if any(Path("/dev/snd").glob("pcmC*c")):
        pytest.skip("this machine has a capture-capable sound card")
    r = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT, env={**os.environ, "PULSE_SERVER": "unix:/nonexistent/native"},
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    assert r.stdout == "no audio input device found\n"
