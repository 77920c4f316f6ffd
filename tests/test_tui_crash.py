"""A real terminal: `assistant open --session` runs in tmux, keys accept and reject proposals, then the
process is killed with SIGKILL. Every decision made before the kill is on disk (each one was saved
before the screen showed it), and the session opens again for writing (the owner lock died with it)."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.domain.postmortem import ReviewStatus
from assistant.session import Session
from assistant.tui.scripted import seed_session

ROOT = Path(__file__).resolve().parents[1]
NAME = "inc-2041-review"

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")


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
        "ASSISTANT_CONFIG": str(ROOT / "tests" / "no-config.toml"),  # missing on purpose: defaults only
        "COLORTERM": "truecolor",
        "TERM": "xterm-256color",
        "PYTHONPATH": str(ROOT),
    }


def test_decisions_survive_kill_9(tmux: Tmux, tmp_path: Path) -> None:
    root = tmp_path / "sessions"
    seed_session(root, NAME)
    # exec: the pane's process *is* the app, so its pid is the one to kill.
    tmux.start(f"exec {sys.executable} -m assistant open --session {NAME} --sessions-dir {root}", terminal_env())
    tmux.wait_for(r"7 proposals: 7 to review", timeout=90)
    tmux.keys("a")  # accept "Add an expiry alert…"; the cursor moves on
    tmux.wait_for(r"1 accepted", timeout=20)
    tmux.keys("x")  # reject "Update the runbook…"
    tmux.wait_for(r"1 rejected", timeout=20)
    tmux.keys("down", "down", "A")  # bulk-accept the rest of the unflagged items
    tmux.wait_for(r"Accepted 4 unflagged", timeout=20)

    os.kill(tmux.pane_pid(), signal.SIGKILL)
    time.sleep(0.2)

    with Session.open(root, NAME) as session:  # writable again: the owner lock died with the process
        status = {i.id: i.status for i in session.postmortem.all_items()}
    assert status == {
        "act-alert": ReviewStatus.ACCEPTED,
        "act-runbook": ReviewStatus.REJECTED,
        "act-jobs": ReviewStatus.PROPOSED,  # flagged: bulk accept leaves it for a person
        "dec-auto": ReviewStatus.ACCEPTED,
        "q-owner": ReviewStatus.ACCEPTED,
        "tl-expired": ReviewStatus.ACCEPTED,
        "why-1": ReviewStatus.ACCEPTED,
    }
