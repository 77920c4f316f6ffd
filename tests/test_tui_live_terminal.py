"""The whole product in a real terminal: `assistant record` (the TUI) in tmux, the first 90 s of a
fixture meeting spoken into the virtual microphone, the real Whisper tiny.en and the real embedded LLM.
The live path must analyse the meeting while it runs; a proposal (the first in review order, whatever
the engine found) is accepted with keys in the review opened during the meeting, the app is quit, and
`assistant export --format json` shows it accepted. Which items are found is never asserted.

(The final pass after stopping is left to the scripted tests and the headless end-to-end test.)"""

from __future__ import annotations

import re
import sys
import time
from pathlib import Path

import pytest

from assistant.domain.postmortem import Postmortem, ReviewStatus
from assistant.errors import SessionError
from assistant.session import Session
from tests.support.bad_inputs import speech_clip, write_audio
from tests.support.cli import run_cli
from tests.support.fixture_meetings import load_meeting
from tests.support.tmux import Tmux, terminal_env
from tests.support.virtual_mic import VirtualMic

# A 1.5B model on two shared cores can take minutes per window: far above the default 900 s budget.
pytestmark = [pytest.mark.slow, pytest.mark.llm, pytest.mark.timeout(3600)]

NAME = "live-tmux"


def test_live_meeting_in_a_real_terminal(virtual_mic: VirtualMic, tmux: Tmux, tmp_path: Path) -> None:
    meeting = load_meeting("tls-cert")
    root = tmp_path / "sessions"
    env = terminal_env() | {"PULSE_SERVER": virtual_mic.server}
    command = (
        f"exec {sys.executable} -m assistant record --session {NAME} --sessions-dir {root} "
        f"--attendees {','.join(meeting.attendees)} --meeting-date {meeting.meeting_date.isoformat()}"
    )
    tmux.start(command, env, size=(120, 32))
    # The first 90 s of the meeting: a dozen lines with timeline and impact facts in them (the
    # headless end-to-end test plays the whole meeting; here the terminal is the point).
    clip = tmp_path / "first-90s.wav"
    write_audio(clip, speech_clip(meeting.audio, seconds=90.0), 16_000)
    tmux.wait_for(r"● REC", timeout=300)  # Whisper loaded and the LLM server answering
    time.sleep(2)
    virtual_mic.play(clip).wait(timeout=600)

    # The live path analyses the meeting while it is still "running": wait for a proposal, or for two
    # LLM windows analysed with nothing found (then there is nothing to accept: the model's business).
    deadline = time.monotonic() + 1200
    while time.monotonic() < deadline:
        pm = _live_draft(root)
        if pm is not None and (pm.all_items() or len(pm.windows) >= 2):
            break
        time.sleep(2)
    assert pm is not None and (pm.all_items() or pm.windows), "the live path stored nothing"

    # Review it without stopping (r: review so far), accept the first proposal with keys, then quit
    # mid-meeting.
    tmux.keys("r")
    shown = re.search(r"(\d+) proposals: \d+ to review", tmux.wait_for(r"proposals: \d+ to review", timeout=60))
    assert shown is not None
    if int(shown[1]):
        tmux.keys("home", "a")
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

    proc = run_cli("export", NAME, "--format", "json", "--sessions-dir", str(root), timeout=120)
    assert proc.returncode == 0, proc.stderr
    exported = Postmortem.model_validate_json(proc.stdout)
    with Session.open(root, NAME, readonly=True) as session:
        assert session.state == "interrupted"  # quit mid-meeting: resumable
        assert len(session.transcript.segments) >= 8
        kept = session.postmortem
    # Exactly the one item the keys accepted is accepted (none when the model proposed nothing), in
    # the session and in the export; everything else is still proposed.
    accepted = {i.id for i in exported.all_items() if i.status is ReviewStatus.ACCEPTED}
    assert len(accepted) == (1 if int(shown[1]) else 0), accepted
    assert {i.id for i in kept.all_items() if i.status is ReviewStatus.ACCEPTED} == accepted
    assert {i.status for i in kept.all_items() if i.id not in accepted} <= {ReviewStatus.PROPOSED}


def _live_draft(root: Path) -> Postmortem | None:
    try:
        with Session.open(root, NAME, readonly=True) as session:
            return session.postmortem
    except SessionError:
        return None  # not created yet
