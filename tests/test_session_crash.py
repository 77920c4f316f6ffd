"""Crash safety: a process killed with SIGKILL at random moments loses nothing it had acknowledged.

The child (tests/support/session_crash_child.py) adds segments, merges proposals, records review
decisions and edits in a loop, printing an acknowledgement after each call returns. The parent kills it
at a random moment, reopens the session and checks every acknowledged segment, decision and edit is
there; then the next child resumes the same session, so torn tails are also cut and appended after.
"""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from assistant.domain.postmortem import ReviewStatus
from assistant.session import Session, list_sessions

ROOT = Path(__file__).resolve().parents[1]
KILLS = 24
NAME = "crashy"


def run_and_kill(root: Path, seed: int, rng: random.Random) -> list[list[str]]:
    """Start a child, SIGKILL it at a random moment, return its acknowledged lines (split in fields)."""
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.support.session_crash_child", str(root), NAME, str(seed)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert child.stdout is not None
    seen = b""
    if seed % 4 == 3:
        # Some kills land while the child is still starting up, creating or resuming the session.
        time.sleep(rng.uniform(0.0, 0.8))
    else:
        # Let it get some work done (so the test checks something), then kill it a random moment
        # later: mostly in the middle of some later call.
        for _ in range(rng.randint(1, 25)):
            line = child.stdout.readline()
            assert line, child.stderr.read() if child.stderr else b""
            seen += line
        time.sleep(rng.uniform(0.0, 0.05))
    child.send_signal(signal.SIGKILL)
    out, err = child.communicate(timeout=30)
    assert child.returncode == -signal.SIGKILL, err.decode(errors="replace")
    out = seen + out
    # A line cut off by the kill (no newline) was never fully acknowledged.
    complete = out.decode().split("\n")[:-1]
    return [line.split(" ", 2) for line in complete]


def test_sigkill_loses_no_acknowledged_segment_or_decision(tmp_path: Path) -> None:
    root = tmp_path / "sessions"
    rng = random.Random(20260304)
    segments: dict[int, str] = {}
    statuses: dict[str, str] = {}
    edits: dict[str, str] = {}
    acks_per_run = []

    for seed in range(KILLS):
        acks = run_and_kill(root, seed, rng)
        acks_per_run.append(len(acks))
        for kind, key, value in (a for a in acks if a[0] != "ready"):
            if kind == "seg":
                segments[int(key)] = value
            elif kind == "status":
                statuses[key] = value
            elif kind == "edit":
                edits[key] = value

        if not (root / NAME / "session.json").exists():
            assert not segments, "acknowledged work but the session is gone"
            continue
        with Session.open(root, NAME, readonly=True) as s:
            assert s.state == "interrupted"
            on_disk = {seg.id: seg.text for seg in s.transcript.segments}
            ids = [seg.id for seg in s.transcript.segments]
            assert ids == sorted(set(ids)), "segment ids repeated or out of order"
            for seg_id, text in segments.items():
                assert on_disk.get(seg_id) == text, f"run {seed}: acknowledged segment {seg_id} lost"
            for item_id, status in statuses.items():
                item = s.postmortem.find(item_id)
                assert item is not None, f"run {seed}: reviewed item {item_id} lost"
                assert item.status is ReviewStatus(status), f"run {seed}: decision on {item_id} lost"
            for item_id, text in edits.items():
                item = s.postmortem.find(item_id)
                assert item is not None and item.main_text() == text and item.edited

    # The test is only meaningful if the children really got work done between kills.
    assert len(segments) >= 20 and len(statuses) >= 10 and len(edits) >= 3, acks_per_run
    print(f"\n{KILLS} kills: {len(segments)} acknowledged segments, {len(statuses)} review decisions, "
          f"{len(edits)} edits, none lost")  # fmt: skip
    [info] = list_sessions(root)
    assert info.state == "interrupted" and info.segments >= len(segments)
    # The folder stays resumable by a new owner after all those kills.
    with Session.open(root, NAME) as s:
        assert s.next_segment_id > max(segments)
