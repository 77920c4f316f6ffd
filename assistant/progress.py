"""A progress bar on stderr: redrawn in place on a terminal, a few plain lines otherwise (logs, CI)."""

from __future__ import annotations

import sys
from typing import TextIO


def _clock(seconds: float) -> str:
    s = int(seconds)
    return f"{s // 3600}:{s % 3600 // 60:02d}:{s % 60:02d}"


class ProgressBar:
    def __init__(self, label: str, stream: TextIO | None = None, width: int = 30) -> None:
        self.label = label
        self.stream = stream or sys.stderr
        self.width = width
        self.tty = self.stream.isatty()
        self._last_decile = -1

    def time(self, position: float, total: float) -> None:
        """Position / duration of the audio (transcription)."""
        self._draw(position / total if total else 1.0, f"{_clock(position)} / {_clock(total)}")

    def count(self, done: int, total: int) -> None:
        self._draw(done / total if total else 1.0, f"{done}/{total}")

    def _draw(self, frac: float, detail: str) -> None:
        frac = min(max(frac, 0.0), 1.0)
        if self.tty:
            filled = int(frac * self.width)
            bar = "█" * filled + "░" * (self.width - filled)
            self.stream.write(f"\r{self.label} {bar} {frac:4.0%} {detail}")
            if frac >= 1.0:
                self.stream.write("\n")
            self.stream.flush()
            return
        decile = int(frac * 10)
        if decile != self._last_decile and (decile % 5 == 0 or decile == 10):
            self._last_decile = decile
            self.stream.write(f"{self.label}: {frac:.0%} ({detail})\n")
            self.stream.flush()
