"""A draft postmortem in the template's Markdown (the layout `assistant export --format md` writes) as a
Postmortem. Anything that is not part of that layout is an error naming its line: a draft is read whole
or not at all.

What the export adds around the team's words is dropped: "[mm:ss, Speaker]" prefixes and evidence
(they point into another recording), review/flag/draft marks such as " *(proposed · ⚠ no_owner)*"
(recomputed for this session), the flags legend and the incomplete-draft warning. Status marks are
kept: a row marked *proposed* stays proposed, an unmarked one is accepted (the team wrote it).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

from assistant.domain.postmortem import (
    IMPACT_FIELDS,
    ActionItem,
    ImpactFact,
    Postmortem,
    ReviewStatus,
    TextItem,
    TimelineEvent,
    WhyStep,
)
from assistant.draft.blocks import Block, Document, Section, parse_blocks, plain
from assistant.errors import AssistantError


class DraftError(AssistantError):
    """A file that is not a draft postmortem (the message names the line)."""

    exit_code = 2


_EMPTY = {"_Nothing proposed yet._", "_not identified yet._", "—", "-", ""}
_SAID_AT = re.compile(r"^\[\d{1,2}(?::\d\d){1,2}(?:, [^\]]*)?\]\s*")
_LABELLED = re.compile(r"^\*\*(?P<label>[^*]+?):\*\*\s*(?P<value>.*)$")
_DUE = re.compile(r"^(?P<spoken>.*?)\s*\(?(?P<iso>\d{4}-\d\d-\d\d)\)?$")
# The first words of every part the exporter writes inside " *(…)*"; anything else is the team's text.
_MARK_WORDS = ("proposed", "accepted", "rejected", "⚠", "draft", "confirmed", "correction", "corrected",
               "not discussed", "added by the meeting")  # fmt: skip
IMPACT_BY_LABEL = {
    "duration": "duration",
    "users affected": "users_affected",
    "revenue": "revenue",
    "sla": "sla",
    "support tickets": "tickets",
    "tickets": "tickets",
}
_DETAIL_LABELS = ("date", "facilitator", "attendees", "planned duration", "incident", "incident id", "severity",
                  "incident date", "recording", "recording duration", "title", "sessions")  # fmt: skip


def split_marks(source: str) -> tuple[str, list[str]]:
    """`source` without the exporter's trailing " *(a · b)*" marks, and the marks' parts."""
    start = source.find(" *(")
    while start != -1:
        inner = source[start + 3 :]
        if inner.rstrip().endswith(")*"):
            parts = [p.strip() for p in inner.rstrip()[:-2].split(" · ")]
            if parts and parts[0].startswith(_MARK_WORDS):
                return source[:start].rstrip(), parts
        start = source.find(" *(", start + 1)
    return source, []


def _status(parts: list[str]) -> ReviewStatus:
    for part in parts:
        for status in ReviewStatus:
            if part == status.value:
                return status
    return ReviewStatus.ACCEPTED


def _text(source: str) -> tuple[str, ReviewStatus]:
    """A cell or list item as (plain text, review status)."""
    body, parts = split_marks(source.strip())
    return plain(_SAID_AT.sub("", body, count=1)), _status(parts)


def _value(source: str) -> str | None:
    text = plain(source)
    return None if text in _EMPTY else text


class _Reader:
    def __init__(self) -> None:
        self.pm = Postmortem()
        self._ids: set[str] = set()

    def id_for(self, kind: str, text: str) -> str:
        from assistant.extraction.convert import item_id

        base = f"draft-{item_id(kind, text)}"
        candidate, n = base, 1
        while candidate in self._ids:
            n += 1
            candidate = f"{base}-{n}"
        self._ids.add(candidate)
        return candidate

    # --- sections -------------------------------------------------------------------------------

    def details(self, section: Section) -> None:
        d = self.pm.details
        for block in _only(section, "item"):
            match = _LABELLED.match(block.cells[0].strip())
            label = match["label"].strip().lower() if match else ""
            if not match or label not in _DETAIL_LABELS:
                raise _error(block.line, 'expected a "- **Field:** value" line of the meeting details')
            value = _value(match["value"])
            if value is None:
                continue
            if label in ("date", "incident date"):
                setattr(d, "date" if label == "date" else "incident_date", _date(value, block.line))
            elif label == "attendees":
                d.attendees = [a.strip() for a in value.split(",") if a.strip()]
            elif label == "planned duration":
                number = re.fullmatch(r"(\d+)\s*(?:min|minutes)?", value)
                if not number:
                    raise _error(block.line, f"planned duration {value!r} is not a number of minutes")
                d.planned_duration_min = int(number[1])
            elif label == "incident":
                incident, _, severity = value.partition(", severity ")
                if incident.startswith("severity "):
                    incident, severity = "", incident.removeprefix("severity ")
                d.incident_id = incident.strip() or None
                d.severity = severity.strip() or d.severity
            elif label in ("incident id", "severity", "facilitator", "title"):
                setattr(d, label.replace(" ", "_"), value)
            # The recording and its duration belong to a meeting, not to the draft: this session records its own.

    def summary(self, section: Section) -> None:
        texts = [b for b in section.blocks if plain(b.cells[0]) not in _EMPTY]
        for block in texts:
            if block.kind != "paragraph":
                raise _error(block.line, "expected the summary as a paragraph")
        if texts:
            joined = " ".join(_text(b.cells[0])[0] for b in texts)
            self.pm.summary = TextItem(
                id=self.id_for("summary", joined), text=joined, status=_text(texts[-1].cells[0])[1]
            )

    def impact(self, section: Section) -> None:
        for block in _rows(section, ("field", "value")):
            name = IMPACT_BY_LABEL.get(plain(block.cells[0]).lower())
            if name is None:
                raise _error(block.line, f"unknown impact field {plain(block.cells[0])!r}")
            value, status = _text(block.cells[1])
            if value not in _EMPTY:
                fact = ImpactFact(id=self.id_for(f"impact_{name}", value), value=value, status=status)
                setattr(self.pm.impact, name, fact)

    def timeline(self, section: Section) -> None:
        for block in _rows(section, ("time", "event")):
            event, status = _text(block.cells[1])
            if event in _EMPTY:
                raise _error(block.line, "a timeline row without an event")
            time = _value(block.cells[0])
            self.pm.timeline.append(
                TimelineEvent(id=self.id_for("timeline", f"{time} {event}"), time=time, event=event, status=status)
            )

    def root_causes(self, section: Section) -> None:
        for block in section.blocks:
            source = block.cells[0].strip()
            if block.kind == "numbered":
                text, status = _text(source)
                question, arrow, answer = text.partition(" → ")
                if not arrow:
                    question, answer = "Why?", text
                answer = "" if answer == "—" else answer
                self.pm.root_cause.whys.append(
                    WhyStep(id=self.id_for("why", answer), question=question, answer=answer, status=status)
                )
            elif block.kind == "paragraph" and (match := _LABELLED.match(source)):
                label = match["label"].lower()
                if label == "systemic cause":
                    text, status = _text(match["value"])
                    if text not in _EMPTY:
                        cause = TextItem(id=self.id_for("systemic", text), text=text, status=status)
                        self.pm.root_cause.systemic_cause = cause
                elif label != "chain flags":  # recomputed by the checks
                    raise _error(block.line, f"unknown root-cause line {match['label']!r}")
            elif plain(source) not in _EMPTY:
                raise _error(block.line, 'expected a numbered "why → answer" or "**Systemic cause:**" line')

    def text_list(self, kind: str, target: list[TextItem]) -> Callable[[Section], None]:
        def read(section: Section) -> None:
            for block in _only(section, "item"):
                text, status = _text(block.cells[0])
                if text not in _EMPTY:
                    target.append(TextItem(id=self.id_for(kind, text), text=text, status=status))

        return read

    def action_items(self, section: Section) -> None:
        for block in _rows(section, ("owner", "action", "due")):
            action, _ = _text(block.cells[1])
            if action in _EMPTY:
                raise _error(block.line, "an action item without an action")
            spoken, due_date = _due(block.cells[2], block.line)
            parts = [p.strip() for p in plain(block.cells[3]).split(" · ")] if len(block.cells) > 3 else []
            self.pm.action_items.append(
                ActionItem(
                    id=self.id_for("action", action),
                    action=action,
                    owner=_value(block.cells[0]),
                    due=spoken,
                    due_date=due_date,
                    item_status="done" if "done" in parts else "open",
                    status=_status(parts),
                )
            )


def _error(line: int, what: str) -> DraftError:
    return DraftError(f"not a draft postmortem: line {line}: {what}")


def _date(value: str, line: int) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise _error(line, f"{value!r} is not a date (YYYY-MM-DD)") from None


def _due(source: str, line: int) -> tuple[str | None, dt.date | None]:
    text = _value(source)
    if text is None:
        return None, None
    match = _DUE.match(text)
    if not match:
        return text, None
    return match["spoken"].strip() or None, _date(match["iso"], line)


def _only(section: Section, kind: str) -> list[Block]:
    blocks = [b for b in section.blocks if not (b.kind == "paragraph" and plain(b.cells[0]) in _EMPTY)]
    for block in blocks:
        if block.kind != kind:
            raise _error(block.line, f"expected a list item in {section.title!r}")
    return blocks


def _rows(section: Section, header: tuple[str, ...]) -> list[Block]:
    """The body rows of the section's one table, whose header starts with `header` (case-insensitive)."""
    rows: list[Block] = []
    for block in section.blocks:
        if block.kind == "header":
            got = tuple(plain(c).lower() for c in block.cells[: len(header)])
            if got != header:
                raise _error(block.line, f"expected a table with columns {', '.join(header)} in {section.title!r}")
        elif block.kind == "row":
            if len(block.cells) < len(header):
                raise _error(block.line, f"a row with {len(block.cells)} cells in {section.title!r}")
            rows.append(block)
        elif not (block.kind == "paragraph" and plain(block.cells[0]) in _EMPTY):
            raise _error(block.line, f"expected a table in {section.title!r}")
    return rows


