"""The fixture meetings' `script.txt`, read in one place: `# key: value` header lines, then `Name: text` turns.

Used by the benches, the tests (`tests/support/fixture_meetings.py`) and `fixtures/synth.py`, so it is stdlib
only. Keys and values are stripped (`#  attendees: A, B` is `{"attendees": "A, B"}`); a malformed line is a
`ValueError` naming the file and line, never a silently different meeting.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

MEETINGS = Path(__file__).resolve().parents[1] / "fixtures" / "meetings"


@dataclass(frozen=True)
class Script:
    header: dict[str, str]
    turns: list[tuple[str, str]]
    """(speaker, text) in order."""

    @property
    def attendees(self) -> list[str]:
        return [a.strip() for a in self.header.get("attendees", "").split(",") if a.strip()]

    @property
    def meeting_date(self) -> dt.date | None:
        value = self.header.get("meeting_date")
        return dt.date.fromisoformat(value) if value else None

    @property
    def text(self) -> str:
        return " ".join(text for _, text in self.turns)


def parse_script(text: str, source: str = "script.txt") -> Script:
    header: dict[str, str] = {}
    turns: list[tuple[str, str]] = []
    for lineno, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        if line.startswith("#"):
            if turns:
                # A header line after the first turn is almost certainly a commented-out turn: refuse.
                raise ValueError(f"{source}:{lineno}: header line after the first turn")
            key, sep, value = line.lstrip("#").partition(":")
            if not sep or not key.strip():
                raise ValueError(f"{source}:{lineno}: header line must be '# key: value'")
            header[key.strip()] = value.strip()
            continue
        speaker, sep, said = line.partition(":")
        if not sep or not speaker.strip() or not said.strip():
            raise ValueError(f"{source}:{lineno}: turn line must be 'Name: text'")
        turns.append((speaker.strip(), said.strip()))
    return Script(header, turns)


def read_script(path: Path) -> Script:
    return parse_script(path.read_text(encoding="utf-8"), str(path))


def meeting_script(meeting: str) -> Script:
    """The script of `fixtures/meetings/<meeting>`."""
    return read_script(MEETINGS / meeting / "script.txt")


def attendees_of(audio: Path) -> list[str]:
    """The attendees in the script next to a fixture recording; none for any other recording."""
    script = audio.parent / "script.txt"
    return read_script(script).attendees if script.is_file() else []
