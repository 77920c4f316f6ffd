"""Candidate marks: each committed line is classified the moment it arrives, then confirmed or dropped.

The windowed reading needs replies before it proposes anything (a proposal is a decision once nobody
turns it down), so it lags the words by a pause or more. A facilitator should still see at once that
a line looks like a decision or an action item: on commit, `committed` marks every line whose own
sentences carry a rule cue (`rules.cues`, milliseconds, the owner thread's same turn) and prints a
`candidate` record. After each extracted window, `read` settles what it can:

- an item now cites the line → `candidate_confirmed` (the mark becomes that item);
- the line has left the windows' reach (no later window reads it, not even as context) and nothing
  cites it → `candidate_dropped` ("not_cited": the proposal was turned down, the question answered…);
- with the rules as the live extractor, a confirmed line that leaves their reach is read once more with
  as many lines after it as before it: an item the full context no longer supports (an open question
  proposed before anyone answered it) → `candidate_dropped` ("retracted"). The item itself stays in
  the session until the final pass drops it, as before.

`final` settles the rest against the final pass's postmortem. Owner thread only, like the controller.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from assistant.domain.postmortem import Item, MeetingDetails, Postmortem
from assistant.domain.transcript import Segment
from assistant.extraction.rules.cues import ITEM_KINDS, line_kinds
from assistant.extraction.rules.detect import read_transcript
from assistant.live.jsonlines import candidate_record, item_kind

MarkState = Literal["tentative", "confirmed", "dropped"]
DropReason = Literal["not_cited", "retracted", "final_pass"]
Output = Callable[[dict[str, Any]], None]


@dataclass
class Mark:
    line: int
    kinds: tuple[str, ...]
    committed_at: float
    """Monotonic time the ASR worker committed the line: every latency is measured from it."""
    state: MarkState = "tentative"
    item_id: str | None = None
    item_kind: str | None = None
    reason: DropReason | None = None


class CandidateMarks:
    def __init__(
        self,
        output: Output,
        details: Callable[[], MeetingDetails],
        *,
        context_lines: int = 12,
        recheck: bool = False,
        keep_lines: int = 400,
    ) -> None:
        """`context_lines`: lines said before a new one that its sentences are read with (and, for
        `recheck`, the lines on either side of a line read again). `recheck`: the live extractor is the
        rules (the hybrid engine), so reading a line again with them is the extractor's own verdict.
        `keep_lines` bounds the lines kept for that (a line older than them is never read again)."""
        self.output = output
        self.details = details
        self.context_lines = max(context_lines, 1)
        self.recheck = recheck
        self.keep_lines = max(keep_lines, 2 * self.context_lines + 1)
        self.open: dict[int, Mark] = {}
        """Marks not settled yet (tentative, or confirmed but still read by later windows), by line."""
        self._recent: list[Segment] = []
        self._changed: dict[int, Mark] = {}

    def take_changes(self) -> list[Mark]:
        """Marks whose state changed since the last call (new ones included), latest state per line.
        Only the app asks; unasked, this holds at most one entry per marked line of the meeting."""
        changed = list(self._changed.values())
        self._changed.clear()
        return changed

    # --- on commit -----------------------------------------------------------------------------

    def committed(self, segments: Sequence[Segment], committed_at: float, now: float, t: float) -> list[Mark]:
        """Classify newly committed lines (with the lines said before them) and mark the candidates.
        `now`: the owner clock (same clock as `committed_at`); `t`: the meeting time of `now`."""
        context = self._recent[-self.context_lines :]
        self._recent.extend(segments)
        del self._recent[: -self.keep_lines]
        marks = []
        for line, kinds in line_kinds(context, segments, self.details()).items():
            if not kinds:
                continue
            mark = Mark(line, tuple(kinds), committed_at)
            self.open[line] = mark
            self._emit(mark, now, t)
            marks.append(mark)
        return marks

    # --- after a window --------------------------------------------------------------------------

    def read(self, pm: Postmortem, frontier: int, now: float, t: float) -> list[Mark]:
        """A window's proposals are in the session (`pm`). `frontier`: the first line a later window may
        still read; lines before it are settled now. Returns the marks that changed."""
        changed = self._confirm(pm, now, t)
        settling = [m for line, m in self.open.items() if line < frontier]
        if not settling:
            return changed
        supported = self._supported(settling) if self.recheck else None
        for mark in settling:
            del self.open[mark.line]
            if mark.state == "tentative":
                changed.append(self._drop(mark, "not_cited", now, t))
            elif supported is not None and mark.line not in supported:
                changed.append(self._drop(mark, "retracted", now, t))
        return changed

    def final(self, pm: Postmortem, now: float, t: float) -> list[Mark]:
        """The final pass is merged (`pm`): every mark still open is confirmed by it or dropped."""
        changed = self._confirm(pm, now, t)
        cited = _cited(pm)
        for mark in list(self.open.values()):
            del self.open[mark.line]
            if mark.line not in cited:
                changed.append(self._drop(mark, "final_pass", now, t))
        return changed

    def _confirm(self, pm: Postmortem, now: float, t: float) -> list[Mark]:
        tentative = [m for m in self.open.values() if m.state == "tentative"]
        if not tentative:
            return []
        cited = _cited(pm)
        changed = []
        for mark in tentative:
            items = cited.get(mark.line)
            if not items:
                continue
            kinds = [(item_kind(pm, item), item.id) for item in items]
            # The item of the kind the line was marked for, when there is one ("Tom will…, by 14:00"
            # is an action item before it is a timeline event).
            wanted = [k for kind in mark.kinds for k in ITEM_KINDS.get(kind, ())]
            kinds.sort(key=lambda k: wanted.index(k[0]) if k[0] in wanted else len(wanted))
            mark.state, (mark.item_kind, mark.item_id) = "confirmed", kinds[0]
            self._emit(mark, now, t)
            changed.append(mark)
        return changed

    def _supported(self, marks: Sequence[Mark]) -> set[int]:
        """The lines of `marks` the rules still cite when they read them with `context_lines` lines on
        either side (one reading for the batch). Lines no longer kept count as supported."""
        ids = [s.id for s in self._recent]
        lines = {m.line for m in marks}
        kept = {line for line in lines if ids and line >= ids[0]}
        if not kept:
            return lines
        first, last = bisect_left(ids, min(kept)), bisect_right(ids, max(kept))
        window = self._recent[max(first - self.context_lines, 0) : last + self.context_lines]
        return (lines - kept) | (kept & set(_cited(read_transcript(window, self.details()).postmortem)))

    def _drop(self, mark: Mark, reason: DropReason, now: float, t: float) -> Mark:
        mark.state, mark.reason = "dropped", reason
        self._emit(mark, now, t)
        return mark

    def _emit(self, mark: Mark, now: float, t: float) -> None:
        self._changed[mark.line] = mark
        self.output(candidate_record(mark, latency_s=now - mark.committed_at, t=t))


def _cited(pm: Postmortem) -> dict[int, list[Item]]:
    """Line id -> the items citing it (the summary is written from the items, it confirms nothing)."""
    cited: dict[int, list[Item]] = {}
    for item in pm.all_items():
        if item is pm.summary:
            continue
        for seg_id in item.evidence.segment_ids:
            cited.setdefault(seg_id, []).append(item)
    return cited
