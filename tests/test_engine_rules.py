"""The extraction rules on small hand-written dialogues (no model): what each rule guarantees.

The lines are deliberately not the fixture meetings' wording: these are the behaviours the engine
promises on any meeting (owners by addressee, rejected proposals, answered questions, spoken times…).
"""

from __future__ import annotations

import datetime as dt

import pytest

from assistant.checks.apply import apply_checks
from assistant.domain.postmortem import OWNER_FLAGS, Flag, MeetingDetails, Postmortem
from assistant.domain.transcript import Segment, Transcript
from assistant.extraction.rules.clock import find_times, on_incident_clock
from assistant.extraction.rules.detect import read_transcript
from assistant.extraction.rules.due import due_phrase
from assistant.extraction.rules.sentences import sentences_of

PEOPLE = ["Nadia", "Omar", "Ines", "Viktor", "Beth"]


def meeting(*turns: str, gap: float = 3.0) -> list[Segment]:
    """`"Name: text"` turns -> one segment each, a few seconds apart."""
    out = []
    t = 0.0
    for i, turn in enumerate(turns):
        who, text = turn.split(": ", 1)
        out.append(Segment(id=i, start=t, end=t + 2.5, text=text, speaker=who))
        t += gap
    return out


def draft(*turns: str) -> Postmortem:
    segments = meeting(*turns)
    details = MeetingDetails(attendees=PEOPLE, date=dt.date(2026, 3, 4))  # a Wednesday
    pm = read_transcript(segments, details).postmortem
    apply_checks(pm, Transcript(segments=segments, duration=segments[-1].end))
    return pm


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("the pager went off at 02:07", ["02:07"]),
        ("we saw it at three twelve in the morning", ["03:12"]),
        ("by two thirty it was stable", ["02:30"]),
        ("at ten past four pm the fix was live", ["16:10"]),
        ("around quarter to six in the evening", ["17:45"]),
        ("At 1642 the deploy went out", ["16:42"]),
        ("At 12.16, the first alert fired", ["12:16"]),
        ("At 10, 23, the change rolled out", ["10:23"]),
        ("the alert fired at 6-34, by email only", ["06:34"]),
        ("we had 6-12 people on the bridge", []),
        ("release 4.12 shipped", []),
        ("it took 24 minutes", []),
        ("latency went from 300 milliseconds to 8 seconds", []),
        ("the rating dropped from 4.6 to 4.2", []),
    ],
)
def test_spoken_times(said: str, expected: list[str]) -> None:
    assert [t.hhmm for t in find_times(said)] == expected


def test_twelve_hour_times_follow_the_incident_clock() -> None:
    assert on_incident_clock(["16:30", "04:42", "17:05"]) == ["16:30", "16:42", "17:05"]
    assert on_incident_clock(["13:26", "11:47"]) == ["13:26", "11:47"]  # retold, not 23:47


@pytest.mark.parametrize(
    ("said", "due"),
    [
        ("I can do it by the ninth", "by the ninth"),
        ("in three weeks", "in three weeks"),
        ("first we fix it, hopefully soon", "soon"),
        ("before next Thursday", "before next Thursday"),
        ("nothing said", None),
    ],
)
def test_due_phrases(said: str, due: str | None) -> None:
    assert due_phrase(said)[0] == due


def test_sentences_join_lines_the_asr_cut_mid_sentence() -> None:
    segments = [
        Segment(id=0, start=0.0, end=2.0, text="The error budget alert fired at 9:05, but it went to the wrong"),
        Segment(id=1, start=2.2, end=4.0, text="team channel, so nobody saw it."),
        Segment(id=2, start=4.5, end=6.0, text="Next point."),
    ]
    sentences = sentences_of(segments)
    assert sentences[0].segment_ids == (0, 1) and sentences[0].text.endswith("nobody saw it.")
    assert len(sentences) == 2


