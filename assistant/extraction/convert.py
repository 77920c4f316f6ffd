"""Turn one window's wire answer into domain items with located evidence (no flags yet: checks do that)."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence

from assistant.checks.evidence import locate_quote
from assistant.domain.postmortem import (
    ActionItem,
    Evidence,
    Impact,
    ImpactFact,
    Postmortem,
    TextItem,
    TimelineEvent,
    WhyStep,
)
from assistant.domain.transcript import Segment
from assistant.extraction.schema import WireExtraction
from assistant.speakers.model import is_label

_WS = re.compile(r"\s+")


def clean(text: str | None) -> str:
    """One line of plain text: model output may carry control characters or newlines."""
    return _WS.sub(" ", "".join(ch if ch.isprintable() else " " for ch in (text or ""))).strip()


def item_id(kind: str, text: str) -> str:
    digest = hashlib.sha1(f"{kind}:{clean(text).lower()}".encode()).hexdigest()[:8]
    return f"{kind}-{digest}"


# What the prompt puts before each line's words ("L12 [03:04] Omar: "): a small model often copies
# some of it into the quote, which must show only the words as said.
_LINE_TAG = re.compile(r"^\s*(?:L\d+\s*)?(?:\[\d{1,2}(?::\d\d){1,2}\]\s*)?")
_LABEL = re.compile(r"^([^:]{1,40}):\s+")


def _strip_line_prefix(quote: str, speakers: set[str]) -> str:
    text = _LINE_TAG.sub("", quote, count=1)
    label = _LABEL.match(text)
    # Only a known speaker's name is a prefix; "Thanks: all good" is speech.
    if label and (label.group(1) in speakers or is_label(label.group(1))):
        text = text[label.end() :]
    return text


def _evidence(quote: str, line: int, segments: Sequence[Segment]) -> Evidence:
    text = clean(quote)
    bare = _strip_line_prefix(text, {clean(s.speaker) for s in segments if s.speaker})
    if bare and bare != text:
        found = locate_quote(bare, segments, hint_ids=[line])
        if found.verified:
            return found
    return locate_quote(text, segments, hint_ids=[line])


def wire_to_postmortem(wire: WireExtraction, segments: Sequence[Segment]) -> Postmortem:
    pm = Postmortem()

    def note(kind: str, text: str, quote: str, line: int) -> TextItem:
        return TextItem(id=item_id(kind, text), text=clean(text), evidence=_evidence(quote, line, segments))

    if wire.summary and clean(wire.summary):
        # The summary paraphrases the whole window; its evidence is the window itself.
        pm.summary = TextItem(
            id=item_id("summary", wire.summary),
            text=clean(wire.summary),
            evidence=Evidence(
                segment_ids=[s.id for s in segments],
                start=segments[0].start if segments else None,
                end=segments[-1].end if segments else None,
                verified=True,
            ),
        )
    impact = Impact()
    for name in ("duration", "users_affected", "revenue", "sla", "tickets"):
        fact = getattr(wire.impact, name)
        if fact is not None and clean(fact.value):
            setattr(
                impact,
                name,
                ImpactFact(
                    id=item_id(f"impact_{name}", fact.value),
                    value=clean(fact.value),
                    evidence=_evidence(fact.quote, fact.line, segments),
                ),
            )
    pm.impact = impact
    pm.timeline = [
        TimelineEvent(
            id=item_id("timeline", f"{t.time} {t.event}"),
            time=clean(t.time) or None,
            event=clean(t.event),
            evidence=_evidence(t.quote, t.line, segments),
        )
        for t in wire.timeline
        if clean(t.event)
    ]
    pm.root_cause.whys = [
        WhyStep(
            id=item_id("why", w.answer),
            question=clean(w.question),
            answer=clean(w.answer),
            evidence=_evidence(w.quote, w.line, segments),
        )
        for w in wire.whys
        if clean(w.answer)
    ]
    if wire.systemic_cause and clean(wire.systemic_cause.value):
        sc = wire.systemic_cause
        pm.root_cause.systemic_cause = note("systemic", sc.value, sc.quote, sc.line)
    pm.what_worked = [note("worked", n.text, n.quote, n.line) for n in wire.what_worked if clean(n.text)]
    pm.what_didnt = [note("didnt", n.text, n.quote, n.line) for n in wire.what_didnt if clean(n.text)]
    pm.decisions = [note("decision", n.text, n.quote, n.line) for n in wire.decisions if clean(n.text)]
    pm.open_questions = [note("question", n.text, n.quote, n.line) for n in wire.open_questions if clean(n.text)]
    pm.follow_up = [note("followup", n.text, n.quote, n.line) for n in wire.follow_up if clean(n.text)]
    pm.action_items = [
        ActionItem(
            id=item_id("action", a.action),
            action=clean(a.action),
            owner=clean(a.owner) or None,
            due=clean(a.due) or None,
            evidence=_evidence(a.quote, a.line, segments),
        )
        for a in wire.action_items
        if clean(a.action)
    ]
    return pm
