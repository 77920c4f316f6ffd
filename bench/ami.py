"""AMI dev meetings as benchmark input: transcript lines → Segments, gold decisions and action items.

Speaker labels keep the letter only (`B (Project Manager)` → `B`): the gold owner is an AMI role,
so showing roles would hand the model the answer. Gold owners are mapped to letters through the
meeting's `speakers` map, and so are predicted owners (see `owner_letter`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

from assistant.domain.transcript import Segment

Kind = Literal["decision", "action"]
Clip = Literal["first", "last"]

_LINE = re.compile(r"^\[(?:(\d+):)?(\d+):(\d{2})\]\s+([A-Z])(?:\s+\([^)]*\))?:\s?(.*)$")
_ABBREVIATIONS = {"PM": "Project Manager", "ME": "Marketing Expert", "ID": "Industrial Designer",
                  "UI": "User Interface Designer"}  # fmt: skip
_OWNER_NOISE = re.compile(r"^(?:the|speaker|spk|participant|person)\s+|[\s.:;,!'\"()]+$", re.I)
_NOBODY = frozenset({"", "none", "null", "n/a", "na", "nobody", "no one", "unknown", "unassigned", "tbd"})
# What makes a raw owner string "not one person" for the baseline, which has no checks of its own.
_PLURAL = re.compile(
    r"\b(?:and|or|both|all|everyone|everybody|team|group|we|us|they|someone|somebody|anyone)\b|[,&/+]", re.I
)


@dataclass(frozen=True)
class Line:
    index: int
    """Position in the meeting's full transcript: the segment id, stable whatever the clip."""
    start: float
    speaker: str
    text: str


@dataclass(frozen=True)
class GoldItem:
    kind: Kind
    text: str
    spans: tuple[tuple[float, float], ...]
    """Times of the dialogue acts the annotator linked to this item (may be empty)."""
    owner_letter: str | None = None
    single_owner: bool = True
    """False for action items whose owner_status is a group, several roles or unspecified."""
    owner_status: str = ""
    required: bool = True
    """False when the item lies only partly inside the clip (or its place is unknown): matching it
    is neither rewarded nor penalised."""


@dataclass
class Meeting:
    id: str
    duration_s: float
    speakers: dict[str, str]
    """Letter → AMI role name ("Project Manager")."""
    lines: list[Line]
    decisions: list[GoldItem] = field(default_factory=list)
    actions: list[GoldItem] = field(default_factory=list)

    @property
    def letters(self) -> list[str]:
        return sorted(self.speakers)

    def gold(self) -> list[GoldItem]:
        return [*self.decisions, *self.actions]


def parse_transcript(text: str) -> list[Line]:
    """`[mm:ss] B (Project Manager): text` lines (hours optional) → Lines; other lines are skipped."""
    lines: list[Line] = []
    for raw in text.splitlines():
        m = _LINE.match(raw.strip())
        if m is None:
            continue
        hours, minutes, seconds, speaker, said = m.groups()
        start = int(hours or 0) * 3600 + int(minutes) * 60 + int(seconds)
        if said.strip():
            lines.append(Line(len(lines), float(start), speaker, said.strip()))
    return lines


def to_segments(lines: list[Line], end_of_last: float) -> list[Segment]:
    """A segment per line; it ends where the next line starts (AMI stamps are whole seconds)."""
    segments = []
    for i, line in enumerate(lines):
        end = lines[i + 1].start if i + 1 < len(lines) else max(end_of_last, line.start)
        segments.append(Segment(id=line.index, start=line.start, end=max(end, line.start), text=line.text,
                                speaker=line.speaker))  # fmt: skip
    return segments


def _spans(evidence: Iterable[dict[str, Any]]) -> tuple[tuple[float, float], ...]:
    out = []
    for e in evidence:
        start, end = e.get("start"), e.get("end")
        if isinstance(start, int | float) and isinstance(end, int | float):
            out.append((float(start), float(end)))
    return tuple(out)


def role_letters(speakers: dict[str, str]) -> dict[str, str]:
    """Role name → letter."""
    return {role.lower(): letter for letter, role in speakers.items()}


def parse_meeting(row: dict[str, Any], transcript: str | None = None) -> Meeting:
    """One `dev.jsonl` row; `transcript` replaces its manual transcript (e.g. the ASR version)."""
    speakers = {str(k): str(v["role_name"]) for k, v in row["speakers"].items()}
    by_role = role_letters(speakers)
    text = transcript if transcript is not None else row["transcript"]
    meeting = Meeting(str(row["id"]), float(row["duration_s"]), speakers, parse_transcript(text))
    for d in row.get("decisions_detail") or []:
        meeting.decisions.append(GoldItem("decision", d["text"], _spans(d.get("evidence") or [])))
    for a in row.get("action_items") or []:
        status = str(a.get("owner_status") or "")
        owner = a.get("owner_speaker") or (by_role.get(str(a["owner"]).lower()) if a.get("owner") else None)
        meeting.actions.append(
            GoldItem("action", a["text"], _spans(a.get("evidence") or []), owner_letter=owner,
                     single_owner=status.startswith("single"), owner_status=status)
        )  # fmt: skip
    return meeting