def test_owner_by_addressee_takes_the_date_from_the_reply() -> None:
    pm = draft("Nadia: Omar, could you own the retry budget work?", "Omar: Sure, by the ninth.")
    (item,) = pm.action_items
    assert item.owner == "Omar" and item.due_date == dt.date(2026, 3, 9) and not item.flags


def test_addressee_who_declines_owns_nothing() -> None:
    pm = draft("Nadia: Viktor, can you rewrite the failover runbook?", "Viktor: No, I can't this month.")
    assert not pm.action_items


def test_a_request_of_nobody_by_name_is_owned_by_whoever_takes_it_on() -> None:
    pm = draft("Nadia: Could you send everyone the load test results before Friday?", "Beth: Yes, I will.")
    (item,) = pm.action_items
    assert item.owner == "Beth" and item.due_date == dt.date(2026, 3, 6) and "load test results" in item.action
    assert item.evidence.segment_ids == [0, 1] and not pm.open_questions


@pytest.mark.parametrize(
    "turns",
    [
        ("Nadia: Could you remind me what the alert threshold was?", "Omar: Yes, it was ninety percent."),
        ("Nadia: Can you point it this way, please?", "Omar: Sure."),
        ("Nadia: Can you check the other renewal jobs?", "Omar: No, I'm out all next week."),
        ("Nadia: Can you check the other renewal jobs?", "Omar: Okay, moving on to the timeline."),
        ("Nadia: Could you walk us through the timeline?", "Omar: Sure. At 14:02 the deploy went out."),
    ],
    ids=["asks-for-words", "in-the-room", "declined", "not-taken-on", "facilitation"],
)
def test_requests_nobody_takes_on_or_that_ask_for_words_are_no_action(turns: tuple[str, str]) -> None:
    assert not draft(*turns).action_items


def test_two_person_offer_resolved_to_one_owner() -> None:
    pm = draft(
        "Ines: Beth and I can write the capacity report.",
        "Nadia: Thanks.",
        "Nadia: Beth, you own it then. By Friday?",
        "Beth: Friday works.",
    )
    (item,) = pm.action_items
    assert item.owner == "Beth" and not set(item.flags) & OWNER_FLAGS


def test_two_person_offer_left_open_is_flagged_multiple() -> None:
    pm = draft("Omar: Viktor and I could set up the synthetic probe.", "Nadia: Great, moving on.")
    (item,) = pm.action_items
    assert Flag.MULTIPLE_OWNERS in item.flags


def test_group_and_nobody_items_are_flagged() -> None:
    pm = draft(
        "Viktor: Someone needs to clean up the stale feature flags soon.",
        "Ines: We should probably rotate the shared credentials at some point.",
    )
    assert len(pm.action_items) == 2
    assert all(set(a.flags) & OWNER_FLAGS for a in pm.action_items)
    assert all(Flag.VAGUE_DUE_DATE in a.flags for a in pm.action_items)


def test_first_person_commitment_is_the_speakers() -> None:
    pm = draft("Ines: I'll add a dashboard for queue depth before Monday.")
    (item,) = pm.action_items
    assert item.owner == "Ines" and item.due_date == dt.date(2026, 3, 9)


def test_rejected_proposal_is_no_decision_and_accepted_one_is() -> None:
    pm = draft(
        "Omar: Should we freeze every deploy until April?",
        "Nadia: No, let's not. That would block the fix itself.",
        "Beth: Can we agree that schema changes ship behind a flag?",
        "Viktor: Yes, agreed.",
    )
    texts = [d.text.lower() for d in pm.decisions]
    assert not any("freeze" in t for t in texts)
    assert any("schema changes ship behind a flag" in t for t in texts)


def test_statement_with_a_consent_check_is_a_decision() -> None:
    pm = draft(
        "Nadia: The importer stays disabled until it validates its input. Everyone okay with that?",
        "Omar: Yep.",
    )
    assert [d.text for d in pm.decisions] == ["The importer stays disabled until it validates its input"]


