"""A private tmux server for tests that drive the app in a real terminal (keys in, screen text out)."""

from __future__ import annotations

import os
import re
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.cli import NO_CONFIG, ROOT


class Tmux:
    """One private tmux server (its own socket), so nothing touches the user's sessions."""

    def __init__(self) -> None:
        self.socket = f"pm-test-{uuid.uuid4().hex[:8]}"

    def tmux(self, *args: str) -> str:
        proc = subprocess.run(["tmux", "-L", self.socket, *args], capture_output=True, text=True, timeout=30)
        assert proc.returncode == 0, proc.stderr
        return proc.stdout

    def start(self, command: str, env: dict[str, str], size: tuple[int, int] = (100, 30)) -> None:
        exports = [arg for k, v in env.items() for arg in ("-e", f"{k}={v}")]
        self.tmux("new-session", "-d", "-s", "s", "-x", str(size[0]), "-y", str(size[1]), *exports, command)

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", "s")

    def wait_for(self, pattern: str, timeout: float) -> str:
        deadline = time.monotonic() + timeout
        text = ""
        while time.monotonic() < deadline:
            text = self.screen()
            if re.search(pattern, text):
                return text
            time.sleep(0.1)
        raise AssertionError(f"{pattern!r} not on screen within {timeout} s:\n{text}")

    def keys(self, *keys: str) -> None:
        self.tmux("send-keys", "-t", "s", *keys)

    def alive(self) -> bool:
        """Whether the session still exists (it ends when the app in its only pane exits)."""
        proc = subprocess.run(["tmux", "-L", self.socket, "has-session", "-t", "s"], capture_output=True, timeout=30)
        return proc.returncode == 0

    def pane_pid(self) -> int:
        return int(self.tmux("display-message", "-p", "-t", "s", "#{pane_pid}").strip())

    def kill_server(self) -> None:
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True, timeout=30)
        # The server leaves its socket file behind; it is ours (a unique name), so remove it.
        folder = Path(os.environ.get("TMUX_TMPDIR") or "/tmp") / f"tmux-{os.getuid()}"
        (folder / self.socket).unlink(missing_ok=True)


@pytest.fixture
def tmux() -> Iterator[Tmux]:
    server = Tmux()
    try:
        yield server
    finally:
        server.kill_server()


def terminal_env() -> dict[str, str]:
    return {
        "ASSISTANT_CONFIG": str(NO_CONFIG),  # missing on purpose: defaults only
        "COLORTERM": "truecolor",
        "TERM": "xterm-256color",
        # The repository first; then whatever the tests put there (the fast tier's model guard).
        "PYTHONPATH": os.pathsep.join([str(ROOT), *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))]),
    }
