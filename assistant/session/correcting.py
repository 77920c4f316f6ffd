"""Correcting transcript lines in a session: saved, undoable, the original kept, the citing items re-checked.

Kept apart from `store.Session` (which inherits it) so the session's other changes stay in one module
of a readable size. See `assistant.session.corrections` for the file and the quote re-alignment.
"""

from __future__ import annotations

import datetime as dt

from assistant.domain.postmortem import ReviewStatus
from assistant.errors import SessionError
from assistant.export.atomic import atomic_write_text
from assistant.extraction.merge import merge_into
from assistant.session.core import SessionBase
from assistant.session.corrections import (
    CORRECTIONS_FILE,
    LineCorrection,
    check_text,
    citing,
    realign_quotes,
)
from assistant.session.files import PRIVATE_FILE
from assistant.session.indexing import after_save
from assistant.session.reextract import LineReading
from assistant.session.review import Change, LineChange, validated_changes


class CorrectableSession(SessionBase):
    @property
    def corrected_lines(self) -> dict[int, LineCorrection]:
        """Segment id → its correction (a copy)."""
        return {k: v.model_copy() for k, v in self._corrections.lines.items()}

    def original_text(self, segment_id: int) -> str | None:
        """What the recogniser wrote for a corrected line (None when the line is not corrected)."""
        fix = self._corrections.lines.get(segment_id)
        return fix.original if fix is not None else None

    def correct_line(self, segment_id: int, text: str) -> list[str]:
        """Replace what line `segment_id` says; the items citing it get their quote re-aligned to the new
        words and every check runs again. Undoable. Returns the ids of the re-checked items.

        Typing the recogniser's original text back removes the correction. SessionError for an unknown
        line or an empty/oversized text; nothing is changed then."""
        self._writable()
        segment = next((s for s in self._segments if s.id == segment_id), None)
        if segment is None:
            raise SessionError(f"No transcript line {segment_id} in session {self.name!r}.")
        try:
            line = check_text(text)
        except ValueError as exc:
            raise SessionError(f"Cannot correct line {segment_id}: {exc}.") from exc
        before = self._corrections.lines.get(segment_id)
        if line == (before.text if before is not None else " ".join(segment.text.split())):
            return []
        items = citing(self._pm, segment_id)
        evidence = [Change(i.id, {"evidence": i.evidence.model_copy(deep=True)}) for i in items]
        self._undo.push(LineChange(segment_id, before, evidence))
        if line == " ".join(segment.text.split()):
            del self._corrections.lines[segment_id]
        else:
            now = dt.datetime.now(dt.UTC)
            self._corrections.lines[segment_id] = LineCorrection(text=line, original=segment.text, corrected_at=now)
        self._save_corrections()
        realign_quotes(items, self.transcript.segments)
        self._check()
        self._save_postmortem()
        return [i.id for i in items]

    def apply_reading(self, reading: LineReading) -> tuple[list[str], int]:
        """Put a fresh reading of a corrected line (`reextract.reread_line`) into the postmortem: the
        items it re-read take its fields as fresh proposals (not edited, to review again), as one undoable
        step; what it found new is merged as new proposals. Returns (items changed, new items added)."""
        self._writable()
        step: list[Change] = []
        for item_id, fields in reading.updates.items():
            item = self._item(item_id)
            content = dict(fields)
            evidence = content.pop("evidence", None)
            changes = validated_changes(item, content)
            if evidence is not None and evidence != item.evidence:
                changes["evidence"] = evidence
            if not changes:
                continue
            step.append(
                Change(item_id, {n: getattr(item, n) for n in changes} | {"status": item.status, "edited": item.edited})
            )
            for name, value in changes.items():
                setattr(item, name, value)
            item.status = ReviewStatus.PROPOSED
            item.edited = False
        self._undo.push(step)
        added = len(reading.new.all_items()) if reading.new is not None else 0
        if reading.new is not None:
            merge_into(self._pm, reading.new.model_copy(deep=True))  # as new proposals of any window are
        if step or added:
            self._check()
            self._save_postmortem()
        return [c.item_id for c in step], added

    def _undo_correction(self, step: LineChange) -> list[str]:
        if step.before is None:
            self._corrections.lines.pop(step.segment_id, None)
        else:
            self._corrections.lines[step.segment_id] = step.before
        self._save_corrections()
        restored = []
        for change in step.items:
            item = self._pm.find(change.item_id)
            if item is not None:
                item.evidence = change.before["evidence"]
                restored.append(item.id)
        self._check()
        self._save_postmortem()
        return restored

    def _save_corrections(self) -> None:
        with self._saving("transcript corrections"):
            text = self._corrections.model_dump_json(indent=2) + "\n"
            atomic_write_text(self._path / CORRECTIONS_FILE, text, mode=PRIVATE_FILE)
        after_save(self, "corrections")
