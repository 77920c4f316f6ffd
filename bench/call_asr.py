"""Call recordings: ASR on the mix of both channels vs on each channel, with and without echo.

A test call is built from a fixture meeting's own turns: the facilitator's turns on the microphone
channel, everyone else's on the call channel; with echo, the call is also heard by the microphone
120 ms later at half volume (laptop speakers, no headset). Each arm streams the live way
(`LIVE_STREAM`, tiny.en) on a simulated real-time clock that advances by the compute really spent,
so two streams (per channel) pay for each other's passes, as on a real machine:

- one input: the plain mix streamed as a one-input meeting (the baseline: what one mic would hear);
- --call: the echo-free mix (`assistant.live.callmix`), each committed line tagged by
  `assistant.live.sides` (what `record --call` does);
- per channel: one stream per channel, lines tagged by their channel, echo copies dropped by text
  (`assistant.live.echo.drop_echoes`), counted before and after.

Figures: WER (all lines, time order, vs the script), line side accuracy (against the turn a line
overlaps most), echo lines removed / kept wrongly, real mic lines removed wrongly, lag p50/p95.

    python -m bench.call_asr [--meeting tls-cert] [--turns 14]
"""

from __future__ import annotations

import argparse
import json
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from assistant.audio.decode import SAMPLE_RATE, Audio, decode_file
from assistant.config import load_settings
from assistant.domain.transcript import Segment
from assistant.live.callmix import CallMixer
from assistant.live.echo import drop_echoes
from assistant.live.sides import side_of
from assistant.transcription.streaming import LIVE_STREAM, StreamingTranscriber
from assistant.transcription.whisper import WhisperTranscriber
from bench.wer import wer

MEETINGS = Path(__file__).resolve().parents[1] / "fixtures" / "meetings"
RESULTS = Path(__file__).resolve().parent / "results" / "call_asr.json"
ECHO_DELAY_S, ECHO_GAIN = 0.12, 0.5
BLOCK_S = 0.5


@dataclass
class Call:
    mic: Audio
    call: Audio
    turns: list[tuple[str, float, float, str]]
    """(side, start, end, text) on the recording's clock."""

    @property
    def script(self) -> str:
        return " ".join(t[3] for t in self.turns)


def build_call(meeting: str, n_turns: int, echo: bool) -> Call:
    meta = json.loads((MEETINGS / meeting / "turns.json").read_text(encoding="utf-8"))
    audio = decode_file(MEETINGS / meeting / meeting_audio(meta))
    turns = meta["turns"][:n_turns]
    facilitator = turns[0]["speaker"]
    end = round((turns[-1]["end"] + 1.0) * SAMPLE_RATE)
    mic, call = np.zeros(end, np.float32), np.zeros(end, np.float32)
    out = []
    for t in turns:
        a, b = round(t["start"] * SAMPLE_RATE), round(t["end"] * SAMPLE_RATE)
        side = "mic" if t["speaker"] == facilitator else "call"
        (mic if side == "mic" else call)[a:b] = audio[a:b]
        out.append((side, float(t["start"]), float(t["end"]), str(t["text"])))
    if echo:
        d = round(ECHO_DELAY_S * SAMPLE_RATE)
        mic[d:] += ECHO_GAIN * call[:-d]
    rng = np.random.default_rng(7)
    mic += (0.0005 * rng.standard_normal(end)).astype(np.float32)  # a laptop mic's room noise
    return Call(mic, call, out)


def meeting_audio(meta: dict[str, object]) -> str:
    return str(meta.get("audio", "meeting.flac"))


@dataclass
class Arm:
    lines: list[Segment] = field(default_factory=list)
    lags: list[float] = field(default_factory=list)
    compute_s: float = 0.0


