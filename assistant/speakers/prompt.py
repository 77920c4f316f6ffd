"""The interactive naming prompt of `assistant process` (only when stdin is a terminal)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TextIO

from assistant.export.clock import meeting_clock
from assistant.export.plaintext import one_line
from assistant.speakers.model import is_label
from assistant.speakers.names import SpeakerSummary, clean_name

SAMPLE_CHARS = 90


def describe(summary: SpeakerSummary) -> str:
    """`S1  talked 02:13 in 14 lines, e.g. [00:41] "I'll update the runbook…"`."""
    sample = one_line(summary.sample.text)
    if len(sample) > SAMPLE_CHARS:
        sample = sample[: SAMPLE_CHARS - 1] + "…"
    return (
        f"{summary.label}  talked {meeting_clock(summary.talk_time)} in {summary.segments} lines, "
        f'e.g. [{meeting_clock(summary.sample.start)}] "{sample}"'
    )


def ask_speaker_names(
    summaries: Sequence[SpeakerSummary], *, read: Callable[[str], str] = input, out: TextIO | None = None
) -> dict[str, str]:
    """Ask for a name per speaker; Enter skips one, end of input skips the rest.

    Giving two speakers the same name merges them (diarization split one person in two).
    """
    import sys

    stream = out or sys.stderr
    print(f"{len(summaries)} speakers found. Name them (Enter = leave anonymous; same name = merge):", file=stream)
    names: dict[str, str] = {}
    for summary in summaries:
        print("  " + describe(summary), file=stream)
        while True:
            try:
                answer = clean_name(read(f"  name for {summary.label}: "))
            except EOFError:
                return names
            if not is_label(answer.upper()):
                break
            print("  that is a label, not a name; type a name or press Enter", file=stream)
        if answer:
            names[summary.label] = answer
    return names
