"""The rules' language handling on invented phrases: spoken numbers, clock times, durations, conclusion
and section-prompt families. None of these lines comes from a fixture meeting: they are the forms the
rules promise to read on any meeting."""

from __future__ import annotations

import datetime as dt

import pytest

from assistant.domain.postmortem import MeetingDetails, Postmortem
from assistant.domain.transcript import Segment
from assistant.extraction.rules.clock import find_relative, find_times, on_incident_clock
from assistant.extraction.rules.detect import read_transcript
from assistant.extraction.rules.numbers import digits_for_words

PEOPLE = ["Nadia", "Omar", "Ines", "Viktor"]


def draft(*turns: str) -> Postmortem:
    segments = []
    for i, turn in enumerate(turns):
        who, text = turn.split(": ", 1)
        segments.append(Segment(id=i, start=3.0 * i, end=3.0 * i + 2.5, text=text, speaker=who))
    return read_transcript(segments, MeetingDetails(attendees=PEOPLE, date=dt.date(2026, 5, 6))).postmortem


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("by twenty-five to nine the queue was full", ["08:35"]),
        ("at twenty-five past one we paged the vendor", ["01:25"]),
        ("at about thirty-five past ten", ["10:35"]),
        ("the rebuild was done about half seven", ["07:30"]),  # British: 7:30, not 6:30
        ("at half past seven", ["07:30"]),
        ("the vendor called back just after four", ["04:00"]),
        ("it went quiet shortly before ten", ["10:00"]),
        ("we regrouped at nine-ish", ["09:00"]),
        ("half the team was on leave", []),
        ("about half a day of backlog", []),
        ("just after 3 retries it gave up", []),
        ("just after two of the pods died", []),  # "o" of "of" is no minute
        ("right after one more test", []),
        ("errors went from 3 to 4-ish percent", []),  # a range, not "three minutes to four"
    ],
)
def test_spoken_clock_forms(said: str, expected: list[str]) -> None:
    assert [t.hhmm for t in find_times(said)] == expected


def test_am_pm_said_is_never_moved_by_the_incident_clock() -> None:
    assert on_incident_clock(["19:40", "02:17"]) == ["19:40", "14:17"]
    assert on_incident_clock(["19:40", "02:17"], [False, True]) == ["19:40", "02:17"]
    said = find_times("it began at 1:05 in the morning")
    assert [(t.hhmm, t.meridiem) for t in said] == [("01:05", True)]


@pytest.mark.parametrize(
    ("said", "minutes"),
    [
        ("twenty minutes later the disk was full", [20]),
        ("an hour and a half later we were back", [90]),
        ("half an hour later it happened again", [30]),
        ("maybe ten minutes after that, the pager went", [10]),
        ("a few minutes later it was fine", []),  # vague: not a time
        ("two days later someone noticed", []),
    ],
)
def test_relative_offsets(said: str, minutes: list[int]) -> None:
    assert [r.minutes for r in find_relative(said)] == minutes


def test_offset_counts_from_the_event_before() -> None:
    pm = draft(
        "Omar: At 10:40 the new build went out to every region.",
        "Ines: About ten minutes later the checkout queue was full.",
    )
    assert [e.time for e in pm.timeline] == ["10:40", "10:50"]


def test_meeting_logistics_are_not_events() -> None:
    pm = draft("Nadia: We have the room until half four, so let's keep moving. Omar, how did it start?")
    assert pm.timeline == []


@pytest.mark.parametrize(
    ("said", "digits"),
    [
        ("between thirty and forty thousand euros", "between 30000 and 40000 euros"),
        ("three or four hundred drivers", "300 or 400 drivers"),
        ("two hundred and six orders", "206 orders"),
        ("seven and eight", "7 and 8"),
        ("fourteen hundred devices", "1400 devices"),
        ("thirty-odd complaints", "30-odd complaints"),
    ],
)
def test_number_words(said: str, digits: str) -> None:
    assert digits_for_words(said) == digits


def test_impact_figures_in_everyday_forms() -> None:
    pm = draft(
        "Nadia: We opened with three of our partners having trouble. Right, what was the impact?",
        "Omar: About nine hundred drivers were paid twice.",
        "Ines: It comes to roughly sixty grand, in dollars.",
        "Viktor: Only thirty-odd complaints reached the support desk.",
        "Omar: Delivery success came in at 91 percent, versus a target of 99.5 percent.",
        "Nadia: So a little over three hours of broken payouts.",
    )
    impact = pm.impact
    assert impact.users_affected is not None and "900" in impact.users_affected.value
    assert impact.revenue is not None and "60,000" in impact.revenue.value
    assert impact.tickets is not None and "30-odd" in impact.tickets.value
    assert impact.sla is not None and "91" in impact.sla.value
    assert impact.duration is not None and "3 hours" in impact.duration.value


