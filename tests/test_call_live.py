"""A video call end to end: `assistant record --call --headless --facilitator Lisa` with the real tiny.en
(and the real CAM++ speaker model when the `speakers` extra is installed) through the private
PulseAudio server. The virtual microphone hears Lisa; the call's output sink (its monitor is the
default sink's monitor, what `--call` reads) plays Peter, then Tom. Peter's turn is also played into
the microphone, 120 ms later at half volume: the echo of a laptop without a headset.

Checked: every line has a side and the right one (by whose words it holds); Lisa's lines carry her
name; the call side's lines are diarized among the others, never Lisa; Peter's echoed words appear
once; the recording is one two-channel WAV as long as the meeting. Three short fixture turns
(~20 s), no LLM: each real-time playback costs CI minutes."""

from __future__ import annotations

import re
import signal
import time
import wave
from pathlib import Path

import pytest

from assistant.errors import RecordingError
from assistant.session import Session
from assistant.speakers.diarize import unavailable_reason
from bench.wer import wer
from tests.support.call_audio import CALL_SINK, MIC_SINK, Clip, call_output, fixture_clips, play
from tests.support.cli import assert_one_error_line, run_cli
from tests.support.fixture_meetings import MEETINGS
from tests.support.jsonl_child import RecordChild
from tests.support.virtual_mic import VirtualMic

pytestmark = [pytest.mark.slow, pytest.mark.timeout(600)]

SPEAKERS = unavailable_reason() is None
ECHO_DELAY_S, ECHO_VOLUME = 0.12, 0.5


def _words(text: str) -> set[str]:
    return set(re.findall(r"[a-z]+", text.casefold()))


def _owner(line: str, clips: list[Clip]) -> Clip:
    """The clip whose script words the line shares most of."""
    return max(clips, key=lambda c: len(_words(line) & _words(c.text)))


def test_call_lines_know_their_side_and_the_echo_appears_once(virtual_mic: VirtualMic, tmp_path: Path) -> None:
    lisa, peter, tom = clips = fixture_clips(MEETINGS / "tls-cert", [0, 2, 6], tmp_path)
    assert (lisa.speaker, peter.speaker, tom.speaker) == ("Lisa", "Peter", "Tom")
    with call_output(virtual_mic):
        child = RecordChild(["--call", "--no-llm", "--facilitator", "Lisa", "--session", "call",
                             "--sessions-dir", str(tmp_path / "sessions")], env=virtual_mic.env)  # fmt: skip
        try:
            child.wait_for("recording", timeout=180)
            time.sleep(0.5)
            assert play(virtual_mic, lisa.path, MIC_SINK).wait(timeout=60) == 0
            time.sleep(1.0)
            call = play(virtual_mic, peter.path, CALL_SINK)
            time.sleep(ECHO_DELAY_S)
            echo = play(virtual_mic, peter.path, MIC_SINK, ECHO_VOLUME)
            assert call.wait(timeout=60) == 0 and echo.wait(timeout=60) == 0
            time.sleep(1.0)
            assert play(virtual_mic, tom.path, CALL_SINK).wait(timeout=60) == 0
            time.sleep(4.0)  # the last words commit
            child.proc.send_signal(signal.SIGINT)
            assert child.finish(timeout=300) == 0, child.stderr[-2000:]
        finally:
            if child.proc.poll() is None:
                child.proc.kill()

    lines = child.of_type("segment")
    assert lines, child.stderr[-2000:]
    for line in lines:
        owner = _owner(line["text"], clips)
        assert line["side"] == ("mic" if owner is lisa else "call"), line
    said = " ".join(c.text for c in clips)
    heard = " ".join(line["text"] for line in lines)
    error = wer(said, heard)
    print(f"call WER {error:.3f} over {len(lines)} lines: {heard!r}; stats {child.of_type('stats')[0]}")
    assert error < 0.4, heard
    # The echo: Peter's own words (said by nobody else) heard no more often than he said them; a kept
    # echo copy would double them.
    only_peter = _words(peter.text) - _words(lisa.text) - _words(tom.text)
    counts = [re.findall(r"[a-z]+", t.casefold()) for t in (peter.text, heard)]
    said_n, heard_n = (sum(ws.count(w) for w in only_peter) for ws in counts)
    assert 0.5 * said_n <= heard_n <= said_n, heard
    assert sum(_owner(line["text"], clips) is peter for line in lines) >= 1

    with Session.open(tmp_path / "sessions", "call", readonly=True) as session:
        names = session.speakers
        stored = session.transcript.segments
        assert [s.side for s in stored] == [line["side"] for line in lines]
        for seg in stored:
            name = names.name_of(names.label_of(seg) or "")
            if seg.side == "mic":
                assert name == "Lisa", seg
            else:
                assert name != "Lisa", seg
                if SPEAKERS:
                    assert names.label_of(seg) not in (None, "S1"), seg  # diarized among the others
        with wave.open(str(session.audio_path), "rb") as w:
            assert w.getnchannels() == 2
            assert w.getnframes() / 16000 >= lisa.seconds + peter.seconds + tom.seconds

    # Resuming the call as a one-input meeting would interleave mono into a two-channel file: refused in
    # one line, the recording untouched.
    audio = tmp_path / "sessions" / "call" / "audio.wav"
    before = audio.read_bytes()
    r = run_cli("record", "--headless", "--no-llm", "--from-file", str(lisa.path), "--session", "call",
                "--sessions-dir", str(tmp_path / "sessions"), env=virtual_mic.env, timeout=300)  # fmt: skip
    assert_one_error_line(r, "2 channel(s)", exit_code=RecordingError.exit_code)
    assert audio.read_bytes() == before
