"""Transcript views: the live one (committed lines + a dimmed tentative tail, each line with its candidate
mark) and the review one, where the evidence of the selected proposal is highlighted."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import OptionList, RichLog, Static
from textual.widgets.option_list import Option

from assistant.domain.transcript import Segment
from assistant.live.candidates import Mark
from assistant.tui.format import segment_line

EVIDENCE_STYLE = "bold black on yellow"
ITEM_BADGES: dict[str, str] = {
    "action_item": "action", "decision": "decision", "open_question": "question", "timeline": "timeline",
    "impact": "impact", "why": "why", "systemic_cause": "cause", "what_worked": "worked",
    "what_didnt": "didn't work", "follow_up": "follow-up",
}  # fmt: skip


def mark_badge(mark: Mark | None) -> Text:
    """The mark before a live line: its candidate kinds, dim, until an item confirms it (then the item's
    kind, bold); nothing once dropped."""
    if mark is None or mark.state == "dropped":
        return Text("")
    if mark.state == "confirmed":
        return Text(f"◆ {ITEM_BADGES.get(mark.item_kind or '', mark.item_kind or 'item')} ", style="bold green")
    return Text(f"◇ {'/'.join(mark.kinds)}? ", style="dim italic")


class LiveTranscript(Vertical):
    """Committed text is append-only (a RichLog, cheap for hours of lines); only the tail below it is
    replaced as the recogniser changes its mind. A candidate mark changes on a recent line (its window
    reads it within seconds), so only the log from that line on is written again: rewriting the whole
    log took ~1 s for 2,000 lines on the UI thread."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._segments: list[Segment] = []
        self._starts: list[int] = []
        """Index in the log's lines where each segment's (wrapped) lines begin."""
        self._in_place = True
        """False while the log defers its writes (its size is not known yet): the starts are unknown."""
        self._badges: dict[int, Text] = {}
        self._width = 0

    def compose(self) -> ComposeResult:
        # markup=False: transcript text is untrusted; lines are written as Text anyway. min_width=1: wrap
        # at the widget's width, not at RichLog's default of 78 columns.
        yield RichLog(id="transcript-log", wrap=True, markup=False, highlight=False, auto_scroll=True, min_width=1)
        yield Static(Text(""), id="tentative", markup=False)

    def add_segments(self, segments: Iterable[Segment]) -> None:
        log = self.query_one("#transcript-log", RichLog)
        for segment in segments:
            self._segments.append(segment)
            self._write(log, segment)

    def _write(self, log: RichLog, segment: Segment) -> None:
        before = len(log.lines)
        log.write(self._line(segment))
        self._starts.append(before)
        self._in_place = self._in_place and len(log.lines) > before

    def _line(self, segment: Segment) -> Text:
        return Text.assemble(self._badges.get(segment.id, ""), segment_line(segment))

    def set_marks(self, marks: Iterable[Mark]) -> None:
        """Show these candidate marks (each line's latest). A line not written yet takes its badge when it
        is; lines already written whose badge changed are rewritten, once for the batch."""
        last = self._segments[-1].id if self._segments else -1
        first_changed: int | None = None
        for mark in marks:
            badge = mark_badge(mark)
            if self.badge(mark.line) == badge.plain:
                continue  # each state has its own glyph: the same words are the same badge
            if badge.plain:
                self._badges[mark.line] = badge
            else:
                self._badges.pop(mark.line, None)
            if mark.line <= last:
                first_changed = mark.line if first_changed is None else min(first_changed, mark.line)
        if first_changed is not None:
            self._rewrite(bisect_left(self._segments, first_changed, key=lambda s: s.id))

    def badge(self, segment_id: int) -> str:
        """The mark shown before a line, as plain text ("" when none)."""
        return self._badges.get(segment_id, Text("")).plain

    def _rewrite(self, start: int = 0) -> None:
        """Write the segments from position `start` on again (all of them when the log's lines are not
        known segment by segment)."""
        log = self.query_one("#transcript-log", RichLog)
        if start <= 0 or not self._in_place or start >= len(self._starts):
            start = 0
            log.clear()
            self._in_place = True
        else:
            del log.lines[self._starts[start] :]
            log.notify_style_update()  # RichLog caches rendered lines by position: those are stale now
        del self._starts[start:]
        for segment in self._segments[start:]:
            self._write(log, segment)
        log.refresh()

    def on_resize(self) -> None:
        # RichLog keeps lines wrapped at the width they were written with: re-wrap on a width change.
        if self.size.width == self._width:
            return
        self._width = self.size.width
        self._rewrite()

    def relabel(self, speakers: dict[int, str | None]) -> None:
        """Show these speakers (segment id -> name or label) on lines already written (live attribution)."""
        changed = False
        for n, segment in enumerate(self._segments):
            if segment.id in speakers and speakers[segment.id] != segment.speaker:
                self._segments[n] = segment.model_copy(update={"speaker": speakers[segment.id]})
                changed = True
        if changed:
            self._rewrite()

    def replace_text(self, segment_id: int, text: str) -> None:
        """Show a corrected line's new text (the log is rewritten from that line on)."""
        for n, segment in enumerate(self._segments):
            if segment.id == segment_id:
                self._segments[n] = segment.model_copy(update={"text": text})
                self._rewrite(n)
                return

    def set_tentative(self, text: str) -> None:
        tail = Text(f"… {text.strip()}", style="dim italic") if text.strip() else Text("")
        self.query_one("#tentative", Static).update(tail)


