"""A real terminal: `assistant open --session` runs in tmux, keys accept and reject proposals, then the
process is killed with SIGKILL. Every decision made before the kill is on disk (each one was saved
before the screen showed it), and the session opens again for writing (the owner lock died with it)."""

from __future__ import annotations

import os
import shutil
import signal
import sys
import time
from pathlib import Path

import pytest

from assistant.domain.postmortem import ReviewStatus
from assistant.session import Session
from assistant.tui.scripted import seed_session
from tests.support.tmux import Tmux, terminal_env

NAME = "inc-2041-review"

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")


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