def read_markdown(text: str) -> Postmortem:
    """The draft in `text`; DraftError (naming the line) when it is not the template's Markdown."""
    doc: Document = parse_blocks(text)
    if doc.title is None or not doc.title.startswith("Postmortem:"):
        first = next((n for n, line in enumerate(text.splitlines(), 1) if line.strip()), 1)
        raise _error(first, 'expected the title "# Postmortem: …"')
    reader = _Reader()
    pm = reader.pm
    title = plain(doc.title.removeprefix("Postmortem:"))
    pm.details.title = title or None
    notes = False
    for block in doc.preamble:
        # The export writes only the incomplete-draft warning (a quote) and the template notes there.
        notes = notes or (block.kind == "paragraph" and block.cells[0].startswith("**Template notes**"))
        if block.kind != "quote" and not notes:
            raise _error(block.line, "text before the first section")
    readers: dict[str, Callable[[Section], None]] = {
        "meeting details": reader.details,
        "incident summary": reader.summary,
        "impact": reader.impact,
        "timeline": reader.timeline,
        "root causes": reader.root_causes,
        "what worked": reader.text_list("worked", pm.what_worked),
        "what didn't work": reader.text_list("didnt", pm.what_didnt),
        "action items": reader.action_items,
        "decisions": reader.text_list("decision", pm.decisions),
        "open questions": reader.text_list("question", pm.open_questions),
        "follow-up": reader.text_list("follow_up", pm.follow_up),
        "flags": lambda section: None,  # the legend: written by every export, read by none
        "template notes": lambda section: None,  # recomputed for this session
    }
    seen: set[str] = set()
    for section in doc.sections:
        key = plain(section.title).lower()
        if key not in readers:
            raise _error(section.line, f"unknown section {plain(section.title)!r}")
        if key in seen:
            raise _error(section.line, f"section {plain(section.title)!r} appears twice")
        seen.add(key)
        readers[key](section)
    if not seen - {"flags", "template notes"}:
        raise _error(doc.title_line, "no template section (## Meeting details, ## Timeline, …)")
    assert set(IMPACT_BY_LABEL.values()) == set(IMPACT_FIELDS)
    return pm
