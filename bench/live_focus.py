"""Live-focus vs full-schema extraction on the same live-sized windows: answer tokens, time, items.

    python -m bench.live_focus [--meeting tls-cert] [--lines 12]

The live scheduler sends ~10-15 new lines (plus 6 of context) at a time. This bench transcribes a
fixture meeting once, cuts it into such windows, and asks the embedded LLM for each window twice,
once per focus, alternating the order so both see the same machine load. Figures are ratios of the
live run to the full-schema run measured in the same process. Writes bench/results/live_focus.json.
"""

from __future__ import annotations

import argparse
import json
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from assistant.config import Settings, load_settings
from assistant.domain.postmortem import MeetingDetails
from assistant.domain.transcript import Segment
from assistant.extraction.extractor import Focus
from assistant.extraction.factory import open_extractor
from assistant.extraction.windows import Window
from assistant.transcription.file import transcribe_file
from bench.fixture_script import read_script

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"


def transcribe_fixture(meeting: str, settings: Settings) -> tuple[list[Segment], MeetingDetails]:
    """A fixture meeting's lines (tiny.en, as `assistant process` hears them) and its header's details."""
    folder = ROOT / "fixtures" / "meetings" / meeting
    script = read_script(folder / "script.txt")
    details = MeetingDetails(attendees=script.attendees, date=script.meeting_date)
    return list(transcribe_file(folder / "meeting.flac", settings, script.attendees).segments), details


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--meeting", default="tls-cert")
    parser.add_argument("--lines", type=int, default=12, help="new lines per live window")
    args = parser.parse_args()
    settings = load_settings()
    segments, details = transcribe_fixture(args.meeting, settings)
    windows = []
    for n, first in enumerate(range(0, len(segments), args.lines)):
        context = min(6, first)
        windows.append(Window(index=n, segments=tuple(segments[first - context : first + args.lines]), overlap=context))
    focuses: tuple[Focus, Focus] = ("live", "full")
    zero = {"seconds": 0.0, "completion_tokens": 0, "items": 0, "failed": 0}
    per: dict[Focus, dict[str, Any]] = {f: dict(zero) for f in focuses}
    with ExitStack() as stack:
        base = open_extractor(settings, stack)
        client = base.client
        base.extract_window(windows[0], details)  # warm the prompt cache and the page cache
        for window in windows:
            order: list[Focus] = ["live", "full"] if window.index % 2 == 0 else ["full", "live"]
            for focus in order:
                before = client.usage.completion_tokens
                started = time.perf_counter()
                found, status = base.focused(focus).extract_window(window, details)
                stats = per[focus]
                stats["seconds"] += time.perf_counter() - started
                stats["completion_tokens"] += client.usage.completion_tokens - before
                stats["items"] += len(found.decisions) + len(found.action_items) + len(found.open_questions)
                stats["failed"] += 0 if status.ok else 1
    result = {
        "meeting": args.meeting,
        "windows": len(windows),
        "per_focus": per,
        "time_ratio_live_vs_full": round(per["live"]["seconds"] / per["full"]["seconds"], 3),
        "token_ratio_live_vs_full": round(
            per["live"]["completion_tokens"] / max(1, per["full"]["completion_tokens"]), 3
        ),
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "live_focus.json").write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
