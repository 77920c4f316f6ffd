"""Small meetings for session tests: a few transcript lines and proposals that point at them."""

from __future__ import annotations

import datetime as dt

from assistant.domain.postmortem import (
    ActionItem,
    Evidence,
    MeetingDetails,
    Postmortem,
    TextItem,
)
from assistant.domain.transcript import Segment

MEETING_DATE = dt.date(2026, 3, 4)  # a Wednesday

LINES = [
    ("Karen", "So the webhook queue started backing up at 09:15 on Tuesday."),
    ("Ben", "Around 600 merchants saw delayed payouts and support got 35 tickets."),
    ("Karen", "OK, we agreed to add a retry cap of 5 to the worker template."),
    ("Karen", "Karen will add the retry cap to the template by Thursday."),
    ("Ben", "I'll write the runbook entry for the queue alert by Friday."),
]


def details(**overrides: object) -> MeetingDetails:
    base: dict[str, object] = {
        "title": "Webhook queue backlog",
        "date": MEETING_DATE,
        "facilitator": "Karen",
        "attendees": ["Karen", "Ben"],
        "incident_id": "INC-42",
        "severity": "SEV2",
    }
    return MeetingDetails.model_validate(base | overrides)


def segments(first_id: int = 0) -> list[Segment]:
    return [
        Segment(id=first_id + n, start=10.0 * n, end=10.0 * n + 8.5, text=text, speaker=speaker)
        for n, (speaker, text) in enumerate(LINES)
    ]


def evidence(segment_id: int, quote: str) -> Evidence:
    return Evidence(segment_ids=[segment_id], quote=quote)


def proposals() -> Postmortem:
    """An owned, dated action item (no flags once checked), one with no owner, and a decision."""
    return Postmortem(
        action_items=[
            ActionItem(
                id="act-cap",
                action="Add a retry cap to the worker template",
                owner="Karen",
                due="Thursday",
                evidence=evidence(3, "Karen will add the retry cap to the template by Thursday"),
            ),
            ActionItem(
                id="act-review",
                action="Review the other workers",
                evidence=evidence(2, "we agreed to add a retry cap"),
            ),
        ],
        decisions=[
            TextItem(
                id="dec-cap",
                text="Add a retry cap of 5 to the worker template",
                evidence=evidence(2, "we agreed to add a retry cap of 5 to the worker template"),
            )
        ],
    )
