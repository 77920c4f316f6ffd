"""Child process for capture tests: record an AudioSource into a WAV, reporting progress as JSON lines.

    python -m tests.support.record_child OUT.wav --events EVENTS.jsonl --seconds 5 [--file IN] [--fast]
        [--call [--system-device NAME]]   (a call: mic + system output, two channels)

Runs in its own process because PortAudio reads the sound-server environment once, at import, and
because the kill -9 tests need a recorder they can kill. Events go to a file, not a pipe, so a
parent that does not read them can never block the recorder.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import IO, Any

from assistant.audio.decode import SAMPLE_RATE
from assistant.audio.recorder import WavRecorder
from assistant.audio.source import AudioSource


def _emit(out: IO[str], event: str, **fields: Any) -> None:
    out.write(json.dumps({"event": event, "t": time.monotonic(), **fields}) + "\n")
    out.flush()


def _source(args: argparse.Namespace) -> AudioSource:
    if args.call:
        from assistant.audio.call import CallCapture
        from assistant.audio.system import resolve_system

        return CallCapture.open(args.device, resolve_system(args.system_device))
    if args.file:
        from assistant.audio.filesource import FileSource

        return FileSource(args.file, realtime=not args.fast)
    from assistant.audio.capture import Capture

    return Capture(args.device)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("out", type=Path)
    parser.add_argument("--events", type=Path, required=True)
    parser.add_argument("--seconds", type=float, required=True, help="stop after this much audio")
    parser.add_argument("--file", type=Path, help="record this file through FileSource instead of the mic")
    parser.add_argument("--fast", action="store_true", help="FileSource as fast as possible")
    parser.add_argument("--device")
    parser.add_argument("--resume", action="store_true")
    parser.add_argument("--call", action="store_true")
    parser.add_argument("--system-device")
    args = parser.parse_args()
    wanted = round(args.seconds * SAMPLE_RATE)
    block_times: list[float] = []
    with open(args.events, "a", buffering=1) as events:
        source = _source(args)
        with WavRecorder(args.out, resume=args.resume, channels=2 if args.call else 1) as rec:
            source.start()
            _emit(events, "started")
            try:
                written = 0
                while written < wanted and not source.finished:
                    block = source.read(0.2)
                    if block is None:
                        continue
                    block_times.append(time.monotonic())
                    block = block[: wanted - written]
                    rec.write(block)
                    written += block.shape[0]
                    _emit(events, "block", frames=written)
            finally:
                source.stop()
        _emit(
            events,
            "done",
            frames=written,
            dropped_blocks=getattr(source, "dropped_blocks", 0),
            dropped_seconds=source.dropped_seconds,
            overflows=getattr(source, "overflows", 0),
            block_times=block_times,
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
