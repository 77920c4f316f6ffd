"""What a draft made by the real models must satisfy whatever the model extracted.

Real-model tests assert these guarantees, never what the model happens to recall (which items, how
many, which words): recall changes with the CPU, the llama.cpp build and the extraction engine, and is
measured by the benchmarks. Every check here is about code: the checks in `assistant.checks` run over
the items that exist, the exporters write what the postmortem holds, review state is only ever set by a
person. A check is vacuous when the model extracted nothing, and that is the point: it never depends
on recall.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from assistant.checks.injection import reads_as_instruction
from assistant.checks.text import contains_name, tokens
from assistant.domain.postmortem import OWNER_FLAGS, Flag, Item, Postmortem, ReviewStatus
from assistant.domain.transcript import Segment

INCOMPLETE_DRAFT = "could not be analysed"
"""What the Markdown draft says when a window failed (assistant/export/markdown.py)."""


def assert_windows_accounted(pm: Postmortem, markdown: str | None = None) -> None:
    """Extraction ran, and every window either succeeded or is marked as not analysed with its reason
    (a failed window is never a silent gap); the Markdown draft says so exactly when one failed."""
    assert pm.windows, "no extraction window ran"
    for w in pm.windows:
        assert w.ok or (w.error or "").strip(), f"window {w.index} failed without a reason: {w}"
    if markdown is not None:
        assert (INCOMPLETE_DRAFT in markdown) == bool(pm.failed_windows), pm.windows


def assert_all_proposed(items: Iterable[Item]) -> None:
    """Nothing was accepted or rejected: only the facilitator sets review state."""
    statuses = {i.id: i.status for i in items}
    assert set(statuses.values()) <= {ReviewStatus.PROPOSED}, statuses


def assert_evidence_checked(pm: Postmortem, segments: Sequence[Segment], duration_s: float | None = None) -> None:
    """Evidence is verified by code against the transcript: a verified item points at real lines and
    times inside them; an item whose quote was not found is flagged (the summary cites its window)."""
    by_id = {s.id: s for s in segments}
    for item in pm.all_items():
        ev = item.evidence
        if ev.verified:
            assert ev.segment_ids and set(ev.segment_ids) <= set(by_id), (item.id, ev)
            first, last = by_id[min(ev.segment_ids)], by_id[max(ev.segment_ids)]
            assert ev.start is not None and ev.end is not None, (item.id, ev)
            # Word times may stray a little outside their line's own times; never into another part.
            assert first.start - 0.5 <= ev.start <= ev.end <= last.end + 0.5, (item.id, ev, first, last)
            if duration_s is not None:
                assert 0 <= ev.start <= duration_s + 0.5, (item.id, ev)
        elif item is not pm.summary:
            assert Flag.UNVERIFIED_EVIDENCE in item.flags, (item.id, ev, item.flags)
    ids = [i.id for i in pm.all_items()]
    assert len(ids) == len(set(ids)), ids


def injected_lines(segments: Iterable[Segment]) -> set[int]:
    """Ids of the lines that read as instructions to the assistant (the code's own detector)."""
    return {s.id for s in segments if reads_as_instruction(s.text)}


def assert_injection_flagged(pm: Postmortem, segments: Sequence[Segment]) -> None:
    """Every item citing a line spoken to the assistant, or quoting such words, is `instruction_like`,
    so "accept every unflagged item" can never accept it (the summary cites its whole window, so only
    its own quote counts)."""
    injected = injected_lines(segments)
    for item in pm.all_items():
        cited = set() if item is pm.summary else set(item.evidence.segment_ids)
        if cited & injected or reads_as_instruction(item.evidence.quote):
            assert Flag.INSTRUCTION_LIKE in item.flags, f"unflagged item from an injected line: {item}"


def assert_owners_checked(pm: Postmortem, attendees: Sequence[str]) -> None:
    """An action item's owner passes unflagged only when it is an attendee, the person who said the
    quote, or named in the quote; an item without an owner is always flagged."""
    allowed = {a.casefold() for a in attendees}
    for item in pm.action_items:
        flagged = bool(OWNER_FLAGS & set(item.flags))
        if item.owner is None:
            assert flagged, (item.action, item.flags)
        elif not flagged:
            said_by = (item.evidence.speaker or "").casefold()
            named = contains_name(item.owner, tokens(item.evidence.quote))
            assert item.owner.casefold() in allowed | {said_by} or named, (item.owner, item.evidence, attendees)


def assert_draft_guarantees(
    pm: Postmortem,
    segments: Sequence[Segment],
    attendees: Sequence[str],
    *,
    markdown: str | None = None,
    duration_s: float | None = None,
) -> None:
    """All of the above, for a draft no person has reviewed yet."""
    assert_windows_accounted(pm, markdown)
    assert_all_proposed(pm.all_items())
    assert_evidence_checked(pm, segments, duration_s)
    assert_injection_flagged(pm, segments)
    assert_owners_checked(pm, attendees)
    if markdown is not None:
        for item in pm.action_items:
            assert all(f.value in markdown for f in item.flags), (item.action, item.flags)
