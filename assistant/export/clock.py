"""Formatting of recording-relative times (seconds from the start of the recording) for exports."""

from __future__ import annotations

import math


def _whole_ms(seconds: float) -> int:
    # Negative or non-finite times come only from bad upstream data; clamp rather than print "-1:59".
    if not math.isfinite(seconds) or seconds < 0:
        return 0
    return round(seconds * 1000)


def meeting_clock(seconds: float) -> str:
    """Short meeting time for documents: "mm:ss", or "h:mm:ss" from one hour on (rounded down)."""
    total = _whole_ms(seconds) // 1000
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{secs:02d}"
    return f"{minutes:02d}:{secs:02d}"


def hms(seconds: float) -> str:
    """Fixed-width "HH:MM:SS" (rounded down), for plain-text transcripts."""
    total = _whole_ms(seconds) // 1000
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}"


def cue_timestamp(seconds: float, *, decimal: str) -> str:
    """Subtitle timestamp "HH:MM:SS<decimal>mmm": decimal "," for SRT, "." for WebVTT."""
    ms = _whole_ms(seconds)
    total, millis = divmod(ms, 1000)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}{decimal}{millis:03d}"
