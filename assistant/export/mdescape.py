"""Escaping untrusted text (speech, LLM output, user edits) for one line of Markdown.

The goal is structural safety, not pretty source: whatever the text holds, it stays inside its list item
or table cell, cannot inject HTML, links, code spans or headings, and renders as the words that were said.
Emphasis characters (`*`, `_`, `~`) inside the text are left alone: at worst they restyle a few words,
while escaping them would litter every identifier like `pool_size` with backslashes.
"""

from __future__ import annotations

import re

from assistant.export.plaintext import one_line

# Every `\` in the text is doubled so it can never escape our own escapes
# (an input `\|` must not become `\\|`, which would end the table cell).
_INLINE = str.maketrans(
    {
        "\\": "\\\\",
        "|": "\\|",
        "`": "\\`",
        "[": "\\[",
        "]": "\\]",
        "<": "&lt;",
        ">": "&gt;",
    }
)

# An `&` that would start an entity (`&lt;`, `&#60;`) must itself be escaped to show literally; a plain
# `&` ("AT&T") renders fine as is and stays readable.
_ENTITY_START = re.compile(r"&(?=#?[0-9A-Za-z]+;)")

# What would open a nested block at the start of a list item: a heading (any leading `#`, to be safe),
# a list marker, a thematic break ("---", "* * *") or a tilde fence. Only these exact shapes are escaped,
# so everyday text like "~8,400 sessions" or "-5%" stays as it was said.
_BLOCK_START = re.compile(r"#|[-+*](?:\s|$)|([-*_])(?:\s*\1){2,}\s*$|~{3}")
_ORDERED_MARKER = re.compile(r"^([0-9]{1,9})([.)])(?=\s|$)")


def md_inline(text: str) -> str:
    """Untrusted text as inline Markdown, safe in a list item, a heading or a table cell."""
    escaped = _ENTITY_START.sub("&amp;", one_line(text)).translate(_INLINE)
    if _BLOCK_START.match(escaped):
        return "\\" + escaped
    # "1." and "1)" are escaped at the delimiter: a backslash before a digit is not an escape.
    return _ORDERED_MARKER.sub(r"\1\\\2", escaped, count=1)


def md_cell(text: str | None, *, empty: str = "—") -> str:
    """Untrusted text for a table cell; an empty value shows `empty` so the cell is visibly blank."""
    escaped = md_inline(text or "")
    return escaped or empty
