"""The fixture meetings the postmortem bench drafts from: their details and expected.json, and a transcript
from the script (a perfect ASR and diarizer) or from Whisper on meeting.flac (cached, with speaker names)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.config import Settings
from assistant.domain.postmortem import MeetingDetails
from assistant.domain.transcript import Segment, Transcript
from bench.fixture_script import read_script

ROOT = Path(__file__).resolve().parents[1]
MEETINGS = ROOT / "fixtures" / "meetings"
RESULTS = ROOT / "bench" / "results"
CACHE = RESULTS / "postmortem_cache"


@dataclass(frozen=True)
class Meeting:
    name: str
    folder: Path
    details: MeetingDetails
    turns: list[dict[str, Any]]
    duration: float
    expected: dict[str, Any]


def load_meeting(name: str, root: Path = MEETINGS) -> Meeting:
    folder = root / name
    header = read_script(folder / "script.txt").header
    timing = json.loads((folder / "turns.json").read_text(encoding="utf-8"))
    expected = json.loads((folder / "expected.json").read_text(encoding="utf-8"))
    details = MeetingDetails(
        title=header.get("title"),
        date=dt.date.fromisoformat(header["meeting_date"]) if header.get("meeting_date") else None,
        attendees=[a.strip() for a in header.get("attendees", "").split(",") if a.strip()],
        facilitator=header.get("facilitator"),
        incident_id=header.get("incident_id"),
        severity=header.get("severity"),
    )
    return Meeting(name, folder, details, timing["turns"], float(timing["duration"]), expected)


def script_transcript(meeting: Meeting) -> Transcript:
    """One segment per spoken turn, with the speaker's name: what a perfect ASR and diarizer would give."""
    segments = [
        Segment(id=i, start=float(t["start"]), end=float(t["end"]), text=str(t["text"]), speaker=str(t["speaker"]))
        for i, t in enumerate(meeting.turns)
    ]
    return Transcript(segments=segments, duration=meeting.duration)


def assign_speakers(transcript: Transcript, turns: Sequence[dict[str, Any]]) -> Transcript:
    """Each segment gets the speaker of the turn it overlaps most (the nearest turn when it overlaps none)."""
    segments = []
    for seg in transcript.segments:
        best, best_key = None, (-1.0, 0.0)
        for t in turns:
            overlap = min(seg.end, t["end"]) - max(seg.start, t["start"])
            distance = abs((seg.start + seg.end) / 2 - (t["start"] + t["end"]) / 2)
            key = (max(overlap, 0.0), -distance)
            if best is None or key > best_key:
                best, best_key = t["speaker"], key
        segments.append(seg.model_copy(update={"speaker": best}))
    return transcript.model_copy(update={"segments": segments})


def hotwords(details: MeetingDetails, settings: Settings) -> list[str]:
    """What `assistant process` passes to Whisper: the attendees, then the configured vocabulary."""
    return [*details.attendees, *settings.asr.vocabulary]


def asr_cache_path(meeting: Meeting, settings: Settings) -> Path:
    audio = hashlib.sha256((meeting.folder / "meeting.flac").read_bytes()).hexdigest()
    asr = hashlib.sha1(
        (settings.asr.model_dump_json() + "|" + ",".join(hotwords(meeting.details, settings))).encode()
    ).hexdigest()[:10]
    return CACHE / f"{meeting.name}.{audio[:16]}.{asr}.json"


def asr_transcript(meeting: Meeting, settings: Settings) -> tuple[Transcript, bool]:
    """(transcript with speaker names, whether it came from the cache)."""
    path = asr_cache_path(meeting, settings)
    if path.is_file():
        try:
            return Transcript.model_validate_json(path.read_text(encoding="utf-8")), True
        except ValueError:
            pass
    from assistant.transcription.file import transcribe_file

    raw = transcribe_file(meeting.folder / "meeting.flac", settings, hotwords(meeting.details, settings))
    transcript = assign_speakers(raw, meeting.turns)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(transcript.model_dump_json(indent=1), encoding="utf-8")
    tmp.replace(path)
    return transcript, False
