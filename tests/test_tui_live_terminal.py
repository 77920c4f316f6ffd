"""The whole product in a real terminal: `assistant record` (the TUI) in tmux, a fixture meeting spoken
into the virtual microphone, the real Whisper tiny.en and the real embedded LLM. A flagged action item
must appear on the live screen; it is accepted with keys in the review opened during the meeting, the
app is quit, and `assistant export --format json` shows it accepted.

(The final pass after stopping is left to the scripted tests and the headless end-to-end test: on two
shared cores the 1.5B model needs many minutes for it.)"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from assistant.domain.postmortem import DUE_FLAGS, OWNER_FLAGS, ReviewStatus
from assistant.session import Session
from assistant.tui.format import FLAG_LABELS, grouped_items
from tests.support.fixture_meetings import load_meeting
from tests.support.virtual_mic import VirtualMic
from tests.test_tui_crash import ROOT, Tmux, terminal_env, tmux  # noqa: F401  (tmux is a fixture)

# A 1.5B model on two shared cores can take minutes per window: far above the default 900 s budget.
pytestmark = [pytest.mark.slow, pytest.mark.llm, pytest.mark.timeout(3600)]

NAME = "live-tmux"
ATTENTION_LABELS = "|".join(sorted(FLAG_LABELS[f] for f in OWNER_FLAGS | DUE_FLAGS))


def test_live_meeting_in_a_real_terminal(virtual_mic: VirtualMic, tmux: Tmux, tmp_path: Path) -> None:  # noqa: F811
    meeting = load_meeting("tls-cert")
    root = tmp_path / "sessions"
    env = terminal_env() | {"PULSE_SERVER": virtual_mic.server}
    command = (
        f"exec {sys.executable} -m assistant record --session {NAME} --sessions-dir {root} "
        f"--attendees {','.join(meeting.attendees)} --meeting-date {meeting.meeting_date.isoformat()}"
    )
    tmux.start(command, env, size=(120, 32))
    tmux.wait_for(r"● REC", timeout=300)  # Whisper loaded and the LLM server answering
    time.sleep(2)
    virtual_mic.play(meeting.audio).wait(timeout=600)

    # A flagged action item on the live screen, while the meeting is still "running".
    tmux.wait_for(rf"⚑ ({ATTENTION_LABELS})", timeout=1200)

    # Review it without stopping (r: review so far), accept it with keys, then quit mid-meeting.
    tmux.keys("r")
    tmux.wait_for(r"proposals: \d+ to review", timeout=60)
    with Session.open(root, NAME, readonly=True) as session:
        pm = session.postmortem
        order = [i for g in grouped_items(pm) for i in g.items]
        target = next(i for i in order if i in pm.action_items and set(i.flags) & (OWNER_FLAGS | DUE_FLAGS))
        position = order.index(target)
    tmux.keys("home", *["down"] * position, "a")
    tmux.wait_for(r"Accepted: ", timeout=30)
    tmux.keys("Escape")  # back to the live screen
    tmux.wait_for(r"Stop meeting", timeout=30)
    tmux.keys("C-q")
    tmux.wait_for(r"Stop recording and quit\?", timeout=30)
    tmux.keys("y")
    deadline = time.monotonic() + 60
    while tmux.alive() and time.monotonic() < deadline:  # the pane (and session) closes when the app exits
        time.sleep(0.2)
    assert not tmux.alive(), tmux.screen()

    proc = subprocess.run(
        [sys.executable, "-m", "assistant", "export", NAME, "--format", "json", "--sessions-dir", str(root)],
        capture_output=True, text=True, cwd=ROOT, env={**env, "PATH": "/usr/bin:/bin"}, timeout=120,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    exported = {i["id"]: i for i in json.loads(proc.stdout)["action_items"]}
    assert exported[target.id]["status"] == ReviewStatus.ACCEPTED.value
    assert set(exported[target.id]["flags"]) & {f.value for f in OWNER_FLAGS | DUE_FLAGS}
    with Session.open(root, NAME, readonly=True) as session:
        assert session.state == "interrupted"  # quit mid-meeting: resumable
        assert len(session.transcript.segments) > 10
