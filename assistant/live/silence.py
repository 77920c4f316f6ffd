"""A side of a call that stays silent: usually the call plays through another device (headphones the
system monitor does not hear) or the microphone is muted. Said once per silence, on the owner thread."""

from __future__ import annotations

from dataclasses import dataclass, field

from assistant.live.sides import SILENT_DBFS

SILENT_FOR_S = 60.0
MESSAGES = (
    "no microphone audio for a minute: is the microphone muted or another input selected?",
    "no call audio for a minute: is the call playing through another device?",
)


@dataclass
class SilenceWatch:
    """Feed (mic, call) levels with the time; `update` returns the warnings due now (each once until
    that side is heard again)."""

    silent_for_s: float = SILENT_FOR_S
    _heard: list[float | None] = field(default_factory=lambda: [None, None])
    _warned: list[bool] = field(default_factory=lambda: [False, False])

    def update(self, levels: tuple[float, float], now: float) -> list[str]:
        due = []
        for side, level in enumerate(levels):
            if self._heard[side] is None:
                self._heard[side] = now  # the clock starts with the recording
            if level > SILENT_DBFS:
                self._heard[side], self._warned[side] = now, False
                continue
            heard = self._heard[side]
            if not self._warned[side] and heard is not None and now - heard >= self.silent_for_s:
                self._warned[side] = True
                due.append(MESSAGES[side])
        return due

    def silent(self, side: int) -> bool:
        """Whether that side's warning stands (for a UI's level line)."""
        return self._warned[side]
