"""Whisper's non-speech tags ("[BLANK_AUDIO]", "(music)", "*sighs*", "♪"), which are not words anyone said.

Whisper was trained on subtitles, so silence and noise come out as the subtitler's annotations. In a
transcript they become lines the extractor reads and the facilitator must reject; they are dropped at
the adapter, before anything else sees them.
"""

from __future__ import annotations

import re

_TAG = re.compile(r"^\s*(?:\[[^\]]*\]|\([^)]*\)|\*[^*]*\*|[♪♫\s]+)\s*[.,!?]?\s*$")
"""A whole token (or line) that is one bracketed, parenthesised or starred annotation, or music notes."""
_CLOSERS = {"[": "]", "(": ")", "*": "*"}
_SPAN = 4
"""Tokens a split tag may span; Whisper's tags are one to three words."""


def is_artefact(text: str) -> bool:
    """True for a token or line that is only a non-speech annotation."""
    return bool(text.strip()) and bool(_TAG.match(text))


def drop_artefacts(words: list[str]) -> list[bool]:
    """For Whisper's word tokens, which to keep. A tag split over a few tokens ("[BLANK", "_AUDIO]",
    "(upbeat", "music)") is dropped whole; a bracket that does not close within `_SPAN` tokens was
    speech after all ("(for example, the cache…") and is kept."""
    keep = [True] * len(words)
    i = 0
    while i < len(words):
        token = words[i].strip()
        if is_artefact(token):
            keep[i] = False
        elif token[:1] in _CLOSERS and not _closes(token):
            closer = _CLOSERS[token[0]]
            for j in range(i + 1, min(i + _SPAN, len(words))):
                if words[j].strip().rstrip(".,!?").endswith(closer):
                    keep[i : j + 1] = [False] * (j + 1 - i)
                    i = j
                    break
        i += 1
    return keep


def _closes(token: str) -> bool:
    body = token.rstrip(".,!?")
    return len(body) > 1 and body[-1] == _CLOSERS[body[0]]
