"""Search hits across sessions, best first: session, meeting time, speaker, and the words around the match.

Every cell is `Text`: transcript lines are untrusted, and the snippet's own match markers are brackets,
which as markup would vanish or crash the table.
"""

from __future__ import annotations

from rich.text import Text
from textual.widgets import DataTable

from assistant.search.index import Hit
from assistant.tui.format import one_line
from assistant.views import clock

COLUMNS = ("Session", "Time", "Speaker", "Snippet")


class SearchHits(DataTable[Text]):
    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self.hits: list[Hit] = []

    def on_mount(self) -> None:
        self.add_columns(*COLUMNS)

    def show(self, hits: list[Hit]) -> None:
        self.hits = list(hits)
        self.clear()
        for n, hit in enumerate(self.hits):
            self.add_row(*hit_cells(hit), key=str(n))
        if self.hits:
            self.move_cursor(row=0)

    @property
    def current(self) -> Hit | None:
        if not self.row_count:
            return None
        return self.hits[self.cursor_row] if 0 <= self.cursor_row < len(self.hits) else None


def hit_cells(hit: Hit) -> tuple[Text, ...]:
    speaker = hit.speaker or "-"
    if hit.kind != "line":  # an item (action, decision…): say which, its review status in brackets
        speaker = f"{hit.kind} ({hit.status})" if hit.status else hit.kind
    return (
        Text(one_line(hit.session, 28)),
        Text(clock(hit.start) or "--:--"),
        Text(one_line(speaker, 20)),
        Text(one_line(hit.snippet, 200)),
    )
