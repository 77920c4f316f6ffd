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


class WireLiveExtraction(BaseModel):
    """One live window's findings: only what the facilitator must react to during the meeting.

    A 1.5B model on two cores writes ~15 tokens/s; the full schema made it write 500-1000 tokens per
    window (minutes each), so items raised at the end of a meeting surfaced long after it. The full
    draft comes from the final pass over the whole meeting."""

    decisions: list[WireNote]
    action_items: list[WireAction]
    open_questions: list[WireNote]

    def as_full(self) -> WireExtraction:
        empty = WireImpact(duration=None, users_affected=None, revenue=None, sla=None, tickets=None)
        return WireExtraction(
            summary=None, impact=empty, timeline=[], whys=[], systemic_cause=None, what_worked=[], what_didnt=[],
            decisions=self.decisions, action_items=self.action_items, open_questions=self.open_questions,
            follow_up=[],
        )  # fmt: skip
