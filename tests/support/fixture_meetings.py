"""Read the fixture meetings (script, expected labels) the tests run the real models on."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.fixture_script import Script, read_script

MEETINGS = Path(__file__).resolve().parents[2] / "fixtures" / "meetings"
TEST_MEETINGS = ("cache-stampede", "queue-backlog", "tls-cert")


@dataclass(frozen=True)
class FixtureMeeting:
    name: str
    folder: Path
    header: dict[str, str]
    turns: list[tuple[str, str]]
    expected: dict[str, Any]

    @property
    def audio(self) -> Path:
        return self.folder / "meeting.flac"

    @property
    def attendees(self) -> list[str]:
        return Script(self.header, self.turns).attendees

    @property
    def meeting_date(self) -> dt.date:
        return dt.date.fromisoformat(self.header["meeting_date"])

    @property
    def script_text(self) -> str:
        return " ".join(text for _, text in self.turns)


def load_meeting(name: str) -> FixtureMeeting:
    folder = MEETINGS / name
    script = read_script(folder / "script.txt")
    expected = json.loads((folder / "expected.json").read_text(encoding="utf-8"))
    return FixtureMeeting(name, folder, script.header, script.turns, expected)
