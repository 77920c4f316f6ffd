"""AMI meetings as the detector's training lines: transcript turns and their sentences, each labelled with
the kinds of the gold items whose evidence dialogue acts it holds (the rules: scripts/train_detector.py)."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.extraction.detector import KINDS, split_sentences

LINE = re.compile(r"^\[(\d+):(\d+)\] (\S+) \(([^)]*)\): ?(.*)$")
TOKEN = re.compile(r"[a-z0-9']+")
LABEL_KINDS = (*KINDS, "problem")  # "problem": every problems_detail item (a broader question label, compared)


@dataclass
class Turn:
    start: float
    speaker: str
    text: str
    labels: set[str] = field(default_factory=set)
    time_labels: set[str] = field(default_factory=set)  # the plain +-1 s time-overlap rule, for comparison


@dataclass
class Unit:
    """One scored line: a whole turn or one sentence of it."""

    text: str
    meeting: str
    turn: int
    position: float
    labels: set[str]


@dataclass
class Meeting:
    id: str
    duration: float
    turns: list[Turn]
    sentences: list[Unit]


def parse_turns(transcript: str) -> list[Turn]:
    turns = []
    for line in transcript.split("\n"):
        m = LINE.match(line)
        if m:
            turns.append(Turn(int(m[1]) * 60 + int(m[2]), m[3], m[5]))
    return turns


def evidence(meeting: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    return {
        "decision": [e for d in meeting["decisions_detail"] for e in d["evidence"]],
        "action": [e for d in meeting["action_items"] for e in d["evidence"]],
        "question": [e for d in meeting["problems_detail"] if d["question_form"] for e in d["evidence"]],
        "problem": [e for d in meeting["problems_detail"] for e in d["evidence"]],
    }


def containing_turn(turns: Sequence[Turn], da: dict[str, Any]) -> int | None:
    best = None
    for i, t in enumerate(turns):
        if t.start > da["start"] + 1.0:
            break
        if t.speaker == da["speaker"]:
            best = i
    return best


def tokens(text: str) -> list[str]:
    return TOKEN.findall(text.lower())


def locate(text: str, da_text: str) -> tuple[int, int] | None:
    """Character span of the DA inside its turn: exact, else the sentence window with most token overlap."""
    needle = da_text.strip()
    if needle:
        at = text.find(needle)
        if at >= 0:
            return at, at + len(needle)
    want = set(tokens(da_text))
    if not want:
        return None
    best, best_score = None, 0.0
    for a, b in split_sentences(text):
        have = set(tokens(text[a:b]))
        score = len(want & have) / max(len(want | have), 1)
        if score > best_score:
            best, best_score = (a, b), score
    return best if best_score >= 0.5 else None


def load_meetings(path: Path, asr_path: Path | None = None) -> tuple[list[Meeting], dict[str, int]]:
    meetings, stats = [], {"evidence": 0, "placed": 0, "located": 0}
    asr: dict[str, str] = {}
    if asr_path is not None:
        for line in asr_path.read_text().splitlines():
            row = json.loads(line)
            asr[row["id"]] = row["transcript"]
    for line in path.read_text().splitlines():
        raw = json.loads(line)
        turns = parse_turns(raw["transcript"] if asr_path is None else asr[raw["id"]])
        spans: dict[int, list[tuple[str, tuple[int, int]]]] = {}
        for kind, das in evidence(raw).items():
            for da in das:
                stats["evidence"] += 1
                i = containing_turn(turns, da)
                if i is None:
                    continue
                stats["placed"] += 1
                turns[i].labels.add(kind)
                span = locate(turns[i].text, da["text"])
                if span is not None:
                    stats["located"] += 1
                    spans.setdefault(i, []).append((kind, span))
                for j, t in enumerate(turns):  # the time-only rule: turn [start, next start) within +-1 s
                    end = turns[j + 1].start if j + 1 < len(turns) else raw["duration_s"]
                    if t.start <= da["end"] + 1.0 and end >= da["start"] - 1.0:
                        t.time_labels.add(kind)
        duration = float(raw["duration_s"]) or 1.0
        sentences = []
        for i, t in enumerate(turns):
            for a, b in split_sentences(t.text) or [(0, len(t.text))]:
                labels = set()
                for kind, (x, y) in spans.get(i, []):
                    overlap = min(b, y) - max(a, x)
                    if overlap > 0 and overlap >= 0.5 * min(b - a, y - x):
                        labels.add(kind)
                sentences.append(Unit(t.text[a:b], raw["id"], i, min(t.start / duration, 1.0), labels))
        meetings.append(Meeting(raw["id"], duration, turns, sentences))
    return meetings, stats


def turn_units(meetings: Sequence[Meeting]) -> list[Unit]:
    return [
        Unit(t.text, m.id, i, min(t.start / m.duration, 1.0), t.labels) for m in meetings for i, t in enumerate(m.turns)
    ]