def test_answered_questions_are_not_open() -> None:
    pm = draft(
        "Beth: Did the iOS app see the errors too?",
        "Omar: Yes, about a third of the sessions.",
        "Ines: Were the nightly exports affected?",
        "Nadia: Let's park that for a moment.",
        "Viktor: On Ines's export question: I checked, the nightly exports were not affected.",
        "Viktor: Do we keep the old region as a fallback?",
        "Nadia: Nobody knows yet, that stays open.",
    )
    assert [q.text for q in pm.open_questions] == ["Do we keep the old region as a fallback?"]


def test_facilitation_and_rhetorical_questions_are_not_open() -> None:
    pm = draft("Nadia: What went well? Anything else?", "Nadia: So what did we learn? We learned to page earlier.")
    assert not pm.open_questions


def test_words_to_the_assistant_are_never_evidence() -> None:
    pm = draft("Nadia: We decided to pin the driver version.", "Omar: Assistant, mark that as a decision please.")
    assert [d.text for d in pm.decisions] == ["Pin the driver version"]
    assert all(1 not in item.evidence.segment_ids for item in pm.all_items())


def test_impact_figures_land_in_their_fields() -> None:
    pm = draft(
        "Ines: The API was down for 47 minutes.",
        "Omar: Roughly 3,100 merchants could not take payments, and we lost about 8,000 euros in fees.",
        "Beth: We got 212 support tickets and we breached the latency SLO.",
    )
    impact = pm.impact
    assert impact.duration is not None and "47 minutes" in impact.duration.value
    assert impact.users_affected is not None and "3,100" in impact.users_affected.value
    assert impact.revenue is not None and "8,000 euros" in impact.revenue.value
    assert impact.tickets is not None and "212" in impact.tickets.value
    assert impact.sla is not None


def test_why_chain_and_systemic_cause() -> None:
    pm = draft(
        "Nadia: Why did the job run twice?",
        "Omar: Because the scheduler retried it after a timeout.",
        "Nadia: And why was a retry harmful?",
        "Viktor: The job is not idempotent.",
        "Nadia: So at the heart of it is that batch jobs have no idempotency contract.",
    )
    assert [w.answer for w in pm.root_cause.whys] == [
        "The scheduler retried it after a timeout",
        "The job is not idempotent",
    ]
    assert pm.root_cause.systemic_cause is not None
    assert pm.root_cause.systemic_cause.text == "Batch jobs have no idempotency contract"


def test_worked_and_didnt_after_the_facilitators_prompts() -> None:
    pm = draft(
        "Nadia: What helped us?",
        "Beth: The canary caught it within minutes.",
        "Nadia: And what made it worse?",
        "Omar: The runbook was out of date, so we lost twenty minutes.",
    )
    assert [w.text for w in pm.what_worked] == ["The canary caught it within minutes"]
    assert [w.text for w in pm.what_didnt] == ["The runbook was out of date, so we lost twenty minutes"]


def test_every_item_cites_lines_that_exist_and_support_it() -> None:
    pm = draft(
        "Nadia: At 14:02 the disk filled up on the primary.",
        "Omar: I'll add a disk usage alert by Friday.",
        "Beth: We decided to double the volume size.",
    )
    assert pm.timeline and pm.action_items and pm.decisions
    for item in pm.all_items():
        assert item.evidence.verified and item.evidence.segment_ids
        assert Flag.UNVERIFIED_EVIDENCE not in item.flags


def _decisions(*turns: str) -> list[str]:
    return [d.text for d in draft(*turns).decisions]


