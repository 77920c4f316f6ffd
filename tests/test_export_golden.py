"""Golden-file tests: the exact Markdown and JSON exports of a rich and of an empty postmortem.

The expected files live in tests/golden/. After an intended change to the output, regenerate them with

    UPDATE_GOLDEN=1 .venv/bin/pytest tests/test_export_golden.py

and review the diff of tests/golden/ before committing: the diff *is* the change users will see.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from assistant.domain.postmortem import (
    ActionItem,
    Evidence,
    Flag,
    Impact,
    ImpactFact,
    MeetingDetails,
    Postmortem,
    ReviewStatus,
    RootCause,
    TextItem,
    TimelineEvent,
    WhyStep,
    WindowStatus,
)
from assistant.export import render_json, render_markdown

GOLDEN_DIR = Path(__file__).parent / "golden"

ACCEPTED = ReviewStatus.ACCEPTED
PROPOSED = ReviewStatus.PROPOSED
REJECTED = ReviewStatus.REJECTED


def ev(start: float, quote: str = "", *, verified: bool = True) -> Evidence:
    return Evidence(segment_ids=[int(start)], start=start, end=start + 4.5, quote=quote, verified=verified)


def rich_postmortem() -> Postmortem:
    """Every section filled, flags of each kind, two failed windows (one past the hour), rejected items."""
    return Postmortem(
        details=MeetingDetails(
            title="Checkout outage: DB pool limit",
            date=dt.date(2026, 3, 2),
            facilitator="Dana Ruiz",
            attendees=["Dana Ruiz", "Lee Chen", "Sam Okafor", "Priya Nair"],
            planned_duration_min=60,
            incident_id="INC-2026-014",
            severity="SEV1",
            incident_date=dt.date(2026, 1, 14),
            recording="2026-03-02-postmortem.wav",
            duration_s=3905.5,
        ),
        summary=TextItem(
            id="sum",
            status=ACCEPTED,
            evidence=ev(95.0, "checkout failed for forty-seven minutes"),
            text=(
                "On January 14th at 14:32 UTC the checkout service failed for 47 minutes after v2.31.0 set "
                "the database connection-pool limit to 10 instead of 100. A rollback restored it at 15:19."
            ),
        ),
        impact=Impact(
            duration=ImpactFact(
                id="imp-d", status=ACCEPTED, evidence=ev(130.2, "forty-seven minutes"), value="47 minutes"
            ),
            users_affected=ImpactFact(
                id="imp-u", evidence=ev(141.0, "about eight thousand four hundred"), value="~8,400 sessions"
            ),
            revenue=ImpactFact(
                id="imp-r",
                evidence=ev(150.0, "twenty-three k", verified=False),
                flags=[Flag.UNVERIFIED_EVIDENCE],
                value="~$23,000",
            ),
            sla=ImpactFact(id="imp-s", status=ACCEPTED, evidence=ev(162.0), value="Breached (99.9% monthly)"),
        ),
        timeline=[
            TimelineEvent(id="t1", status=ACCEPTED, evidence=ev(200.0), time="14:32", event="v2.31.0 deployed"),
            TimelineEvent(
                id="t2",
                status=ACCEPTED,
                evidence=ev(215.5),
                time="14:38",
                event="Alert fires but goes to the wrong pager channel",
            ),
            TimelineEvent(id="t3", status=REJECTED, evidence=ev(230.0), time="14:40", event="Coffee break"),
            TimelineEvent(id="t4", evidence=ev(248.0), time="around 3 pm", event="Connection exhaustion found"),
            TimelineEvent(id="t5", event="Rollback complete"),
        ],
        root_cause=RootCause(
            whys=[
                WhyStep(
                    id="w1",
                    status=ACCEPTED,
                    evidence=ev(610.0),
                    question="Why did checkout fail?",
                    answer="The database connection pool was exhausted.",
                ),
                WhyStep(
                    id="w2",
                    status=REJECTED,
                    evidence=ev(640.0),
                    question="Why was nobody watching?",
                    answer="Sam was at lunch.",
                ),
                WhyStep(
                    id="w3",
                    evidence=ev(700.0),
                    question="Why did the wrong limit ship?",
                    answer="Human error in the config change.",
                    flags=[Flag.ROOT_CAUSE_HUMAN_ERROR],
                ),
                WhyStep(
                    id="w4",
                    status=ACCEPTED,
                    evidence=ev(760.0),
                    question="Why was the config not caught?",
                    answer="Nothing validates pool settings before deploy.",
                ),
            ],
            systemic_cause=TextItem(
                id="sys",
                evidence=ev(800.0),
                text="Pool config is not validated automatically, and staging load is far below production.",
            ),
            flags=[Flag.ROOT_CAUSE_HUMAN_ERROR],
        ),
        what_worked=[
            TextItem(id="ww1", status=ACCEPTED, evidence=ev(3620.0), text="The rollback was fast once decided."),
        ],
        what_didnt=[
            TextItem(
                id="wd1",
                status=ACCEPTED,
                evidence=ev(1250.0),
                text="Alert routing sent pages to a stale channel.",
            ),
            TextItem(
                id="wd2",
                evidence=ev(1300.0),
                text="Sam should have checked the config.",
                flags=[Flag.BLAMING_LANGUAGE],
            ),
        ],
        action_items=[
            ActionItem(
                id="a1",
                status=ACCEPTED,
                evidence=ev(3700.0, "I'll add the CI check by Friday"),
                action="Add CI validation for the pool config",
                owner="Lee Chen",
                due="Friday",
                due_date=dt.date(2026, 3, 6),
            ),
            ActionItem(
                id="a2",
                evidence=ev(3725.0),
                action="Fix alert routing to the checkout pager",
                due="soon",
                flags=[Flag.NO_OWNER, Flag.VAGUE_DUE_DATE],
            ),
            ActionItem(
                id="a3",
                evidence=ev(3760.0),
                action="Write a config review checklist",
                owner="the team",
                flags=[Flag.GROUP_OWNER, Flag.NO_DUE_DATE],
            ),
            ActionItem(
                id="a4",
                status=ACCEPTED,
                evidence=ev(3800.0),
                action="Load-test staging at production volume",
                owner="Priya Nair",
                due="end of next week",
                due_date=dt.date(2026, 3, 13),
                item_status="done",
            ),
            ActionItem(id="a5", status=REJECTED, evidence=ev(3810.0), action="Revoke Sam's deploy rights"),
        ],
        decisions=[
            TextItem(
                id="d1",
                status=ACCEPTED,
                evidence=ev(1500.0),
                text="Freeze checkout deploys until the CI check lands.",
            ),
        ],
        open_questions=[
            TextItem(id="q1", evidence=ev(1600.0), text="Should staging mirror production pool limits?"),
        ],
        follow_up=[
            TextItem(
                id="f1",
                status=ACCEPTED,
                evidence=ev(3850.0),
                text="Publish on the incident wiki by March 9; review action items at the weekly ops sync.",
            ),
        ],
        windows=[
            WindowStatus(index=0, start=0.0, end=600.0, ok=True),
            WindowStatus(index=1, start=600.0, end=1200.0, ok=False, error="LLM timed out after 120 s", attempts=3),
            WindowStatus(index=2, start=1200.0, end=3600.0, ok=True),
            WindowStatus(index=3, start=3600.0, end=3905.5, ok=False),
        ],
    )


def assert_golden(name: str, actual: str) -> None:
    """Compare byte for byte with tests/golden/<name>; UPDATE_GOLDEN=1 rewrites the file instead."""
    path = GOLDEN_DIR / name
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(actual.encode("utf-8"))
        return
    if not path.exists():
        pytest.fail(f"missing golden file {path}; create it with UPDATE_GOLDEN=1")
    assert actual == path.read_bytes().decode("utf-8")


def test_markdown_golden_rich() -> None:
    assert_golden("rich.postmortem.md", render_markdown(rich_postmortem()))


def test_markdown_golden_rich_with_rejected() -> None:
    assert_golden("rich_with_rejected.postmortem.md", render_markdown(rich_postmortem(), include_rejected=True))


def test_markdown_golden_empty() -> None:
    assert_golden("empty.postmortem.md", render_markdown(Postmortem()))


def test_json_golden_rich() -> None:
    assert_golden("rich.postmortem.json", render_json(rich_postmortem()))


def test_json_golden_empty() -> None:
    assert_golden("empty.postmortem.json", render_json(Postmortem()))


def test_rich_markdown_omits_rejected_items_by_default() -> None:
    md = render_markdown(rich_postmortem())
    for rejected_text in ("Coffee break", "Sam was at lunch", "Revoke Sam"):
        assert rejected_text not in md
    with_rejected = render_markdown(rich_postmortem(), include_rejected=True)
    for rejected_text in ("Coffee break", "Sam was at lunch", "Revoke Sam"):
        assert rejected_text in with_rejected


def test_json_keeps_every_item_and_round_trips() -> None:
    pm = rich_postmortem()
    text = render_json(pm)
    assert Postmortem.model_validate_json(text) == pm
    assert "Revoke Sam" in text  # the JSON is the full record: rejected items stay
    assert render_json(rich_postmortem()) == text
