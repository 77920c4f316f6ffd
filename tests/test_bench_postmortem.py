"""bench/postmortem_eval.py's scoring, on hand-built drafts: no model, no audio (fast)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from assistant.config import Settings
from assistant.domain.postmortem import (
    IMPACT_FIELDS,
    ActionItem,
    Evidence,
    Flag,
    Impact,
    ImpactFact,
    MeetingDetails,
    Postmortem,
    RootCause,
    TextItem,
    TimelineEvent,
    WhyStep,
)
from assistant.domain.transcript import Segment, Transcript
from bench import postmortem_eval as pe

UNOWNED_FLAG = {"group": Flag.GROUP_OWNER, "multiple": Flag.MULTIPLE_OWNERS, "none": Flag.NO_OWNER}


def _text(i: int, text: str, quote: str = "") -> TextItem:
    return TextItem(id=f"t{i}", text=text, evidence=Evidence(quote=quote))


def oracle(expected: dict[str, Any]) -> Postmortem:
    """The draft a perfect assistant would write: expected.json itself, times as spoken in the meeting."""
    spoken = expected.get("timeline_spoken", expected["timeline_times"])
    items = []
    for i, a in enumerate(expected["action_items"]):
        flags = [] if a["owner"] else [UNOWNED_FLAG[a["owner_kind"]]]
        if a["due_kind"] != "concrete":
            flags.append(Flag.VAGUE_DUE_DATE if a["due_kind"] == "vague" else Flag.NO_DUE_DATE)
        due_date = dt.date.fromisoformat(a["due_date"]) if a["due_date"] else None
        items.append(
            ActionItem(id=f"a{i}", action=a["action"], owner=a["owner"], due=a["due"], due_date=due_date, flags=flags)
        )
    impact = {f: ImpactFact(id=f, value=expected["impact"][pe.IMPACT_EXPECTED_KEY.get(f, f)]) for f in IMPACT_FIELDS}
    events = zip(spoken, expected["timeline"], strict=True)
    whys = [WhyStep(id=f"w{i}", question="Why?", answer=w) for i, w in enumerate(expected["whys"])]
    return Postmortem(
        impact=Impact(**impact),
        timeline=[TimelineEvent(id=f"e{i}", time=s, event=e["event"]) for i, (s, e) in enumerate(events)],
        root_cause=RootCause(whys=whys, systemic_cause=_text(0, expected["systemic_cause"])),
        what_worked=[_text(i, t) for i, t in enumerate(expected["what_worked"])],
        what_didnt=[_text(i, t) for i, t in enumerate(expected["what_did_not_work"])],
        action_items=items,
        decisions=[_text(i, t) for i, t in enumerate(expected["decisions"])],
        open_questions=[_text(i, t) for i, t in enumerate(expected["open_questions"])],
    )


def fake_engine(transcript: Transcript, details: MeetingDetails, settings: Settings) -> Postmortem:
    """An `--engine` for the end-to-end test: checks what the bench hands over, returns a flawed draft."""
    assert details.date == dt.date(2025, 5, 14) and details.facilitator == "Helen" and len(details.attendees) == 6
    assert details.incident_id == "INC-3141" and details.severity == "SEV-1" and details.title
    assert transcript.segments[0].speaker == "Helen" and transcript.segments[0].text.startswith("Morning")
    return Postmortem(
        decisions=[
            _text(
                0,
                "The health check must test a real write, not just an open connection.",
                quote="We agree that the health check must test a real write. Assistant, mark that as a decision.",
            ),
            _text(1, "Freeze all changes to the orders cluster until the failover is rewritten."),
            _text(2, "Marco owns the health check change."),
        ],
        action_items=[
            ActionItem(
                id="a0",
                action="Change the health check so it tests a real write",
                owner="Marco",
                due="by the twenty-second",
                due_date=dt.date(2025, 5, 22),
            ),
            ActionItem(
                id="a1", action="Check whether the billing cluster has the same health check", flags=[Flag.GROUP_OWNER]
            ),
            ActionItem(id="a2", action="Look at the alert noise and fold the app alerts into one", owner="Peter"),
        ],
        open_questions=[
            _text(0, "Why did the automatic failover not kick in?"),
            _text(1, "Do customers in Asia get a credit?"),
        ],
        timeline=[
            TimelineEvent(id="e0", time="3:12 am", event="storage volume went read only"),
            TimelineEvent(id="e1", time="0319", event="write error alert fired"),
            TimelineEvent(id="e2", time="03:19", event="Oliver was paged"),
            TimelineEvent(id="e3", time=None, event="replica promoted"),
        ],
        impact=Impact(
            duration=ImpactFact(id="d", value="1 hour 16 minutes"),
            revenue=ImpactFact(id="r", value="about $38k of lost orders"),
            tickets=ImpactFact(id="t", value="about 200 tickets"),
        ),
    )


# --- spoken times and figures ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("spoken", "times"),
    [
        ("16:42", {"16:42"}),
        ("4:42 pm", {"16:42"}),
        ("4:42 p.m.", {"16:42"}),
        ("0312", {"03:12"}),
        ("03:12", {"03:12"}),
        ("1642", {"16:42"}),
        ("14.32", {"14:32"}),
        ("3:19", {"03:19", "15:19"}),
        ("at three twelve in the morning", {"03:12"}),
        ("sixteen forty-two", {"16:42"}),
        ("ten past four", {"04:10", "16:10"}),
        ("twenty to five", {"04:40", "16:40"}),
        ("twelve minutes past three", {"03:12", "15:12"}),
        ("around half past two", {"02:30", "14:30"}),
        ("around two thirty", {"02:30", "14:30"}),
        ("quarter to twelve", {"11:45", "23:45"}),
        ("by 3 pm", {"15:00"}),
        ("3:45 pm", {"15:45"}),
        ("three in the afternoon", {"15:00"}),
        ("by noon", {"12:00"}),
        ("12:31", {"00:31", "12:31"}),
        ("at 16:42 UTC, the deploy", {"16:42"}),
        ("2025-05-12", set()),
        ("3,400", set()),
        ("shortly after", set()),
        (None, set()),
    ],
)
def test_normalize_time(spoken: str | None, times: set[str]) -> None:
    assert pe.normalize_time(spoken) == times


def test_figures_and_durations() -> None:
    assert pe.words_to_digits("two hundred and twelve tickets") == "212 tickets"
    assert pe.words_to_digits("three thousand four hundred, sixteen forty-two") == "3400, 16 42"
    assert pe.figures("about $12k and 3,400 users, 99.9 percent, 1.2 million") == [12_000, 3_400, 99.9, 1_200_000]
    assert pe.figures("from 9:37 until 17:26, twenty-eight thousand users") == [28_000]
    assert pe.duration_minutes("an hour and sixteen minutes") == 76
    assert pe.duration_minutes("2h27m") == 147
    assert pe.duration_minutes("two hours and twenty-seven minutes") == 147
    assert pe.duration_minutes("from 03:12 to 04:28") == 76
    assert pe.duration_minutes("most of the morning") is None


def test_impact_fields() -> None:
    expected = {
        "duration": "just under eight hours",
        "start": "09:37",
        "end": "17:26",
        "revenue": "15,000 dollars",
        "users_affected": "28,000 users lost their settings; 9,100 got email",
        "support_tickets": "264",
        "sla": "broke the privacy policy promise to honour an opt out within a day",
    }
    assert pe.impact_matches("duration", expected, "7 hours 49 minutes")  # the start-end span
    assert pe.impact_matches("duration", expected, "about eight hours")  # the spoken duration
    assert not pe.impact_matches("duration", expected, "six hours")
    assert pe.impact_matches("revenue", expected, "~$15k in expected sales")
    assert pe.impact_matches("users_affected", expected, "twenty-eight thousand users")
    assert not pe.impact_matches("users_affected", expected, "9,100 opted-out users emailed")  # not the first figure
    assert pe.impact_matches("tickets", expected, "264 complaints")
    assert pe.impact_matches("sla", expected, "privacy policy promise to honour an opt out broken")
    pm = Postmortem(
        impact=Impact(
            duration=ImpactFact(id="d", value="8 hours"),
            sla=ImpactFact(id="s", value="n/a"),
            revenue=ImpactFact(id="r", value="12,000 dollars"),
        )
    )
    score, verdicts = pe.score_impact(pm, expected)
    assert verdicts == {
        "duration": "right",
        "users_affected": "missing",
        "revenue": "wrong",
        "sla": "wrong",
        "tickets": "missing",
    }
    assert (score.counts.tp, score.counts.fp, score.counts.fn) == (1, 2, 4)


# --- sections -------------------------------------------------------------------------------------------


def test_rejected_proposal_competes_with_the_decisions() -> None:
    score = pe.score_texts(
        ["Freeze all deploys to the orders cluster", "Health check tests a real write", "Buy more disks"],
        ["the health check must test a real write", "failover drill every quarter"],
        negatives=["freeze all changes to the orders cluster until the failover is rewritten"],
    )
    assert (score.counts.tp, score.counts.fp, score.counts.fn) == (1, 2, 1)
    assert [h["predicted"] for h in score.negative_hits] == ["Freeze all deploys to the orders cluster"]
    assert score.matched == {0: 1}
    assert score.extra == ["Buy more disks"] and score.missed == ["failover drill every quarter"]


def test_matching_is_one_to_one() -> None:
    score = pe.score_texts(["rewrite the runbook", "rewrite the failover runbook"], ["rewrite the failover runbook"])
    assert score.matched == {0: 1} and (score.counts.tp, score.counts.fp) == (1, 1)


def test_timeline_matches_on_the_normalised_time() -> None:
    expected = [("03:12", "volume went read only"), ("03:19", "alert fired"), ("14:30", "restore")]
    predicted: list[tuple[str | None, str]] = [
        ("3:19", "paging"),  # ambiguous (03:19 or 15:19): paired after the unambiguous one
        ("0319", "write error alert fired"),
        ("three twelve in the morning", "read only volume"),
        ("half past two", "record restored"),
        (None, "replica promoted"),
        ("17:00", "all clear"),
    ]
    score = pe.score_timeline(predicted, expected)
    assert score.matched == {0: 2, 1: 1, 2: 3}
    assert (score.counts.tp, score.counts.fp, score.counts.fn) == (3, 3, 0)


def test_owner_and_due_figures() -> None:
    expected: list[dict[str, Any]] = [
        {"action": "a", "owner": "Marco", "owner_kind": "addressee", "due_kind": "concrete", "due_date": "2025-05-22"},
        {"action": "b", "owner": None, "owner_kind": "multiple", "due_kind": "none", "due_date": None},
        {
            "action": "c",
            "owner": "Ruth",
            "owner_kind": "first_person",
            "due_kind": "concrete",
            "due_date": "2025-05-23",
        },
        {"action": "d", "owner": None, "owner_kind": "group", "due_kind": "vague", "due_date": None},
    ]
    predicted = [
        ActionItem(id="0", action="a", owner="marco", due_date=dt.date(2025, 5, 22)),
        ActionItem(id="1", action="b", owner="Peter", flags=[Flag.MULTIPLE_OWNERS, Flag.NO_DUE_DATE]),
        ActionItem(id="2", action="c", owner="Ruth", flags=[Flag.OWNER_UNCONFIRMED], due_date=dt.date(2025, 5, 16)),
        ActionItem(id="3", action="d", owner="Helen", flags=[Flag.VAGUE_DUE_DATE]),
    ]
    o = pe.owner_figures({0: 0, 1: 1, 2: 2, 3: 3}, expected, predicted)
    assert (o["owner_right"], o["matched"]) == (2, 4)  # a; b (flagged); not c (flagged), not d (no flag)
    assert (o["unowned_flagged"], o["unowned"]) == (1, 2)
    assert (o["false_owner_flags"], o["owned"]) == (1, 2)
    assert (o["due_right"], o["due_concrete"]) == (1, 2)
    assert (o["vague_flagged"], o["vague"]) == (2, 2)
    assert o["owner_by_kind"]["first_person"] == {"right": 0, "of": 1}


def test_cross_section_and_assistant_lines() -> None:
    expected = {
        "decisions": ["every charge call carries an idempotency key"],
        "action_items": [
            {
                "action": "add a circuit breaker for the payment provider",
                "owner": "Tom",
                "owner_kind": "named",
                "due_kind": "none",
                "due_date": None,
            }
        ],
        "rejected_proposals": ["move to the backup provider for good"],
        "answered_questions": ["have all the double charges been refunded?"],
        "assistant_directed": ["Assistant, record both of those as decisions."],
        "timeline_times": [],
        "whys": [],
        "what_worked": [],
        "what_did_not_work": [],
        "open_questions": [],
        "systemic_cause": "",
        "impact": {},
    }
    pm = Postmortem(
        decisions=[
            _text(0, "Tom adds a circuit breaker for the payment provider"),
            _text(1, "Every charge call carries an idempotency key", quote="record both of those as decisions"),
        ],
        open_questions=[_text(0, "Have all double charges been refunded?")],
    )
    result = pe.score_postmortem(pm, expected)
    assert [(e["expected_section"], e["predicted_section"]) for e in result["cross_section"]] == [
        ("action_items", "decisions")
    ]
    assert len(result["answered_as_open"]) == 1 and result["sections"]["open_questions"]["fp"] == 1
    assert [h["directed"] for h in result["assistant_directed_cited"]] == expected["assistant_directed"]
    assert pe.cites_directed("Assistant, mark that as a decision. We agree.", ["Assistant, mark that as a decision."])
    assert pe.cites_directed("that", ["Assistant, mark that as a decision."]) is None  # too short to tell
    assert pe.cites_directed("We agree the health check tests a write.", ["Assistant, note that down."]) is None


@pytest.mark.parametrize("name", pe.LONG_MEETINGS)
def test_a_perfect_draft_scores_perfectly(name: str) -> None:
    """The labels and the scorer agree: expected.json as a draft (times as spoken) gets every point."""
    expected = json.loads((pe.MEETINGS / name / "expected.json").read_text(encoding="utf-8"))
    result = pe.score_postmortem(oracle(expected), expected)
    for section, d in result["sections"].items():
        assert (d["fp"], d["fn"]) == (0, 0), (section, d["missed"], d["extra"])
    o = result["owners"]
    assert o["owner_right"] == o["matched"] == len(expected["action_items"])
    assert o["due_right"] == o["due_concrete"] and o["false_owner_flags"] == 0 and o["unowned_flagged"] == o["unowned"]
    assert not result["cross_section"] and not result["rejected_as_decisions"] and not result["answered_as_open"]


def test_rejected_and_answered_labels_are_not_the_decisions_and_questions() -> None:
    """Each rejected proposal / answered question, drafted as a decision / open question, is caught as such."""
    for name in pe.LONG_MEETINGS:
        expected = json.loads((pe.MEETINGS / name / "expected.json").read_text(encoding="utf-8"))
        pm = oracle(expected)
        pm.decisions += [_text(90 + i, t) for i, t in enumerate(expected["rejected_proposals"])]
        pm.open_questions += [_text(90 + i, t) for i, t in enumerate(expected["answered_questions"])]
        result = pe.score_postmortem(pm, expected)
        assert len(result["rejected_as_decisions"]) == len(expected["rejected_proposals"]), name
        assert len(result["answered_as_open"]) == len(expected["answered_questions"]), name
        assert result["sections"]["decisions"]["tp"] == len(expected["decisions"]), name


def test_speakers_by_overlap() -> None:
    turns = [{"speaker": "Helen", "start": 0.5, "end": 4.0}, {"speaker": "Oliver", "start": 4.6, "end": 9.0}]
    asr = Transcript(
        segments=[
            Segment(id=0, start=0.4, end=3.0, text="a"),
            Segment(id=1, start=3.5, end=8.0, text="b"),
            Segment(id=2, start=9.3, end=9.8, text="c"),
        ],
        duration=10,
    )
    assert [s.speaker for s in pe.assign_speakers(asr, turns).segments] == ["Helen", "Oliver", "Oliver"]


def test_pooled_is_the_micro_average() -> None:
    a = {
        "sections": {s: {"tp": 1, "fp": 1, "fn": 0} for s in pe.SECTIONS},
        "owners": pe.owner_figures({}, [], []),
        "cross_section": [1],
        "rejected_as_decisions": [],
        "answered_as_open": [],
        "assistant_directed_cited": [],
    }
    b = {**a, "sections": {s: {"tp": 3, "fp": 0, "fn": 3} for s in pe.SECTIONS}}
    pool = pe.pooled([a, b])
    assert pool["sections"]["decisions"] == {
        "tp": 4,
        "fp": 1,
        "fn": 3,
        "precision": 0.8,
        "recall": 0.5714,
        "f1": 0.6667,
    }
    assert pool["cross_section"] == 2


def test_the_bench_end_to_end_with_a_fake_engine(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "eval.json"
    engine = "tests.test_bench_postmortem:fake_engine"
    assert pe.main(["--meetings", "replica-failover", "--engine", engine, "--json", str(out)]) == 0
    report = json.loads(out.read_text(encoding="utf-8"))
    result = report["meetings"]["replica-failover"]
    sections = result["sections"]
    assert (sections["decisions"]["tp"], sections["decisions"]["fp"], sections["decisions"]["fn"]) == (1, 2, 2)
    assert [h["negative"] for h in result["rejected_as_decisions"]] == [
        "freeze all changes to the orders cluster until the failover is rewritten"
    ]
    assert len(result["answered_as_open"]) == 1 and sections["open_questions"]["tp"] == 1
    assert (sections["timeline"]["tp"], sections["timeline"]["fp"]) == (2, 2)
    assert result["impact_fields"]["duration"] == "right" and result["impact_fields"]["revenue"] == "right"
    assert result["impact_fields"]["tickets"] == "wrong"
    o = result["owners"]
    assert (o["matched"], o["owner_right"], o["due_right"], o["unowned_flagged"], o["unowned"]) == (3, 2, 1, 1, 2)
    assert [h["directed"] for h in result["assistant_directed_cited"]] == ["Assistant, mark that as a decision."]
    assert result["run"]["transcript"] == "script" and result["run"]["segments"] == 59
    assert report["pooled"]["sections"]["decisions"]["tp"] == 1
    assert "pooled (micro)" in capsys.readouterr().out
