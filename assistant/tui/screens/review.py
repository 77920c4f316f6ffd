"""Review: walk the proposals with the keyboard and accept, reject or edit each one.

Every decision goes through a Session method, which has saved it when it returns: killing the app
right after a key press loses nothing. Undo is the Session's own (in memory, per process).
"""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, OptionList, Static
from textual.worker import Worker, WorkerState

from assistant.domain.postmortem import ActionItem, Item, ReviewStatus
from assistant.errors import AssistantError
from assistant.export.clock import meeting_clock
from assistant.session import Session
from assistant.session.drafts import set_correction
from assistant.session.reextract import LineReading, reread_line
from assistant.tui.format import FLAG_HELP, FLAG_LABELS, item_headline, one_line, owner_due_text
from assistant.tui.messages import SessionChanged
from assistant.tui.navigation import GoHome
from assistant.tui.services import Services
from assistant.tui.widgets.draft import draft_detail, draft_overview, notes_text
from assistant.tui.widgets.proposals import ProposalList
from assistant.tui.widgets.transcript import EvidenceTranscript

Back = Literal["home", "pop"]


class ReviewScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "accept", "Accept"),
        Binding("x", "reject", "Reject"),
        Binding("e", "edit", "Edit"),
        Binding("S", "speakers", "Speakers", key_display="S", tooltip="Name, merge or split the speakers"),
        Binding("A", "accept_unflagged", "Bulk accept", key_display="A", tooltip="Accept every unflagged proposal"),
        Binding("u", "undo", "Undo"),
        Binding("c", "correct", "Fix line", tooltip="Fix what the recogniser heard in the highlighted line"),
        Binding("R", "reread", "Re-read", show=False),
        Binding("left_square_bracket", "line(-1)", "Line up", show=False),
        Binding("right_square_bracket", "line(1)", "Line down", show=False),
        Binding("f", "next_flagged", "Next flagged", show=False),
        Binding("E", "export", "Export", key_display="E"),
        Binding("T", "template_notes", "Template notes", show=False),
        Binding("escape", "back", "Back"),
    ]
    HELP = (
        "Move with ↑/↓ (or j/k); f jumps to the next flagged proposal. a accepts, x rejects, e edits (text, "
        "owner, due date), Enter shows the evidence in the transcript and plays it, A accepts every unflagged "
        "proposal at once, u undoes the last decision, E exports, S names the speakers (merge, split). c "
        "corrects the highlighted transcript line (the evidence, or the line [ and ] move to): the recognised "
        "text is kept, the proposals citing it are re-checked, and R reads the line again (updated and new "
        "proposals, to review). Every change is saved immediately."
    )

    def __init__(self, session: Session, services: Services, *, back: Back = "home", item: str | None = None,
                 segment: int | None = None) -> None:  # fmt: skip
        super().__init__()
        self.session = session
        self.services = services
        self.back = back
        self.start_item = item
        """Start with the cursor on this item / this transcript line shown (a search hit, an action)."""
        self.start_segment = segment
        self._last_corrected: int | None = None
        """The line corrected last: what R reads again."""

    def compose(self) -> ComposeResult:
        yield Header(icon="✓")
        yield Static(id="review-summary", markup=False)
        yield Static(id="draft-status", markup=False)  # shown only for a postmortem prepared from a draft
        with Horizontal(id="review-main"):
            yield ProposalList(id="proposals", empty_text="Nothing was proposed for this meeting.")
            with Vertical(id="review-side"):
                with VerticalScroll(id="detail-scroll"):
                    yield Static(id="detail", markup=False)
                yield EvidenceTranscript(id="evidence")
        yield Static(id="status-line", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = self.session.name + (" (read-only)" if self.session.readonly else "")
        self.query_one(EvidenceTranscript).load(self.session.named_transcript.segments)
        self._refresh(keep=self.start_item)
        self.query_one(ProposalList).focus()

    def on_screen_resume(self) -> None:
        # Back from the speakers screen: names (and the owners of "I'll …" items) may have changed.
        if self.is_mounted:
            self.query_one(EvidenceTranscript).load(self.session.named_transcript.segments)
            self._refresh(keep=self.query_one(ProposalList).current_id)
            if self.start_segment is not None:  # first shown (after on_mount): at the line asked for
                self.query_one(EvidenceTranscript).show([self.start_segment])
                self.start_segment = None

    # --- rendering -------------------------------------------------------------------------------

    def _refresh(self, keep: str | None = None) -> None:
        pm = self.session.postmortem
        self.query_one(ProposalList).show(pm, keep=keep)
        items = pm.all_items()
        counts = {s: sum(1 for i in items if i.status is s) for s in ReviewStatus}
        flagged = sum(1 for i in items if i.flags and i.status is ReviewStatus.PROPOSED)
        summary = Text()
        summary.append(f"{len(items)} proposals", style="bold")
        summary.append(f": {counts[ReviewStatus.PROPOSED]} to review, ")
        summary.append(f"{counts[ReviewStatus.ACCEPTED]} accepted", style="green")
        summary.append(", ")
        summary.append(f"{counts[ReviewStatus.REJECTED]} rejected", style="red")
        if flagged:
            summary.append(f"  ⚑ {flagged} flagged", style="yellow")
        if pm.failed_windows:
            summary.append(f"  {len(pm.failed_windows)} part(s) not analysed", style="bold red")
        self.query_one("#review-summary", Static).update(summary)
        overview = draft_overview(pm)
        draft_line = self.query_one("#draft-status", Static)
        draft_line.display = overview is not None
        draft_line.update(overview or Text(""))
        self._show_detail()

    def _show_detail(self) -> None:
        item = self._current()
        text = detail_text(item) if item else Text("")
        if item is not None:
            drafted = any(i.origin == "draft" for i in self.session.postmortem.all_items())
            text.append_text(draft_detail(item, drafted=drafted))
        self.query_one("#detail", Static).update(text)

    @on(OptionList.OptionHighlighted, "#proposals")
    def _on_highlight(self) -> None:
        self._show_detail()

    @on(SessionChanged)
    def _on_session_changed(self) -> None:
        """New live proposals or transcript lines (a review opened during the meeting)."""
        evidence = self.query_one(EvidenceTranscript)
        evidence.append(self.session.named_transcript.segments)
        self._refresh()

    # --- decisions -------------------------------------------------------------------------------

    def _current(self) -> Item | None:
        item_id = self.query_one(ProposalList).current_id
        return self.session.postmortem.find(item_id) if item_id else None

    def _apply(self, change: Any, *args: Any, **kwargs: Any) -> Any:
        """Run one Session method; a failure (read-only, disk full) is reported, never fatal."""
        try:
            return change(*args, **kwargs)
        except AssistantError as exc:
            self._status(exc.message, error=True)
            self.notify(exc.message, severity="error", markup=False)
            return None

    def _decide(self, status: ReviewStatus) -> None:
        item = self._current()
        if item is None:
            return
        pending = next((n for n, c in enumerate(item.corrections) if c.status is ReviewStatus.PROPOSED), None)
        if pending is not None:  # a draft item the meeting contradicted: a/x decide its correction first
            correction = item.corrections[pending]
            self._apply(set_correction, self.session, item.id, pending, status)
            self._refresh(keep=item.id)
            verb = "Corrected" if status is ReviewStatus.ACCEPTED else "Kept the draft's"
            self._status(f"{verb} {correction.field}: {one_line(correction.said_value, 60)}")
            return
        self._apply(self.session.set_status, item.id, status)
        self._refresh(keep=item.id)
        self.query_one(ProposalList).advance()
        self._status(f"{status.value.capitalize()}: {one_line(item_headline(item), 80)}")

    def action_accept(self) -> None:
        self._decide(ReviewStatus.ACCEPTED)

    def action_reject(self) -> None:
        self._decide(ReviewStatus.REJECTED)

    def action_accept_unflagged(self) -> None:
        count = self._apply(self.session.bulk_accept_unflagged)
        if count is None:
            return
        self._refresh()
        message = (
            f"Accepted {count} unflagged proposal{'s' if count != 1 else ''}"
            if count
            else ("No unflagged proposals left to accept")
        )
        self._status(message + (" (u undoes it)" if count else ""))
        self.notify(message, markup=False)

    def action_undo(self) -> None:
        if not self.session.can_undo:
            self._status("Nothing to undo")
            return
        corrected = self.session.corrected_lines
        restored = self._apply(self.session.undo)
        if restored is None:
            return
        if self.session.corrected_lines != corrected:  # a line's correction was undone: show its old text
            self.query_one(EvidenceTranscript).reload(self.session.named_transcript.segments)
        if not restored:
            self._refresh(keep=self.query_one(ProposalList).current_id)
            self._status("Undone")
            return
        self._refresh(keep=restored[0])
        self._status(f"Undone ({len(restored)} item{'s' if len(restored) != 1 else ''})")

    def action_next_flagged(self) -> None:
        """Jump to the next flagged proposal still to review (wrapping): the ones that need a person."""
        proposals = self.query_one(ProposalList)
        ids = [o.id for o in proposals.options if o.id is not None and not o.disabled]
        pm = self.session.postmortem
        wanted = [
            i for i in ids if (item := pm.find(i)) is not None and item.flags and item.status is ReviewStatus.PROPOSED
        ]
        if not wanted:
            self._status("No flagged proposals left to review")
            return
        here = ids.index(proposals.current_id) if proposals.current_id in ids else -1
        after = [i for i in wanted if ids.index(i) > here]
        proposals.move_to((after or wanted)[0])

    def action_edit(self) -> None:
        from assistant.tui.screens.edit import EditScreen

        item = self._current()
        if item is None:
            return
        attendees = list(self.session.details.attendees)

        def done(changes: dict[str, Any] | None) -> None:
            if not changes:
                return
            self._apply(self.session.edit_item, item.id, **changes)
            self._refresh(keep=item.id)
            self._status(f"Edited: {one_line(item_headline(item), 80)}")

        self.app.push_screen(EditScreen(item, attendees), done)

    # --- transcript corrections --------------------------------------------------------------------

    def _line_to_correct(self) -> int | None:
        here = self.query_one(EvidenceTranscript).highlighted_segment
        if here is not None:
            return here
        item = self._current()
        return item.evidence.segment_ids[0] if item is not None and item.evidence.segment_ids else None

    def action_line(self, delta: int) -> None:
        segment_id = self.query_one(EvidenceTranscript).move(delta)
        if segment_id is not None:
            self._status(f"Line {segment_id} highlighted: c corrects it")

    def action_correct(self) -> None:
        from assistant.tui.screens.correct import CorrectLineDialog, corrected_notice

        segment_id = self._line_to_correct()
        segment = next((s for s in self.session.named_transcript.segments if s.id == segment_id), None)
        if segment is None:
            self._status("No transcript line to correct: pick a proposal (Enter) or move with [ and ].")
            return

        def done(text: str | None) -> None:
            if text is None:
                return
            rechecked = self._apply(self.session.correct_line, segment.id, text)
            if rechecked is None:
                return
            self._last_corrected = segment.id
            self.query_one(EvidenceTranscript).reload(self.session.named_transcript.segments)
            self._refresh(keep=self.query_one(ProposalList).current_id)
            self._status(corrected_notice(meeting_clock(segment.start), len(rechecked)))

        self.app.push_screen(CorrectLineDialog(segment, self.session.original_text(segment.id)), done)

    def action_reread(self) -> None:
        segment_id = self._last_corrected if self._last_corrected is not None else self._line_to_correct()
        if segment_id is None:
            self._status("No line to read again: correct one first (c).")
            return
        # Copies: the worker reads them while the UI thread may change the session.
        pm = self.session.postmortem.model_copy(deep=True)
        transcript, details = self.session.named_transcript, self.session.details.model_copy(deep=True)
        self.run_worker(lambda: reread_line(segment_id, pm, transcript, details), name="reread", group="reread",
                        thread=True, exclusive=True, exit_on_error=False)  # fmt: skip

    def _apply_reading(self, reading: LineReading) -> None:
        result = self._apply(self.session.apply_reading, reading)
        if result is None:
            return
        changed, added = result
        self._refresh(keep=changed[0] if changed else self.query_one(ProposalList).current_id)
        parts = [f"{len(changed)} proposal(s) updated, to review again" if changed else "no proposal changed"]
        if added:
            parts.append(f"{added} new proposal(s)")
        if reading.unsupported:
            parts.append(f"{len(reading.unsupported)} no longer read from it (reject them if wrong)")
        self._status("Re-read: " + ", ".join(parts) + (" (u undoes the updates)" if changed else ""))

    def action_export(self) -> None:
        from assistant.tui.screens.export import ExportScreen

        self.app.push_screen(ExportScreen(self.session, self.services.export_dir, people=self.services.people))

    def action_speakers(self) -> None:
        from assistant.tui.screens.speakers import SpeakersScreen

        self.app.push_screen(SpeakersScreen(self.session))

    def action_back(self) -> None:
        if self.back == "pop":
            self.app.pop_screen()
        else:
            self.post_message(GoHome())

    # --- evidence --------------------------------------------------------------------------------

    @on(OptionList.OptionSelected, "#proposals")
    def _on_select(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        item = self._current()
        if item is None:
            return
        evidence = item.evidence
        if not self.query_one(EvidenceTranscript).show(evidence.segment_ids):
            self._status("This proposal points at no transcript line.")
            return
        when = f" at {meeting_clock(evidence.start)}" if evidence.start is not None else ""
        self._status(f"Evidence{when}")
        audio = self.session.audio_path
        if evidence.start is not None and evidence.end is not None and audio.exists():
            start, end = evidence.start, evidence.end
            self.run_worker(
                lambda: self.services.player.play(audio, start, end),
                name="play", group="play", thread=True, exclusive=True, exit_on_error=False,
            )  # fmt: skip

    @on(Worker.StateChanged)
    def _on_worker(self, event: Worker.StateChanged) -> None:
        if event.worker.name == "reread":
            if event.state is WorkerState.SUCCESS and isinstance(event.worker.result, LineReading):
                self._apply_reading(event.worker.result)
            elif event.state is WorkerState.ERROR:
                self._status(f"Not re-read: {event.worker.error}", error=True)
            return
        if event.worker.name != "play":
            return
        if event.state is WorkerState.SUCCESS and isinstance(event.worker.result, str):
            self._status(f"Evidence shown; not played: {event.worker.result}")
        elif event.state is WorkerState.ERROR:
            self._status(f"Evidence shown; not played: {event.worker.error}")

    def on_unmount(self) -> None:
        self.services.player.stop()

    def action_template_notes(self) -> None:
        self.notify(notes_text(self.session.postmortem), title="Template notes", markup=False, timeout=12)

    def _status(self, message: str, *, error: bool = False) -> None:
        line = self.query_one("#status-line", Static)
        line.set_class(error, "-error")
        line.update(Text(message))


def detail_text(item: Item) -> Text:
    """The selected proposal in full: text, owner and due date, flags explained, the quote."""
    text = Text()
    text.append(item_headline(item), style="bold")
    text.append("\n")
    if isinstance(item, ActionItem):
        text.append_text(owner_due_text(item))
        text.append("\n")
    status = item.status.value + (", edited" if item.edited else "")
    text.append(f"{status}\n", style="dim")
    for flag in item.flags:
        text.append(f"⚑ {FLAG_LABELS[flag]}", style="bold yellow")
        text.append(f": {FLAG_HELP[flag]}\n", style="yellow")
    if item.evidence.quote:
        when = f"{meeting_clock(item.evidence.start)} " if item.evidence.start is not None else ""
        text.append(f"{when}“{item.evidence.quote}”", style="italic")
    return text
