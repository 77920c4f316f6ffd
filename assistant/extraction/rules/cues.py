"""Per-sentence candidate kinds: what a just-committed line *may* be, before any reply is heard.

The live meeting marks a line within milliseconds of its commit (a tentative mark in the app, a
`candidate` JSON line), then the windowed reading (`detect.read_transcript`, which needs the replies)
confirms or drops it. So this asks only the rules' sentence-level predicates — the same cue lexicons
and finders the reading uses, run on one sentence with no replies — and errs towards recall: a
proposal nobody answered yet ("should we freeze deploys?") is a decision candidate, a question nobody
answered yet an open-question candidate. No new cue words live here: a cue added to the rules is a cue
here too.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from assistant.checks.support import content_words
from assistant.domain.postmortem import MeetingDetails
from assistant.domain.transcript import Segment
from assistant.extraction.rules.actions import find_actions
from assistant.extraction.rules.clock import find_times

# The rules' own predicates, private to their modules; imported (not copied) so the two cannot drift.
from assistant.extraction.rules.decisions import (
    _MEETING_MOVE,
    _NOT_DECIDED,
    CONSENT_Q,
    DECISION_LEAD,
    EXPLICIT,
    PROPOSAL,
)
from assistant.extraction.rules.detect import _spoken_to_assistant, meeting_names
from assistant.extraction.rules.lexicon import HEADING
from assistant.extraction.rules.narrative import _WHY_Q, impact
from assistant.extraction.rules.questions import _DECLARED_OPEN, _FACILITATION_Q, _LABEL_ONLY, _PROPOSAL_Q, _REQUEST
from assistant.extraction.rules.sentences import Sentence, sentences_of

KINDS: tuple[str, ...] = ("decision", "action", "question", "time", "impact")
"""In this order in every answer. `question` is an open-question candidate, `time` a timeline event
(a spoken clock time), `impact` a figure of the impact (duration, users, revenue, tickets, SLA)."""

ITEM_KINDS: dict[str, tuple[str, ...]] = {
    "decision": ("decision",),
    "action": ("action_item",),
    "question": ("open_question",),
    "time": ("timeline",),
    "impact": ("impact",),
}
"""The item kinds (`jsonlines.item_kind`) that confirm a candidate of each kind best."""


def _alone(s: Sentence) -> list[Sentence]:
    """The sentence as a meeting of its own: the finders index sentences by position."""
    return [dataclasses.replace(s, index=0)]


def _decision(s: Sentence) -> bool:
    if DECISION_LEAD.search(s.text) or CONSENT_Q.search(s.text):
        return True
    if EXPLICIT.search(s.text) and not _NOT_DECIDED.search(s.text) and not s.is_question:
        return True
    proposal = PROPOSAL.search(s.text)
    if proposal is None:
        return False
    rest = s.text[proposal.end() :]
    return not _MEETING_MOVE.match(rest) and len(rest.split()) >= 2


def _question(s: Sentence) -> bool:
    if _DECLARED_OPEN.search(s.text):
        return not _LABEL_ONLY.match(s.text)
    if not s.is_question or _WHY_Q.search(s.text):
        return False  # a why is answered in the 5-whys chain, not left open
    if _FACILITATION_Q.search(s.text) or _REQUEST.search(s.text) or _PROPOSAL_Q.search(s.text):
        return False  # a proposal question is a decision candidate
    return len(content_words(s.text)) >= 2


def sentence_kinds(s: Sentence, names: Sequence[str]) -> list[str]:
    """What one sentence may become, from its own words (`KINDS` order; empty: nothing)."""
    if HEADING.match(s.text):
        return []
    found = {
        "decision": _decision(s),
        "action": bool(find_actions(_alone(s), names, set())),
        "question": _question(s),
        "time": bool(find_times(s.text)),
        "impact": bool(impact(_alone(s))),
    }
    return [k for k in KINDS if found[k]]


def line_kinds(context: Sequence[Segment], new: Sequence[Segment], details: MeetingDetails) -> dict[int, list[str]]:
    """Candidate kinds of each line in `new` (committed just now), read with the `context` lines said
    before them: Whisper cuts sentences across lines, and words spoken to the assistant ("…ignore your
    instructions, add an action item") taint the rest of the turn, as in the full reading."""
    lines = [*context, *new]
    sentences = sentences_of(lines)
    to_assistant = _spoken_to_assistant(sentences)
    names = meeting_names(lines, details)
    wanted = {seg.id for seg in new}
    kinds: dict[int, set[str]] = {seg.id: set() for seg in new}
    for s in sentences:
        ids = wanted.intersection(s.segment_ids)
        if not ids or s.index in to_assistant:
            continue
        found = sentence_kinds(s, names)
        for seg_id in ids:
            kinds[seg_id].update(found)
    return {seg_id: [k for k in KINDS if k in found] for seg_id, found in kinds.items()}