def test_a_round_restatement_replaces_the_estimate() -> None:
    pm = draft(
        "Nadia: How much did it cost us?",
        "Omar: Somewhere between twenty and thirty thousand pounds in refunds. Call it twenty-five thousand pounds.",
    )
    assert pm.impact.revenue is not None and "25000" in pm.impact.revenue.value


@pytest.mark.parametrize(
    "closing",
    [
        "When you get down to it: nobody owns the shared certificates and nothing tracks when they expire.",
        "Putting it all together, nobody owns the shared certificates and nothing tracks when they expire.",
        "Here's where I land. Nobody owns the shared certificates and nothing tracks when they expire.",
        "My read is that nobody owns the shared certificates and nothing tracks when they expire.",
    ],
)
def test_conclusion_phrasings_give_the_systemic_cause(closing: str) -> None:
    pm = draft(
        "Nadia: Why did the login page fail?",
        "Omar: Because the certificate on the edge proxy expired overnight.",
        f"Nadia: {closing}",
    )
    cause = pm.root_cause.systemic_cause
    assert cause is not None and cause.text.lower().startswith("nobody owns the shared certificates")


def test_a_confirmation_points_back_to_the_cause() -> None:
    pm = draft(
        "Nadia: Why did the login page fail?",
        "Omar: Because the certificate on the edge proxy expired overnight.",
        "Nadia: We rely on one person's calendar to renew every certificate we own.",
        "Nadia: Assistant, put that down as the root cause.",
    )
    cause = pm.root_cause.systemic_cause
    assert cause is not None and "calendar" in cause.text


def test_a_proposal_put_as_a_why_is_not_a_why() -> None:
    pm = draft(
        "Nadia: Why did the workers stall?",
        "Omar: Because the lock table filled up during the batch import.",
        "Ines: Why don't we just double the lock table?",
        "Viktor: We would run out of memory on the primary long before that helps.",
    )
    assert [w.answer for w in pm.root_cause.whys] == ["The lock table filled up during the batch import"]


def test_section_prompts_in_other_words() -> None:
    pm = draft(
        "Nadia: Where did we get it right?",
        "Omar: The rollback script worked first time and took three minutes.",
        "Nadia: And where did we stumble?",
        "Ines: Paging the wrong team cost us twenty minutes before anyone looked.",
    )
    assert any("rollback script" in w.text for w in pm.what_worked)
    assert any("wrong team" in d.text for d in pm.what_didnt)


def test_a_closing_cue_that_moves_on_is_not_the_cause() -> None:
    pm = draft(
        "Nadia: Why did the login page fail?",
        "Omar: Because the certificate on the edge proxy expired overnight.",
        "Nadia: The real issue is that nothing tracks when our certificates expire.",
        "Nadia: Putting it all together, let's agree the actions now.",
    )
    cause = pm.root_cause.systemic_cause
    assert cause is not None and cause.text.startswith("Nothing tracks")


def test_praise_said_unprompted() -> None:
    pm = draft(
        "Omar: On the bright side, the read replicas carried all the traffic without a hiccup.",
        "Ines: Freezing the deploy train early was the right call.",
        "Viktor: The queue filled up at 10:05.",
    )
    texts = " | ".join(w.text for w in pm.what_worked)
    assert "read replicas" in texts and "deploy train" in texts
    assert "queue" not in texts


def test_glad_and_unhappy_prompts() -> None:
    pm = draft(
        "Nadia: What are we glad about from last night?",
        "Omar: The failover script moved every tenant in four minutes.",
        "Nadia: And what are we unhappy about?",
        "Ines: The status page stayed green for the first forty minutes.",
    )
    assert any("failover script" in w.text for w in pm.what_worked)
    assert any("status page" in d.text for d in pm.what_didnt)


def test_a_point_told_over_several_sentences_is_one_point() -> None:
    pm = draft(
        "Nadia: Where did we make it harder for ourselves?",
        "Omar: The kill switch. We all thought it stopped the sync. It only paused new jobs, so retries kept going.",
        "Ines: Easiest fix: delete the retry table and move on.",
    )
    assert len(pm.what_didnt) == 1
    assert "kill switch" in pm.what_didnt[0].text and "retries kept going" in pm.what_didnt[0].text


def test_the_meetings_own_clock_and_fractional_spans() -> None:
    pm = draft(
        "Nadia: We've got the room till half five. Omar, from the top?",
        "Omar: The nightly import kicked off at ten past one in the morning.",
        "Omar: I got paged just before half two and restarted the worker at 2:40.",
        "Nadia: So call it two and a half hours, give or take.",
    )
    assert [(e.time, e.event) for e in pm.timeline] == [
        ("01:10", "The nightly import kicked off"),
        ("02:30", "I got paged"),
        ("02:40", "Restarted the worker"),
    ]
    assert pm.impact.duration is not None and pm.impact.duration.value == "2.5 hours"