def load_meetings(gold: Path, transcripts: Path | None = None) -> list[Meeting]:
    """Meetings of a gold file, in file order; `transcripts` (same ids) swaps in other transcripts."""
    swap: dict[str, str] = {}
    if transcripts is not None:
        for raw in transcripts.read_text(encoding="utf-8").splitlines():
            if raw.strip():
                row = json.loads(raw)
                swap[row["id"]] = row["transcript"]
    meetings = []
    for raw in gold.read_text(encoding="utf-8").splitlines():
        if not raw.strip():
            continue
        row = json.loads(raw)
        if transcripts is not None and row["id"] not in swap:
            continue
        meetings.append(parse_meeting(row, swap.get(row["id"]) if transcripts is not None else None))
    return meetings


@dataclass
class ClippedMeeting:
    meeting: Meeting
    segments: list[Segment]
    start: float
    end: float
    clipped: bool
    decisions: list[GoldItem]
    actions: list[GoldItem]

    @property
    def minutes(self) -> float:
        return max(self.end - self.start, 0.0) / 60

    def required(self, kind: Kind) -> list[GoldItem]:
        return [g for g in (self.decisions if kind == "decision" else self.actions) if g.required]


def _place(item: GoldItem, start: float, end: float, clipped: bool) -> GoldItem | None:
    """Required when every linked dialogue act is inside [start, end]; optional when only some are, or
    when the item has no times and the meeting was clipped; dropped when none is inside."""
    if not clipped:
        return item
    if not item.spans:
        return replace(item, required=False)
    inside = [s >= start - 1 and e <= end + 1 for s, e in item.spans]  # 1 s: stamps are whole seconds
    touching = [s <= end and e >= start for s, e in item.spans]
    if all(inside):
        return item
    return replace(item, required=False) if any(touching) else None


def clip_meeting(meeting: Meeting, max_minutes: float | None, clip: Clip = "last") -> ClippedMeeting:
    """Keep the first or last `max_minutes` of the transcript (None: all of it) and the gold inside."""
    lines = meeting.lines
    duration = max(meeting.duration_s, lines[-1].start if lines else 0.0)
    clipped = max_minutes is not None and max_minutes * 60 < duration
    if clipped:
        assert max_minutes is not None
        if clip == "first":
            lines = [ln for ln in lines if ln.start < max_minutes * 60]
        else:
            lines = [ln for ln in lines if ln.start >= duration - max_minutes * 60]
    # The last kept line ends where the next line of the full transcript starts, but a first-M clip
    # never reaches past M minutes (the next line may start long after the cut).
    following = {a.index: b.start for a, b in zip(meeting.lines, meeting.lines[1:], strict=False)}
    end_of_last = following.get(lines[-1].index, duration) if lines else 0.0
    if clipped and clip == "first" and lines:
        assert max_minutes is not None
        end_of_last = max(min(end_of_last, max_minutes * 60), lines[-1].start)
    segments = to_segments(lines, end_of_last)
    start = segments[0].start if segments else 0.0
    end = segments[-1].end if segments else 0.0
    decisions = [g for g in (_place(d, start, end, clipped) for d in meeting.decisions) if g is not None]
    actions = [g for g in (_place(a, start, end, clipped) for a in meeting.actions) if g is not None]
    return ClippedMeeting(meeting, segments, start, end, clipped, decisions, actions)


def owner_letter(owner: str | None, speakers: dict[str, str]) -> str | None:
    """A predicted owner as a speaker letter: "B", "Speaker B", "the Marketing Expert", "ME" → letter.

    Role names count because participants say them aloud ("the industrial designer will…"); any
    other name (real names are spoken in AMI too) cannot be mapped and counts as a wrong owner.
    """
    if owner is None:
        return None
    text = " ".join(owner.split())
    while True:
        stripped = _OWNER_NOISE.sub("", text)
        if stripped == text:
            break
        text = stripped
    if text.upper() in speakers and len(text) == 1:
        return text.upper()
    role = _ABBREVIATIONS.get(text, text)
    return role_letters(speakers).get(role.lower())


def names_one_owner(owner: str | None) -> bool:
    """For the baseline's raw owner string: does it name exactly one person (not a group/several/none)?"""
    text = " ".join((owner or "").split()).strip(" .").lower()
    return text not in _NOBODY and not _PLURAL.search(text)
