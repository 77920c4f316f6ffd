"""The matcher on hand-written hard cases (real sentence encoder, no models beyond it): a paraphrase
confirms, another clock time or figure proposes a correction, an unrelated statement does neither, what
the draft lacks stays as the meeting's addition, and a correction is accepted/rejected with its history."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.domain.postmortem import (
    ActionItem,
    DraftState,
    Evidence,
    Impact,
    ImpactFact,
    MeetingDetails,
    Postmortem,
    ReviewStatus,
    TextItem,
    TimelineEvent,
)
from assistant.draft.compare import reconcile
from assistant.draft.read import as_draft
from assistant.export.markdown import render_markdown
from assistant.session import Session
from assistant.session.drafts import import_draft, merge_meeting, set_correction


def _said(quote: str, start: float = 10.0) -> Evidence:
    return Evidence(quote=quote, start=start, segment_ids=[0], verified=True)


def _event(time: str | None, event: str, quote: str = "") -> TimelineEvent:
    return TimelineEvent(id=f"t-{time}-{event[:8]}", time=time, event=event, evidence=_said(quote or event))


def _draft(*events: TimelineEvent, **extra: object) -> Postmortem:
    return as_draft(Postmortem(timeline=list(events), **extra))  # type: ignore[arg-type]


CASES = [
    # (draft row, said row, expected state of the draft row, correction said value)
    (("14:38", "Alert fires but goes to the wrong pager channel"),
     ("14:38", "The pager alert went to the wrong channel"), DraftState.CONFIRMED, None),
    (("14:38", "Alert fires"), ("14:40", "The first alert fired"), DraftState.CORRECTED, "14:40"),
    (("15:19", "Rollback complete"), ("3:19 pm", "We finished rolling back the release"), DraftState.CONFIRMED, None),
    (("14:32", "v2.31.0 deployed"), ("14:32", "We shipped version 2.31 to production"), DraftState.CONFIRMED, None),
    (("15:07", "Config-only fix fails"), ("15:05", "We tried a restart of the service"), DraftState.NOT_DISCUSSED,
     None),
    (("14:51", "Support escalates"), ("14:51", "The database ran out of connections"), DraftState.NOT_DISCUSSED, None),
]  # fmt: skip


@pytest.mark.parametrize(("drafted", "said", "state", "value"), CASES, ids=[c[0][1] for c in CASES])
def test_timeline_rows(drafted: tuple[str, str], said: tuple[str, str], state: DraftState, value: str | None) -> None:
    pm = _draft(_event(*drafted))
    meeting = Postmortem(timeline=[_event(*said, quote=f"at {said[0]} {said[1]}")])
    added = reconcile(pm, meeting)
    [row] = pm.timeline
    assert row.draft_state is state
    if state is DraftState.NOT_DISCUSSED:
        assert [e.event for e in added.timeline] == [said[1]]  # kept as the meeting's addition
        assert row.confirmed_by is None and not row.corrections
    else:
        assert not added.timeline
    if value is not None:
        [c] = row.corrections
        assert (c.field, c.draft_value, c.said_value, c.status) == ("time", drafted[0], value, ReviewStatus.PROPOSED)
        assert c.evidence.quote == f"at {said[0]} {said[1]}" and c.evidence.start == 10.0
    if state is DraftState.CONFIRMED:
        assert row.confirmed_by is not None and row.confirmed_by.quote.endswith(said[1])


def test_rows_pair_one_to_one_best_first() -> None:
    pm = _draft(_event("11:47", "New schema deployed"), _event("12:16", "First alert fires"),
                _event("13:26", "Schema change rolled back"))  # fmt: skip
    meeting = Postmortem(timeline=[
        _event("12:28", "The first alert fired"), _event("11:47", "We deployed the new index schema"),
        _event("12:41", "We restarted the search cluster"),
    ])  # fmt: skip
    added = reconcile(pm, meeting)
    assert [r.draft_state for r in pm.timeline] == [
        DraftState.CONFIRMED,
        DraftState.CORRECTED,
        DraftState.NOT_DISCUSSED,
    ]
    assert [e.time for e in added.timeline] == ["12:41"]


def test_impact_figures_by_kind_and_number() -> None:
    drafted = Impact(
        duration=ImpactFact(id="d", value="47 minutes"),
        users_affected=ImpactFact(id="u", value="about 8,400 users"),
        tickets=ImpactFact(id="k", value="142 tickets"),
    )
    pm = as_draft(Postmortem(impact=drafted))
    said = Impact(
        duration=ImpactFact(id="d2", value="47 min", evidence=_said("47 minutes")),
        users_affected=ImpactFact(id="u2", value="8,700 users", evidence=_said("8,700")),
    )
    meeting = Postmortem(impact=said)
    added = reconcile(pm, meeting)
    assert pm.impact.duration is not None and pm.impact.duration.draft_state is DraftState.CONFIRMED
    users = pm.impact.users_affected
    assert users is not None and users.draft_state is DraftState.CORRECTED
    assert [(c.draft_value, c.said_value) for c in users.corrections] == [("about 8,400 users", "8,700 users")]
    assert pm.impact.tickets is not None and pm.impact.tickets.draft_state is DraftState.NOT_DISCUSSED
    assert added.impact.duration is None and added.impact.users_affected is None


def test_action_items_owner_and_due() -> None:
    pm = as_draft(Postmortem(action_items=[
        ActionItem(id="a1", action="Add CI validation for the pool config", owner="Lee", due="Friday"),
        ActionItem(id="a2", action="Fix alert routing to the checkout pager", owner="Sam", due="Monday"),
    ]))  # fmt: skip
    meeting = Postmortem(action_items=[
        ActionItem(id="m1", action="Priya will add a CI check that validates the pool settings", owner="Priya",
                   due="Friday", evidence=_said("Priya will add a CI check")),
        ActionItem(id="m2", action="Write the staging load test plan", owner="Lee", due="next week"),
    ])  # fmt: skip
    added = reconcile(pm, meeting)
    first, second = pm.action_items
    assert [(c.field, c.draft_value, c.said_value) for c in first.corrections] == [("owner", "Lee", "Priya")]
    assert second.draft_state is DraftState.NOT_DISCUSSED
    assert [a.action for a in added.action_items] == ["Write the staging load test plan"]


def test_text_items_confirmed_by_paraphrase_not_by_other_topics() -> None:
    worked = [TextItem(id="w", text="The rollback was fast once decided")]
    decided = [TextItem(id="d", text="Freeze checkout deploys until the CI check lands")]
    pm = as_draft(Postmortem(what_worked=worked, decisions=decided))
    meeting = Postmortem(
        what_worked=[TextItem(id="w2", text="Rolling back went quickly after we decided to do it")],
        decisions=[TextItem(id="d2", text="We agreed to move certificates to automatic renewal")],
    )
    added = reconcile(pm, meeting)
    assert pm.what_worked[0].draft_state is DraftState.CONFIRMED
    assert pm.decisions[0].draft_state is DraftState.NOT_DISCUSSED
    assert [d.text for d in added.decisions] == ["We agreed to move certificates to automatic renewal"]


def test_accepting_a_correction_replaces_the_value_keeps_history_and_undoes(tmp_path: Path) -> None:
    with Session.create(tmp_path, MeetingDetails(title="t"), "s") as session:
        import_draft(session, _draft(_event("12:16", "First alert fires")))
        merge_meeting(session, Postmortem(timeline=[_event("12:28", "The first alert fired")]))
        [row] = session.postmortem.timeline
        assert row.draft_state is DraftState.CORRECTED and row.time == "12:16"
        assert "correction proposed: time 12:16 → 12:28" in render_markdown(session.postmortem)
        set_correction(session, row.id, 0, ReviewStatus.ACCEPTED)
    with Session.open(tmp_path, "s") as session:
        [row] = session.postmortem.timeline
        assert row.time == "12:28" and row.corrections[0].draft_value == "12:16"
        assert row.corrections[0].status is ReviewStatus.ACCEPTED
        assert "| 12:28 | First alert fires *(proposed · draft · corrected: time 12:16 → 12:28" in render_markdown(
            session.postmortem
        )
        set_correction(session, row.id, 0, ReviewStatus.REJECTED)
        assert session.postmortem.timeline[0].time == "12:16"
        session.undo()
        assert session.postmortem.timeline[0].time == "12:28"
        assert session.postmortem.timeline[0].corrections[0].status is ReviewStatus.ACCEPTED