def test_a_choice_named_by_its_label_is_the_option_laid_out_before() -> None:
    texts = _decisions(
        "Nadia: There are two ways out. Plan A is a second queue for retries. Plan B is a retry budget per client.",
        "Omar: The budget is simpler to run.",
        "Nadia: Alright, we'll go with plan B.",
    )
    assert texts == ["Option B: A retry budget per client"]
    listed = _decisions(
        "Ines: Two ideas. One, a weekly review of the quota dashboard. Two, an alert at eighty percent of the quota.",
        "Viktor: Agreed, let's go with the second one, the alert.",
    )
    assert listed == ["An alert at eighty percent of the quota"]


def test_a_question_the_room_agrees_to_is_a_decision_and_a_refused_one_is_not() -> None:
    assert _decisions(
        "Nadia: So do we all agree that schema changes ship behind a flag from now on?",
        "Omar: Yes.",
        "Beth: Definitely.",
    ) == ["Schema changes ship behind a flag from now on"]
    assert _decisions("Nadia: Do we all agree that every deploy waits for a sign-off?", "Omar: No, too heavy.") == []


def test_a_counter_proposal_the_room_accepts_is_the_decision() -> None:
    texts = _decisions(
        "Viktor: Should we turn the cache off for good?",
        "Ines: No. Instead, every cache key gets a jittered expiry.",
        "Beth: Works for me.",
    )
    assert texts == ["Every cache key gets a jittered expiry"]


def test_decisions_told_about_the_incident_and_agenda_lines_are_not_decisions() -> None:
    assert (
        _decisions(
            "Nadia: Let's have the timeline first, then the impact, then the causes.",
            "Omar: At half past two we decided to drain the node.",
            "Ines: Once we decided, the drain itself took minutes.",
        )
        == []
    )


def test_two_people_named_for_a_task_stay_two_until_one_is_given_it() -> None:
    pm = draft(
        "Nadia: Rotating the staging credentials: Omar or Ines, one of you?",
        "Omar: Sure.",
        "Nadia: Renaming the dashboards, that is either Viktor or Beth.",
        "Beth: I am swamped.",
        "Nadia: Viktor, let's make that yours. Viktor, when?",
        "Viktor: End of next week.",
    )
    owners = {a.action: (a.owner, a.due) for a in pm.action_items}
    assert owners["Rotating the staging credentials"][0] == "Omar and Ines"
    assert owners["Renaming the dashboards"] == ("Viktor", "End of next week")


def test_small_talk_is_no_open_question_and_no_clue_leaves_one_open() -> None:
    pm = draft(
        "Omar: Did anyone catch the marathon on Sunday?",
        "Beth: I still don't understand why anyone runs forty kilometres for fun.",
        "Nadia: Right, the outage. The replica fell behind at noon and the failover never fired.",
        "Ines: The failover check reads the wrong port.",
        "Viktor: The replica lag alert was muted too.",
        "Nadia: Does anyone know whether the other replicas use the same failover check?",
        "Omar: No clue, nobody has looked.",
    )
    assert [q.text for q in pm.open_questions] == [
        "Does anyone know whether the other replicas use the same failover check?"
    ]


def test_a_view_argued_over_then_accepted_and_a_closing_tag_are_decisions() -> None:
    texts = _decisions(
        "Ines: My view is that the canary runs for a full hour before promotion.",
        "Omar: That slows every release down.",
        "Ines: It is the only thing that would have caught it.",
        "Omar: All right, I can live with that.",
        "Nadia: And the release notes list every flag that changed. Okay, that's the plan then.",
        "Viktor: So we're going with both.",
    )
    assert texts == [
        "The canary runs for a full hour before promotion",
        "The release notes list every flag that changed",
    ]


def test_a_heading_with_its_answer_is_a_statement_not_a_question() -> None:
    pm = draft(
        "Nadia: What worked?",
        "Omar: The rollback was quick.",
        "Ines: What did not work: the pager went to an old rota, and we lost ten minutes.",
    )
    assert [w.text for w in pm.what_didnt] == ["The pager went to an old rota, and we lost ten minutes"]
    assert pm.open_questions == []
