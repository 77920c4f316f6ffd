"""Own logic of call recordings, on synthetic signals and lines: which side a line came from (with and
without echo), echo lines dropped by text, the silent-side warning, pairing two input clocks, the
two-channel WAV's crash repair. The real devices and models are in test_call_live.py / test_call_kill.py."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest

from assistant.audio.call import CallCapture
from assistant.audio.recorder import WavRecorder, recover_wav
from assistant.domain.transcript import Segment
from assistant.live.callmix import CallMixer
from assistant.live.echo import EchoFilter, drop_echoes
from assistant.live.sides import SideTagger, echo_share, side_of
from assistant.live.silence import MESSAGES, SilenceWatch
from assistant.speakers.names import SpeakerNames
from assistant.speakers.sides import FACILITATOR, name_facilitator

RATE = 16_000


def _voice(seconds: float, seed: int, level: float = 0.2) -> npt.NDArray[np.float32]:
    """Speech-like: noise shaped by a 4 Hz syllable envelope (so silence gaps exist, as in speech)."""
    rng = np.random.default_rng(seed)
    t = np.arange(round(seconds * RATE)) / RATE
    env = np.clip(np.sin(2 * np.pi * 4 * t), 0, None)
    return (level * env * rng.standard_normal(t.size)).astype(np.float32)


def _delay(x: npt.NDArray[np.float32], seconds: float, gain: float) -> npt.NDArray[np.float32]:
    n = round(seconds * RATE)
    return (gain * np.concatenate([np.zeros(n, np.float32), x[: x.size - n]])).astype(np.float32)


def _room(seconds: float, seed: int) -> npt.NDArray[np.float32]:
    return (0.0005 * np.random.default_rng(seed).standard_normal(round(seconds * RATE))).astype(np.float32)


def test_the_facilitator_alone_is_the_mic() -> None:
    assert side_of(_voice(3, 1), _room(3, 2)) == "mic"


def test_the_call_alone_is_the_call() -> None:
    assert side_of(_room(3, 2), _voice(3, 1)) == "call"


@pytest.mark.parametrize("gain", [0.3, 1.0, 2.0])
def test_echo_of_the_call_is_the_call_even_when_the_mic_hears_it_louder(gain: float) -> None:
    call = _voice(3, 3, level=0.1)
    mic = _delay(call, 0.12, gain) + _room(3, 4)
    assert echo_share(mic.astype(np.float64), call.astype(np.float64), 8000) > 0.9
    assert side_of(mic, call) == "call"  # energy alone would say "mic" at gain 2


def test_the_facilitator_talking_over_a_quiet_echo_is_the_mic() -> None:
    call = _voice(3, 5, level=0.05)
    mic = _voice(3, 6, level=0.3) + _delay(call, 0.1, 0.5)
    assert side_of(mic, call) == "mic"


def test_tagger_reads_the_lines_own_time_span() -> None:
    tagger = SideTagger()
    mic_part = np.stack([_voice(2, 7), _room(2, 8)], axis=1)
    call_part = np.stack([_room(2, 9), _voice(2, 10)], axis=1)
    for block in np.split(np.concatenate([mic_part, call_part]), 40):
        tagger.add(block)
    first = tagger.tag(Segment(id=0, start=0.1, end=1.9, text="hello"))
    second = tagger.tag(Segment(id=1, start=2.1, end=3.9, text="hi"))
    assert (first.side, first.speaker) == ("mic", FACILITATOR)
    assert (second.side, second.speaker) == ("call", None)


def _seg(i: int, start: float, text: str, side: str) -> Segment:
    return Segment.model_validate({"id": i, "start": start, "end": start + 2, "text": text, "side": side})


def test_a_late_echo_copy_is_dropped_and_the_call_copy_kept() -> None:
    lines = [_seg(0, 10.0, "We renewed the certificate by hand.", "call"),
             _seg(1, 10.8, "we renewed the certificate by hand", "mic"),
             _seg(2, 11.5, "Thanks, Tom. Who owns the renewal job?", "mic")]  # fmt: skip
    echo = EchoFilter()
    assert [s.id for s in echo.keep(lines)] == [0, 2]
    assert echo.dropped == 1
    assert [s.id for s in drop_echoes(lines)] == [0, 2]


def test_the_same_words_said_later_by_the_facilitator_are_kept() -> None:
    lines = [_seg(0, 10.0, "Yes.", "call"), _seg(1, 30.0, "Yes.", "mic")]
    assert [s.id for s in EchoFilter().keep(lines)] == [0, 1]


def test_side_is_left_out_of_saved_lines_without_one() -> None:
    plain = Segment(id=0, start=0, end=1, text="x")
    assert "side" not in plain.model_dump_json()
    tagged = Segment.model_validate_json(_seg(1, 0, "x", "call").model_dump_json())
    assert tagged.side == "call"
    assert Segment.model_validate_json('{"id": 2, "start": 0, "end": 1, "text": "old"}').side is None


def test_silence_on_one_side_warns_once_per_silence() -> None:
    watch = SilenceWatch()
    said = [m for t in range(0, 59) for m in watch.update((-20.0, -90.0), float(t))]
    assert said == []
    assert watch.update((-20.0, -90.0), 60.0) == [MESSAGES[1]]
    assert watch.update((-20.0, -90.0), 90.0) == []
    assert watch.silent(1) and not watch.silent(0)
    watch.update((-20.0, -30.0), 91.0)  # the call is heard again: a new silence warns again
    assert not watch.silent(1)
    assert watch.update((-20.0, -90.0), 152.0) == [MESSAGES[1]]


def test_the_facilitator_is_named_once() -> None:
    names = SpeakerNames()
    assert name_facilitator(names, "Lisa") and names.name_of(FACILITATOR) == "Lisa"
    assert not name_facilitator(names, "Someone else")
    assert names.name_of(FACILITATOR) == "Lisa"


class _Blocks:
    """A Capture stand-in with scripted blocks (the clocks of two real streams, reproducibly)."""

    def __init__(self, blocks: list[npt.NDArray[np.float32]]) -> None:
        self.blocks = list(blocks)
        self.finished = False
        self.dropped_seconds = 0.0

    def read(self, timeout: float = 0.1) -> npt.NDArray[np.float32] | None:
        return self.blocks.pop(0) if self.blocks else None


def test_call_samples_stay_aligned_to_the_mic_when_blocks_arrive_unevenly() -> None:
    call = np.arange(8000, dtype=np.float32)
    mic = [np.full(1600, i, dtype=np.float32) for i in range(5)]
    uneven = [call[:1000], call[1000:4000], call[4000:4500], call[4500:8000]]
    cap = CallCapture(_Blocks(mic), _Blocks(uneven))  # type: ignore[arg-type]
    pairs = [cap.read() for _ in range(5)]
    got = np.concatenate([p[:, 1] for p in pairs if p is not None])
    assert np.array_equal(got, call)
    assert cap.call_padded_seconds == 0.0


class _Late(_Blocks):
    """A call stream whose second block is late: nothing while the mic's second block is paired, then
    two blocks at once (None: nothing arrived within that read's timeout)."""

    def __init__(self) -> None:
        one, two, three = (np.full(1600, v, np.float32) for v in (1, 2, 3))
        super().__init__([])
        self.items: list[npt.NDArray[np.float32] | None] = [one, None, None, None, two, three]

    def read(self, timeout: float = 0.1) -> npt.NDArray[np.float32] | None:
        return self.items.pop(0) if self.items else None


def test_a_late_call_block_is_silence_in_its_slot_and_the_channels_stay_aligned() -> None:
    mic = [np.full(1600, i, dtype=np.float32) for i in range(3)]
    cap = CallCapture(_Blocks(mic), _Late())  # type: ignore[arg-type]
    got = [cap.read() for _ in range(3)]
    assert [float(p[0, 1]) for p in got if p is not None] == [1.0, 0.0, 3.0]  # block 2 came too late
    assert cap.call_padded_seconds == pytest.approx(0.1) and cap.call_skipped_seconds == pytest.approx(0.1)
    assert cap.dropped_seconds == pytest.approx(0.1)


def test_a_call_stream_that_never_started_is_silence_not_loss() -> None:
    cap = CallCapture(_Blocks([np.ones(1600, np.float32)]), _Blocks([]))  # type: ignore[arg-type]
    pair = cap.read()
    assert pair is not None and pair.shape == (1600, 2)
    assert not pair[:, 1].any()
    assert cap.dropped_seconds == 0.0


def test_a_call_clock_running_ahead_loses_its_oldest_samples() -> None:
    ahead = [np.zeros(16000, np.float32)]
    cap = CallCapture(_Blocks([np.ones(1600, np.float32)]), _Blocks(ahead))  # type: ignore[arg-type]
    cap.read()
    assert cap.call_skipped_seconds == pytest.approx(1.0 - 0.1 - 0.5)


def test_two_channel_recording_resumes_and_repairs(tmp_path: Path) -> None:
    path = tmp_path / "audio.wav"
    block = np.stack([np.full(1600, 0.25, np.float32), np.full(1600, -0.5, np.float32)], axis=1)
    with WavRecorder(path, channels=2) as rec:
        rec.write(block)
    frames = path.read_bytes()[44:]
    with path.open("ab") as f:  # a crash: audio past the stale header, ending 3 bytes into a frame
        f.write(frames + frames[:3])
    assert recover_wav(path) == pytest.approx(0.2)
    with WavRecorder(path, resume=True, channels=2) as rec:
        assert rec.resumed_duration == pytest.approx(0.2)
        rec.write(block)
        assert rec.duration == pytest.approx(0.3)
    pcm = np.frombuffer(path.read_bytes()[44:], dtype="<i2").reshape(-1, 2)
    assert pcm.shape == (4800, 2) and (pcm[:, 0] == 8192).all() and (pcm[:, 1] == -16384).all()
    with pytest.raises(Exception, match="2 channel"):
        WavRecorder(path, resume=True)  # a mono meeting cannot continue a call's recording


def _mixed(mic: npt.NDArray[np.float32], call: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
    mixer = CallMixer()
    return np.concatenate([mixer.mix(np.stack([mic[i : i + 1600], call[i : i + 1600]], axis=1))
                           for i in range(0, mic.size, 1600)])  # fmt: skip


def _residual(x: npt.NDArray[np.floating], y: npt.NDArray[np.floating]) -> float:
    """Energy of x - y relative to y's, in dB (after the first second the mixer needs to lock on)."""
    a, b = x[RATE:].astype(np.float64), y[RATE:].astype(np.float64)
    return 10 * float(np.log10(np.sum((a - b) ** 2) / np.sum(b**2)))


@pytest.mark.parametrize("delay", [0.03, 0.12, 0.4])
def test_the_mix_for_asr_has_the_call_once_not_its_echo(delay: float) -> None:
    call = _voice(6, 11, level=0.1)
    mic = _delay(call, delay, 0.6) + _room(6, 12)
    assert _residual(_mixed(mic, call), call / 2) < -15  # the echo is gone: the mix is the call alone
    assert _residual(((mic + call) / 2).astype(np.float32), call / 2) > -6  # a plain mix keeps it


def test_the_facilitator_talking_over_the_call_stays_in_the_mix() -> None:
    call, own = _voice(6, 13, level=0.1), _voice(6, 14, level=0.2)
    mic = own + _delay(call, 0.12, 0.6)
    assert _residual(_mixed(mic, call), (own + call) / 2) < -10
