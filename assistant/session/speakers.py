"""`assistant speakers SESSION`: list a session's speakers, or name and merge them (persisted)."""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

from assistant.session.store import Session
from assistant.speakers.names import SpeakerNameError, speaker_summaries, transcript_labels
from assistant.speakers.prompt import describe


def parse_merges(items: Sequence[str]) -> list[tuple[str, str]]:
    """["S3=S1"] -> [("S3", "S1")]: merge S3 into S1."""
    from assistant.speakers.model import is_label

    pairs = []
    for item in items:
        source, sep, target = (x.strip().upper() for x in item.partition("="))
        if not sep or not is_label(source) or not is_label(target):
            raise SpeakerNameError(f"--merge: expected SOURCE=TARGET labels such as S3=S1, got {item!r}")
        pairs.append((source, target))
    return pairs


def run_speakers(root: Path, name: str, *, names: Mapping[str, str] | None = None, merges: Sequence[str] = ()) -> int:
    pairs = parse_merges(merges)
    changing = bool(names) or bool(pairs)
    with Session.open(root, name, readonly=not changing) as session:
        speakers = session.speakers
        transcript = session.transcript
        labels = transcript_labels(transcript, speakers)
        if not labels:
            print(f"Session {name!r} has no attributed speakers (speaker attribution was off or found nobody).")
            return 0
        for source, target in pairs:
            for label in (source, target):
                if speakers.canonical(label) not in labels:
                    raise SpeakerNameError(f"no speaker {label} in session {name!r} (speakers: {', '.join(labels)})")
            speakers.merge(source, target)
        if names:
            speakers.apply(names, transcript_labels(transcript, speakers))
        if changing:
            session.set_speakers(speakers)
        for summary in speaker_summaries(transcript, speakers):
            who = f"  = {summary.name}" if summary.name else ""
            sys.stdout.write(describe(summary) + who + "\n")
    return 0
