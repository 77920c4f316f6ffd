"""The postmortem document (../shared/docs/postmortem-template.md) as typed, reviewable items.

Every proposed item carries its evidence (segment ids, times, the quoted words), flags computed by
code in `assistant.checks`, and a review status. The LLM never sees these models: it fills the
strict wire schemas in `assistant.extraction.schema`, which are converted into these.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, Field, SerializerFunctionWrapHandler, model_serializer


class ReviewStatus(StrEnum):
    PROPOSED = "proposed"
    ACCEPTED = "accepted"
    REJECTED = "rejected"


class Flag(StrEnum):
    """Problems found by code, shown next to an item. Values are stable (they appear in exports)."""

    NO_OWNER = "no_owner"
    GROUP_OWNER = "group_owner"
    MULTIPLE_OWNERS = "multiple_owners"
    OWNER_NOT_IN_MEETING = "owner_not_in_meeting"
    OWNER_UNCONFIRMED = "owner_unconfirmed"
    NO_DUE_DATE = "no_due_date"
    VAGUE_DUE_DATE = "vague_due_date"
    UNVERIFIED_EVIDENCE = "unverified_evidence"
    ROOT_CAUSE_PERSON = "root_cause_person"
    ROOT_CAUSE_HUMAN_ERROR = "root_cause_human_error"
    BLAMING_LANGUAGE = "blaming_language"
    INSTRUCTION_LIKE = "instruction_like"


# Flags meaning "this action item has no single named owner" (the product's central rule).
OWNER_FLAGS = frozenset(
    {
        Flag.NO_OWNER,
        Flag.GROUP_OWNER,
        Flag.MULTIPLE_OWNERS,
        Flag.OWNER_NOT_IN_MEETING,
        Flag.OWNER_UNCONFIRMED,
    }
)
DUE_FLAGS = frozenset({Flag.NO_DUE_DATE, Flag.VAGUE_DUE_DATE})


class _OmitDefaults(BaseModel):
    """Leaves fields added later out of the JSON while they hold their default, so documents (and the
    golden exports) written before those fields existed stay byte-for-byte what they were."""

    _omit_when_default: frozenset[str] = frozenset()

    @model_serializer(mode="wrap")
    def _omit(self, handler: SerializerFunctionWrapHandler) -> dict[str, object]:
        data: dict[str, object] = handler(self)
        fields = type(self).model_fields
        for name in self._omit_when_default:
            if name in data and getattr(self, name) == fields[name].get_default(call_default_factory=True):
                del data[name]
        return data


class Evidence(_OmitDefaults):
    """Where an item was said. `verified` is False when the quote was not found in the transcript."""

    _omit_when_default = frozenset({"recording"})

    segment_ids: list[int] = Field(default_factory=list)
    start: float | None = None
    end: float | None = None
    quote: str = ""
    verified: bool = False
    speaker: str | None = None
    """Who said the cited line (attendee name, or S1/S2… while unnamed); set by the checks."""
    recording: str | None = None
    """The recording the line is in, when the postmortem has several (`record --continue`)."""


ItemOrigin = Literal["meeting", "draft"]
"""Where an item comes from: what the meeting said, or the draft written before it (`prepare --draft`)."""


class DraftState(StrEnum):
    """What the meeting made of a draft item. Values are stable (they appear in exports)."""

    DRAFT = "draft"
    """Not compared with a meeting yet."""
    CONFIRMED = "confirmed"
    CORRECTED = "corrected"
    """A correction was proposed (see `Item.corrections`)."""
    NOT_DISCUSSED = "not_discussed"


class Correction(BaseModel):
    """The meeting contradicting a draft item: one field's draft value against the value said."""

    field: str
    """The item's field the correction replaces ("time", "value", "owner", "due", "event", …)."""
    draft_value: str | None = None
    said_value: str
    evidence: Evidence = Field(default_factory=Evidence)
    status: ReviewStatus = ReviewStatus.PROPOSED
    """Accepted: the item holds `said_value` and `draft_value` keeps the history; rejected: the draft stands."""


class Item(_OmitDefaults):
    """Fields shared by every proposed item."""

    _omit_when_default = frozenset({"origin", "draft_state", "confirmed_by", "corrections"})

    id: str
    status: ReviewStatus = ReviewStatus.PROPOSED
    evidence: Evidence = Field(default_factory=Evidence)
    flags: list[Flag] = Field(default_factory=list)
    edited: bool = False
    origin: ItemOrigin = "meeting"
    draft_state: DraftState | None = None
    """For draft items: confirmed, corrected or not discussed by the meeting (None for meeting items)."""
    confirmed_by: Evidence | None = None
    """The words that confirmed a draft item."""
    corrections: list[Correction] = Field(default_factory=list)

    def main_text(self) -> str:
        raise NotImplementedError


class TextItem(Item):
    """A free-text item: decision, open question, what worked / didn't, follow-up, summary, systemic cause."""

    text: str

    def main_text(self) -> str:
        return self.text


