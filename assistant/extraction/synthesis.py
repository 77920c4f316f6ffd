"""Whole-meeting synthesis: the incident summary, written once per meeting from what the rules found.

The model sees a few dozen lines of facts (timeline, impact, causes), not the transcript, so the
call is short and cannot invent items; when it fails, a summary composed by code from the same facts
takes its place (the draft never loses its summary to an LLM outage)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from pydantic import BaseModel, ConfigDict

from assistant.domain.postmortem import IMPACT_FIELDS, Evidence, MeetingDetails, Postmortem, TextItem
from assistant.extraction.convert import clean, item_id

_FENCE = re.compile(r"</?(?=\s*facts)", re.I)
_SENTENCE = re.compile(r"(?<=[.!?])\s+")
MAX_SENTENCES = 5


class WireSummary(BaseModel):
    model_config = ConfigDict(extra="ignore")
    summary: str


def anonymise(text: str, names: Sequence[str]) -> str:
    """People out of a summary: a postmortem is blameless, and its readers need what broke, not who."""
    for name in sorted({n for full in names for n in (full, full.split()[0]) if n.strip()}, key=len, reverse=True):
        text = re.sub(rf"\b{re.escape(name)}\b(?:'s)?", "a responder", text)
    return text


def names_in(text: str, names: Sequence[str]) -> bool:
    return any(re.search(rf"\b{re.escape(n.split()[0])}\b", text) for n in names if n.strip())


def summary_facts(pm: Postmortem, names: Sequence[str] = ()) -> str:
    lines: list[str] = []
    for event in pm.timeline[:12]:
        lines.append(f"- timeline: {event.time or '?'} {clean(event.event)}")
    for name in IMPACT_FIELDS:
        fact = getattr(pm.impact, name)
        if fact is not None:
            lines.append(f"- impact ({name.replace('_', ' ')}): {clean(fact.value)}")
    for why in pm.root_cause.whys[:5]:
        lines.append(f"- why: {clean(why.answer)}")
    if pm.root_cause.systemic_cause is not None:
        lines.append(f"- systemic cause: {clean(pm.root_cause.systemic_cause.text)}")
    return "\n".join(_FENCE.sub("< ", anonymise(line, names)) for line in lines)


def has_facts(pm: Postmortem) -> bool:
    return bool(pm.timeline or pm.root_cause.systemic_cause or any(getattr(pm.impact, n) for n in IMPACT_FIELDS))


def trim_summary(text: str) -> str:
    sentences = [s for s in _SENTENCE.split(clean(text)) if s]
    return " ".join(sentences[:MAX_SENTENCES])


def composed_summary(pm: Postmortem, names: Sequence[str] = ()) -> str:
    """A plain summary from the facts alone (no model): first event, impact, cause, restoration."""
    parts: list[str] = []
    if pm.timeline:
        first = pm.timeline[0]
        parts.append(f"At {first.time}, {_lower_first(first.event)}.")
    figures = [clean(getattr(pm.impact, n).value) for n in IMPACT_FIELDS if getattr(pm.impact, n) is not None]
    if figures:
        parts.append("Impact: " + "; ".join(figures) + ".")
    if pm.root_cause.systemic_cause is not None:
        parts.append(f"Root cause: {_lower_first(pm.root_cause.systemic_cause.text)}.")
    if len(pm.timeline) > 1:
        last = pm.timeline[-1]
        parts.append(f"At {last.time}, {_lower_first(last.event)}.")
    return anonymise(" ".join(parts), names)


def summary_item(text: str, pm: Postmortem) -> TextItem:
    """The summary cites the lines its facts came from."""
    cited = [*pm.timeline, *(f for n in IMPACT_FIELDS if (f := getattr(pm.impact, n)) is not None)]
    if pm.root_cause.systemic_cause is not None:
        cited.append(pm.root_cause.systemic_cause)
    ids = sorted({i for item in cited for i in item.evidence.segment_ids})
    starts = [item.evidence.start for item in cited if item.evidence.start is not None]
    ends = [item.evidence.end for item in cited if item.evidence.end is not None]
    return TextItem(
        id=item_id("summary", text),
        text=text,
        evidence=Evidence(segment_ids=ids, start=min(starts, default=None), end=max(ends, default=None), verified=True),
    )


def summary_messages(system: str, user: str) -> list[dict[str, str]]:
    return [{"role": "system", "content": system}, {"role": "user", "content": user}]


def _lower_first(text: str) -> str:
    text = clean(text).rstrip(".")
    return text[:1].lower() + text[1:] if text[:2].lower() != "i " else text


def context_line(details: MeetingDetails) -> str:
    bits = [details.title or "incident postmortem"]
    if details.incident_id:
        bits.append(f"incident {clean(details.incident_id)}")
    if details.severity:
        bits.append(f"severity {clean(details.severity)}")
    return "; ".join(clean(b) for b in bits)
