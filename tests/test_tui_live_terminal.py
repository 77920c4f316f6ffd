"""The whole product in a real terminal: `assistant record` (the TUI) in tmux, a fixture meeting spoken
into the virtual microphone, the real Whisper tiny.en and the real embedded LLM. A flagged action item
must appear on the live screen; after stopping, it is accepted with keys in the review, and
`assistant export --format json` shows it accepted."""

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
    tmux.wait_for(rf"⚑ ({ATTENTION_LABELS})", timeout=600)

    tmux.keys("s")  # stop: the rest is transcribed, the final pass runs, then the review opens
    tmux.wait_for(r"proposals: \d+ to review", timeout=900)

    with Session.open(root, NAME, readonly=True) as session:
        pm = session.postmortem
        order = [i for g in grouped_items(pm) for i in g.items]
        target = next(i for i in order if i in pm.action_items and set(i.flags) & (OWNER_FLAGS | DUE_FLAGS))
        position = order.index(target)
    tmux.keys("home", *["down"] * position, "a")
    tmux.wait_for(r"Accepted: ", timeout=30)
    tmux.keys("C-q")
    deadline = time.monotonic() + 60
    while "live-tmux" in tmux.screen() and time.monotonic() < deadline:  # the pane closes when the app exits
        time.sleep(0.2)

    proc = subprocess.run(
        [sys.executable, "-m", "assistant", "export", NAME, "--format", "json", "--sessions-dir", str(root)],
        capture_output=True, text=True, cwd=ROOT, env={**env, "PATH": "/usr/bin:/bin"}, timeout=120,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    exported = {i["id"]: i for i in json.loads(proc.stdout)["action_items"]}
    assert exported[target.id]["status"] == ReviewStatus.ACCEPTED.value
    assert set(exported[target.id]["flags"]) & {f.value for f in OWNER_FLAGS | DUE_FLAGS}
    with Session.open(root, NAME, readonly=True) as session:
        assert session.state == "finalised"
        assert len(session.transcript.segments) > 10
