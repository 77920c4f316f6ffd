"""`record --call` flags that cannot work are one line and a non-zero exit before anything is opened;
without a sound server there is no system output to record the call from (one line, exit 6)."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.errors import AudioDeviceError, ConfigError
from tests.support.cli import assert_one_error_line, run_cli

pytestmark = pytest.mark.timeout(120)


def test_call_with_a_file_instead_of_the_devices_is_refused(tmp_path: Path) -> None:
    r = run_cli("record", "--headless", "--call", "--from-file", str(tmp_path / "x.wav"),
                "--sessions-dir", str(tmp_path), timeout=60)  # fmt: skip
    assert_one_error_line(r, "--call", "--from-file", exit_code=ConfigError.exit_code)
    assert not any(tmp_path.iterdir())


def test_system_device_needs_call(tmp_path: Path) -> None:
    r = run_cli("record", "--headless", "--system-device", "x.monitor", "--sessions-dir", str(tmp_path), timeout=60)
    assert_one_error_line(r, "--system-device needs --call", exit_code=ConfigError.exit_code)


def test_no_sound_server_is_one_line(tmp_path: Path) -> None:
    r = run_cli("record", "--headless", "--call", "--sessions-dir", str(tmp_path),
                env={"PULSE_SERVER": "unix:/nonexistent/native"}, timeout=60)  # fmt: skip
    assert_one_error_line(r, exit_code=AudioDeviceError.exit_code)
    assert not any(tmp_path.iterdir())  # nothing created before the input is known to work
