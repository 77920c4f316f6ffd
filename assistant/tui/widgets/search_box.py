"""The home screen's search box: a query over every session (what `assistant search` runs), ranked hits
below it, Enter on a hit opens that session's review at the line (or item) that matched.

The search runs in a thread worker (it may rebuild the index from the session files first, as the CLI
does) and posts its result back; only the UI thread updates the widgets. Each search carries a number so a
slow earlier search that finishes late never overwrites the hits of a newer one.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import DataTable, Input, Static

from assistant.errors import AssistantError
from assistant.search.sync import SearchResult, search_sessions
from assistant.tui.format import one_line
from assistant.tui.navigation import OpenSession
from assistant.tui.widgets.search_hits import SearchHits

HIT_LIMIT = 50


class SearchDone(Message, bubble=False):
    """From the search worker: the result of search number `number`, or why it failed.
    Not bubbling: it is for the box that started the worker only."""

    def __init__(self, number: int, result: SearchResult | None, error: str | None) -> None:
        super().__init__()
        self.number = number
        self.result = result
        self.error = error


class SearchBox(Vertical):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close search", show=False),
    ]

    class Closed(Message):
        """The search was cleared (Escape): the screen takes the focus back."""

    def __init__(self, root: Path, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.root = root
        self.number = 0
        """Of the last search asked for; `answered`: of the last one whose result is shown."""
        self.answered = 0
        self.query_text = ""

    def compose(self) -> ComposeResult:
        yield Input(placeholder='/ search every session (words, "a phrase", prefix*)', id="search", compact=True)
        yield Static(id="search-status", markup=False)
        yield SearchHits(id="search-hits")

    def on_mount(self) -> None:
        self.query_one(SearchHits).display = False
        self.query_one("#search-status", Static).display = False

    def focus_input(self) -> None:
        self.query_one(Input).focus()

    @on(Input.Submitted, "#search")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        query = event.value.strip()
        if not query:
            self.action_close()
            return
        self.number += 1
        self.query_text = query
        self._note("Searching…")
        self._search(self.number, self.root, query)

    @work(thread=True, exclusive=True, group="search", exit_on_error=False)
    def _search(self, number: int, root: Path, query: str) -> None:
        # Worker thread: SQLite and the session files only, no widget.
        try:
            result = search_sessions(root, query, limit=HIT_LIMIT)
        except AssistantError as exc:
            self.post_message(SearchDone(number, None, exc.message))
            return
        except (sqlite3.Error, OSError) as exc:  # the index and the data folder both unusable
            self.post_message(SearchDone(number, None, f"Search failed: {exc}"))
            return
        self.post_message(SearchDone(number, result, None))

    @on(SearchDone)
    def _done(self, message: SearchDone) -> None:
        if message.number != self.number:
            return  # an older search: a newer one was asked for meanwhile
        self.answered = message.number
        hits = self.query_one(SearchHits)
        if message.result is None:
            hits.display = False
            self._note(message.error or "Search failed", error=True)
            return
        result = message.result
        hits.show(result.hits)
        hits.display = bool(result.hits)
        count = len(result.hits)
        quoted = one_line(self.query_text, 60)
        note = f"{count} hit{'s' if count != 1 else ''} for {quoted!r}" if count else f"No matches for {quoted!r}"
        if count:
            note += " (Enter opens the review, Esc closes)"
        extra = [result.note] if result.note else []
        extra += [f"skipped {u.session}: {u.error}" for u in result.skipped]
        self._note("; ".join([note, *extra]), error=bool(extra))
        if count:
            hits.focus()

    @on(DataTable.RowSelected, "#search-hits")
    def _open(self, event: DataTable.RowSelected) -> None:
        event.stop()
        hit = self.query_one(SearchHits).current
        if hit is None:
            return
        if hit.kind == "line":
            self.post_message(OpenSession(hit.session, segment=int(hit.ref)))
        else:
            self.post_message(OpenSession(hit.session, item=hit.ref))

    def action_close(self) -> None:
        self.number += 1  # any search still running is stale now
        self.query_one(Input).value = ""
        self.query_one(SearchHits).display = False
        self.query_one("#search-status", Static).display = False
        self.post_message(self.Closed())

    def _note(self, message: str, *, error: bool = False) -> None:
        status = self.query_one("#search-status", Static)
        status.display = True
        status.set_class(error, "-error")
        status.update(Text(one_line(message, 300)))
