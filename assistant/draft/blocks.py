"""A Markdown document as the blocks the draft reader needs, each with its 1-based source line.

markdown-it-py does the parsing (CommonMark + GFM tables), so escapes, entities and emphasis are read
the way any renderer reads them; this module only flattens its token stream into sections of blocks.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from markdown_it import MarkdownIt
from markdown_it.token import Token

BlockKind = Literal["item", "numbered", "paragraph", "header", "row", "quote"]

_MD = MarkdownIt("commonmark").enable("table")


@dataclass
class Block:
    kind: BlockKind
    line: int
    cells: list[str]
    """The inline Markdown source (still escaped): one cell for list items and paragraphs."""


@dataclass
class Section:
    title: str
    line: int
    blocks: list[Block] = field(default_factory=list)


@dataclass
class Document:
    title: str | None
    title_line: int
    preamble: list[Block]
    sections: list[Section]


def _line(token: Token, fallback: int) -> int:
    return token.map[0] + 1 if token.map else fallback


def parse_blocks(text: str) -> Document:
    tokens = _MD.parse(text)
    title: str | None = None
    title_line = 1
    preamble: list[Block] = []
    sections: list[Section] = []
    lists: list[str] = []  # the kinds of the open lists, innermost last
    in_quote = 0
    in_head = False
    row: list[str] = []
    row_line = 1
    heading: str | None = None
    for i, tok in enumerate(tokens):
        target = sections[-1].blocks if sections else preamble
        if tok.type == "heading_open":
            heading = tok.tag
        elif tok.type == "inline" and heading is not None:
            if heading == "h1" and title is None and not sections:
                title, title_line = tok.content, _line(tok, 1)
            elif heading == "h2":
                sections.append(Section(tok.content.strip(), _line(tok, 1)))
            else:
                target.append(Block("paragraph", _line(tok, 1), [f"{'#' * int(heading[1])} {tok.content}"]))
            heading = None
        elif tok.type in ("bullet_list_open", "ordered_list_open"):
            lists.append("numbered" if tok.type == "ordered_list_open" else "item")
        elif tok.type in ("bullet_list_close", "ordered_list_close"):
            lists.pop()
        elif tok.type == "blockquote_open":
            in_quote += 1
        elif tok.type == "blockquote_close":
            in_quote -= 1
        elif tok.type == "thead_open":
            in_head = True
        elif tok.type == "thead_close":
            in_head = False
        elif tok.type == "tr_open":
            row, row_line = [], _line(tok, 1)
        elif tok.type == "tr_close":
            target.append(Block("header" if in_head else "row", row_line, row))
        elif tok.type == "inline" and tokens[i - 1].type in ("th_open", "td_open"):
            row.append(tok.content)
        elif tok.type == "inline":
            kind: BlockKind = "quote" if in_quote else lists[-1] if lists else "paragraph"  # type: ignore[assignment]
            target.append(Block(kind, _line(tok, 1), [tok.content]))
        elif tok.type in ("fence", "code_block", "html_block", "hr"):
            target.append(Block("paragraph", _line(tok, 1), [tok.content.strip() or tok.type]))
    return Document(title, title_line, preamble, sections)


def plain(source: str) -> str:
    """Inline Markdown source as the text it shows: escapes and entities decoded, emphasis kept as the
    characters written (text like `pool_size` or `*` was never emphasis in our exports)."""
    tokens = _MD.parseInline(source)
    out: list[str] = []
    for tok in tokens[0].children or [] if tokens else []:
        if tok.type in ("text", "text_special", "code_inline", "html_inline"):
            out.append(tok.content if tok.type != "code_inline" else f"`{tok.content}`")
        elif tok.type in ("softbreak", "hardbreak"):
            out.append(" ")
        elif tok.type.endswith(("_open", "_close")):
            out.append(tok.markup)
    return " ".join("".join(out).split())
