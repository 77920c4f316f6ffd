"""What the LLM fills in: strict-schema friendly (every field required, `X | None` for optional),
no ids, no review state, no flags. `line` is the transcript line number shown in the prompt, `quote`
the words as said; code verifies both and derives evidence, owners and flags from them."""

from __future__ import annotations

from pydantic import BaseModel, Field


class WireFact(BaseModel):
    value: str
    quote: str
    line: int


class WireNote(BaseModel):
    text: str
    quote: str
    line: int


class WireAction(BaseModel):
    action: str
    owner: str | None = Field(description="The one person named as responsible, exactly as said; null if none")
    due: str | None = Field(description="The deadline as said (e.g. 'Friday'); null if none was said")
    quote: str
    line: int


class WireTimeline(BaseModel):
    time: str | None = Field(description="Time of the incident event as said, not the meeting time")
    event: str
    quote: str
    line: int


class WireWhy(BaseModel):
    question: str
    answer: str
    quote: str
    line: int


class WireImpact(BaseModel):
    duration: WireFact | None
    users_affected: WireFact | None
    revenue: WireFact | None
    sla: WireFact | None
    tickets: WireFact | None


class WireExtraction(BaseModel):
    """One window's findings."""

    summary: str | None
    impact: WireImpact
    timeline: list[WireTimeline]
    whys: list[WireWhy]
    systemic_cause: WireFact | None
    what_worked: list[WireNote]
    what_didnt: list[WireNote]
    decisions: list[WireNote]
    action_items: list[WireAction]
    open_questions: list[WireNote]
    follow_up: list[WireNote]