def stream(transcriber: WhisperTranscriber, channels: list[Audio]) -> list[Arm]:
    """Stream each channel live-style on one shared simulated clock (real compute time advances it)."""
    streams = [StreamingTranscriber(transcriber, **LIVE_STREAM) for _ in channels]
    arms = [Arm() for _ in channels]
    size, block = channels[0].size, round(BLOCK_S * SAMPLE_RATE)
    now, fed = 0.0, 0
    while fed < size:
        arrived = min(size, max(fed + block, int(now * SAMPLE_RATE) // block * block))
        now = max(now, arrived / SAMPLE_RATE)
        for s, audio in zip(streams, channels, strict=True):
            s.insert_audio(audio[fed:arrived])
        fed = arrived
        for s, arm in zip(streams, arms, strict=True):
            if s.ready or fed >= size:
                update = s.process()
                now += update.compute_s
                arm.compute_s += update.compute_s
                arm.lines += update.committed
                arm.lags.append(max(0.0, min(now, size / SAMPLE_RATE) - (update.audio_end_s - update.lag_s)))
    for s, arm in zip(streams, arms, strict=True):
        update = s.finish()
        arm.compute_s += update.compute_s
        arm.lines += update.committed
    return arms


def truth_side(call: Call, seg: Segment) -> str:
    overlap = {"mic": 0.0, "call": 0.0}
    for side, a, b, _ in call.turns:
        overlap[side] += max(0.0, min(b, seg.end) - max(a, seg.start))
    return max(overlap, key=lambda k: overlap[k])


def tagged(lines: list[Segment], side: str) -> list[Segment]:
    return [s.model_copy(update={"side": side}) for s in lines]


ROWS: dict[str, dict[str, object]] = {}
"""Every printed row, by condition and arm, for RESULTS."""


def score(name: str, call: Call, lines: list[Segment], lags: list[float], compute: float, extra: str = "") -> str:
    lines = sorted(lines, key=lambda s: s.start)
    text = " ".join(s.text for s in lines)
    right = sum(s.side == truth_side(call, s) for s in lines) if lines and lines[0].side else 0
    sides = f"{right}/{len(lines)}" if lines and lines[0].side else "-"
    p50, p95 = (float(np.percentile(lags, q)) for q in (50, 95)) if lags else (0.0, 0.0)
    error = wer(call.script, text)
    ROWS[f"{CONDITION[0]}: {name}"] = {
        "wer": round(error, 3), "sides_right": sides, "lag_p50_s": round(p50, 2), "lag_p95_s": round(p95, 2),
        "compute_s": round(compute, 1), "note": extra,
    }  # fmt: skip
    return (f"{name:24} WER {error:.3f}  sides right {sides:>7}  lag p50 {p50:5.2f} p95 {p95:5.2f} s"
            f"  compute {compute:6.1f} s  {extra}")  # fmt: skip


CONDITION = ["headset"]


def run(meeting: str, n_turns: int) -> None:
    settings = load_settings()
    transcriber = WhisperTranscriber(settings.asr, settings.storage.cache_dir, model="tiny.en")
    for echo in (False, True):
        CONDITION[0] = "echo" if echo else "headset"
        call = build_call(meeting, n_turns, echo)
        seconds = call.mic.size / SAMPLE_RATE
        print(f"\n{meeting}, {n_turns} turns, {seconds:.0f} s, {'echo (no headset)' if echo else 'headset (no echo)'}")
        (one,) = stream(transcriber, [((call.mic + call.call) / 2).astype(np.float32)])
        print(score("one input (plain mix)", call, one.lines, one.lags, one.compute_s))
        mixer = CallMixer()
        mix_start = time.perf_counter()
        mixed = np.concatenate([mixer.mix(np.stack([call.mic[i : i + 1600], call.call[i : i + 1600]], axis=1))
                                for i in range(0, call.mic.size, 1600)])  # fmt: skip
        mix_s = time.perf_counter() - mix_start
        (ours,) = stream(transcriber, [mixed])
        sides = [s.model_copy(update={"side": side_of(
            call.mic[round(s.start * SAMPLE_RATE) : round(s.end * SAMPLE_RATE)],
            call.call[round(s.start * SAMPLE_RATE) : round(s.end * SAMPLE_RATE)])}) for s in ours.lines]  # fmt: skip
        wrong_mic = sum(s.side == "mic" and truth_side(call, s) == "call" for s in sides)
        print(score("--call: echo-free mix", call, sides, ours.lags, ours.compute_s + mix_s,
                    f"echo mixing {mix_s:.1f} s; call lines tagged mic: {wrong_mic}"))  # fmt: skip
        mic_arm, call_arm = stream(transcriber, [call.mic, call.call])
        both = tagged(mic_arm.lines, "mic") + tagged(call_arm.lines, "call")
        kept = drop_echoes(both)
        echoes = [s for s in both if s.side == "mic" and truth_side(call, s) == "call"]
        removed = [s for s in both if s not in kept]
        echo_removed = sum(s in removed for s in echoes)
        real_removed = len(removed) - echo_removed
        lags = mic_arm.lags + call_arm.lags
        compute = mic_arm.compute_s + call_arm.compute_s
        print(score("per channel, raw", call, both, lags, compute, f"echo lines: {len(echoes)}"))
        one_p95 = float(np.percentile(one.lags, 95))
        ROWS[f"{CONDITION[0]}: two inputs vs one"] = {
            "compute_ratio_call": round((ours.compute_s + mix_s) / one.compute_s, 2),
            "compute_ratio_per_channel": round(compute / one.compute_s, 2),
            "lag_p95_ratio_call": round(float(np.percentile(ours.lags, 95)) / one_p95, 2),
            "lag_p95_ratio_per_channel": round(float(np.percentile(lags, 95)) / one_p95, 2),
        }
        print(f"{'':24} two inputs vs one: compute x{(ours.compute_s + mix_s) / one.compute_s:.2f} (--call) vs "
              f"x{compute / one.compute_s:.2f} (per channel); lag p95 x{np.percentile(ours.lags, 95) / one_p95:.2f} "
              f"vs x{np.percentile(lags, 95) / one_p95:.2f}")  # fmt: skip
        print(score("per channel, deduped", call, kept, lags, compute,
                    f"echo removed {echo_removed}/{len(echoes)}, kept wrongly {len(echoes) - echo_removed}, "
                    f"real mic lines removed {real_removed}"))  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--meeting", default="tls-cert")
    parser.add_argument("--turns", type=int, default=10)
    args = parser.parse_args()
    run(args.meeting, args.turns)
    RESULTS.write_text(json.dumps({"meeting": args.meeting, "turns": args.turns, "date": time.strftime("%Y-%m-%d"),
                                   "rows": ROWS}, indent=2) + "\n", encoding="utf-8")  # fmt: skip


if __name__ == "__main__":
    main()
