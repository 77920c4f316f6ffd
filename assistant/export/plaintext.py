"""Flattening untrusted text (speech, LLM output, user edits) to one clean line, for every export format."""

from __future__ import annotations

import unicodedata

# Bidi overrides/isolates can make a line display differently from what it contains ("Trojan source").
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def one_line(text: str) -> str:
    """Collapse all whitespace (newlines included) to single spaces; drop control and bidi characters.

    Line structure is what every format uses for its own syntax (table rows, list items, subtitle
    cues), so text must never bring its own line breaks; control characters (e.g. terminal escapes)
    have no place in a document.
    """
    cleaned = "".join(
        ch for ch in text if ch not in _BIDI_CONTROLS and (ch.isspace() or unicodedata.category(ch) != "Cc")
    )
    return " ".join(cleaned.split())