ActionStatus = Literal["open", "done"]
"""Whether an action item's work is done (set after the meeting, `assistant actions done`); files written
before it existed load as "open"."""


class ActionItem(Item):
    action: str
    owner: str | None = None
    due: str | None = None
    """The due date as spoken ("Friday", "end of next week")."""
    due_date: dt.date | None = None
    """`due` normalised to a calendar date when the meeting date is known."""
    item_status: ActionStatus = "open"

    def main_text(self) -> str:
        return self.action


class TimelineEvent(Item):
    time: str | None = None
    """Incident-clock time as spoken ("14:32", "around 3 pm") — not the meeting's clock."""
    event: str

    def main_text(self) -> str:
        return self.event


class WhyStep(Item):
    question: str
    answer: str

    def main_text(self) -> str:
        return f"{self.question} {self.answer}"


class ImpactFact(Item):
    value: str

    def main_text(self) -> str:
        return self.value


IMPACT_FIELDS = ("duration", "users_affected", "revenue", "sla", "tickets")


class Impact(BaseModel):
    duration: ImpactFact | None = None
    users_affected: ImpactFact | None = None
    revenue: ImpactFact | None = None
    sla: ImpactFact | None = None
    tickets: ImpactFact | None = None


class RootCause(BaseModel):
    whys: list[WhyStep] = Field(default_factory=list)
    systemic_cause: TextItem | None = None
    flags: list[Flag] = Field(default_factory=list)
    """Chain-level flags (ends in a person / "human error")."""


class MeetingPart(BaseModel):
    """One recorded session of a postmortem held in several (`record --continue`): where it starts in the
    session's recording, and when it was held."""

    index: int
    """1, 2, … in recording order."""
    start_s: float
    date: dt.date | None = None


class MeetingDetails(_OmitDefaults):
    _omit_when_default = frozenset({"parts"})

    title: str | None = None
    date: dt.date | None = None
    facilitator: str | None = None
    attendees: list[str] = Field(default_factory=list)
    planned_duration_min: int | None = None
    incident_id: str | None = None
    severity: str | None = None
    incident_date: dt.date | None = None
    recording: str | None = None
    duration_s: float | None = None
    language: str | None = None
    """The spoken language (Whisper's code: `en`, `de`…) of the transcript the draft was read from."""
    parts: list[MeetingPart] = Field(default_factory=list)
    """The sessions recorded into this postmortem, when there is more than one (empty: a single meeting)."""

    def part_at(self, seconds: float) -> MeetingPart | None:
        """The session that `seconds` (a time in the whole recording) falls in; None for a single meeting."""
        if len(self.parts) < 2:
            return None
        return next((p for p in reversed(self.parts) if seconds >= p.start_s), self.parts[0])

    def with_recording(self, recording: str, duration_s: float) -> MeetingDetails:
        """These details for a meeting recorded in the file named `recording`, `duration_s` long."""
        return self.model_copy(update={"recording": recording, "duration_s": round(duration_s, 2)})


class WindowStatus(BaseModel):
    """Outcome of one extraction window, so a failed window is visible, never a silent gap."""

    index: int
    start: float
    end: float
    ok: bool
    error: str | None = None
    attempts: int = 1


class Postmortem(BaseModel):
    details: MeetingDetails = Field(default_factory=MeetingDetails)
    summary: TextItem | None = None
    impact: Impact = Field(default_factory=Impact)
    timeline: list[TimelineEvent] = Field(default_factory=list)
    root_cause: RootCause = Field(default_factory=RootCause)
    what_worked: list[TextItem] = Field(default_factory=list)
    what_didnt: list[TextItem] = Field(default_factory=list)
    action_items: list[ActionItem] = Field(default_factory=list)
    decisions: list[TextItem] = Field(default_factory=list)
    open_questions: list[TextItem] = Field(default_factory=list)
    follow_up: list[TextItem] = Field(default_factory=list)
    windows: list[WindowStatus] = Field(default_factory=list)

    def all_items(self) -> list[Item]:
        """Every reviewable item, in document order."""
        items: list[Item] = []
        if self.summary:
            items.append(self.summary)
        items.extend(f for f in (getattr(self.impact, n) for n in IMPACT_FIELDS) if f is not None)
        items.extend(self.timeline)
        items.extend(self.root_cause.whys)
        if self.root_cause.systemic_cause:
            items.append(self.root_cause.systemic_cause)
        for group in (
            self.what_worked,
            self.what_didnt,
            self.action_items,
            self.decisions,
            self.open_questions,
            self.follow_up,
        ):
            items.extend(group)
        return items

    def find(self, item_id: str) -> Item | None:
        return next((i for i in self.all_items() if i.id == item_id), None)

    @property
    def failed_windows(self) -> list[WindowStatus]:
        return [w for w in self.windows if not w.ok]