class EvidenceTranscript(OptionList):
    """The whole transcript, one option per segment; `show` highlights and scrolls to an item's evidence.

    Not focusable: the review screen is driven from the proposal list, keys never land here.
    """

    can_focus = False

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, markup=False)
        self._segments: dict[int, Segment] = {}
        self._marked: list[int] = []

    def load(self, segments: Iterable[Segment]) -> None:
        self._segments = {s.id: s for s in segments}
        self._marked = []
        self.set_options(Option(segment_line(s), id=_option_id(s.id)) for s in self._segments.values())
        self.highlighted = None

    def append(self, segments: Iterable[Segment]) -> None:
        """Add the segments not shown yet (the live transcript only grows)."""
        for s in segments:
            if s.id in self._segments:
                continue
            self._segments[s.id] = s
            self.add_option(Option(segment_line(s), id=_option_id(s.id)))

    @property
    def highlighted_segment(self) -> int | None:
        """The segment id of the highlighted line (the evidence shown, or the line moved to)."""
        if self.highlighted is None:
            return None
        option_id = self.get_option_at_index(self.highlighted).id
        return int(option_id.removeprefix("seg-")) if option_id else None

    def move(self, delta: int) -> int | None:
        """Highlight the line `delta` lines away (the first or last line from none); its segment id."""
        if not self.option_count:
            return None
        here = self.highlighted if self.highlighted is not None else (-1 if delta > 0 else self.option_count)
        self.highlighted = max(0, min(self.option_count - 1, here + delta))
        self.scroll_to_highlight()
        return self.highlighted_segment

    def reload(self, segments: Iterable[Segment]) -> None:
        """`load` again (corrected text, new names), keeping the evidence marks and the highlighted line."""
        marked, here = list(self._marked), self.highlighted_segment
        self.load(segments)
        self.show(marked)
        if here is not None and here in self._segments:
            self.highlighted = self.get_option_index(_option_id(here))

    def show(self, segment_ids: Iterable[int]) -> bool:
        """Highlight these segments and scroll the first to the top; False if none is in the transcript."""
        for seg_id in self._marked:
            self.replace_option_prompt(_option_id(seg_id), segment_line(self._segments[seg_id]))
        self._marked = [i for i in segment_ids if i in self._segments]
        for seg_id in self._marked:
            self.replace_option_prompt(_option_id(seg_id), segment_line(self._segments[seg_id], style=EVIDENCE_STYLE))
        if not self._marked:
            self.highlighted = None
            return False
        self.highlighted = self.get_option_index(_option_id(self._marked[0]))
        self.scroll_to_highlight(top=True)
        return True


def _option_id(segment_id: int) -> str:
    return f"seg-{segment_id}"
