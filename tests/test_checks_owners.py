"""Ownership checks: exactly one named owner who was in the meeting, never a guessed name."""

from __future__ import annotations

import pytest

from assistant.checks.owners import OwnerResult, check_owner, clean_owner, is_commitment, match_attendee
from assistant.domain.postmortem import Flag

ATTENDEES = ["Sarah Lee", "Ana Lopez", "Ben Okafor", "Sarah Kim", "David", "Will Turner"]


@pytest.mark.parametrize(
    ("owner", "quote", "speaker", "expected_owner", "expected_flags"),
    [
        # No owner at all.
        (None, "", None, None, [Flag.NO_OWNER]),
        ("", "add the alert", None, None, [Flag.NO_OWNER]),
        ("  none ", "", None, None, [Flag.NO_OWNER]),
        ("Nobody", "", None, None, [Flag.NO_OWNER]),
        ("TBD", "", None, None, [Flag.NO_OWNER]),
        # Groups, departments, rotations and roles are not a named person.
        ("the team", "", None, "the team", [Flag.GROUP_OWNER]),
        ("Team", "", None, "Team", [Flag.GROUP_OWNER]),
        ("someone", "someone should do it", None, "someone", [Flag.GROUP_OWNER]),
        ("Somebody", "", None, "Somebody", [Flag.GROUP_OWNER]),
        ("we", "", None, "we", [Flag.GROUP_OWNER]),
        ("us", "", None, "us", [Flag.GROUP_OWNER]),
        ("everyone", "", None, "everyone", [Flag.GROUP_OWNER]),
        ("all of us", "", None, "all of us", [Flag.GROUP_OWNER]),
        ("They", "", None, "They", [Flag.GROUP_OWNER]),
        ("SRE", "", None, "SRE", [Flag.GROUP_OWNER]),
        ("ops", "", None, "ops", [Flag.GROUP_OWNER]),
        ("Platform team", "", None, "Platform team", [Flag.GROUP_OWNER]),
        ("the backend team", "", None, "the backend team", [Flag.GROUP_OWNER]),
        ("Engineering", "", None, "Engineering", [Flag.GROUP_OWNER]),
        ("marketing", "", None, "marketing", [Flag.GROUP_OWNER]),
        ("Support", "", None, "Support", [Flag.GROUP_OWNER]),
        ("infra", "", None, "infra", [Flag.GROUP_OWNER]),
        ("on-call", "", None, "on-call", [Flag.GROUP_OWNER]),
        ("the on-call engineer", "", None, "the on-call engineer", [Flag.GROUP_OWNER]),
        ("Ana's team", "", None, "Ana's team", [Flag.GROUP_OWNER]),
        ("Sales & Marketing", "", None, "Sales & Marketing", [Flag.GROUP_OWNER]),
        # Several people.
        ("Ana and Ben", "", None, "Ana and Ben", [Flag.MULTIPLE_OWNERS]),
        ("Ana, Ben", "", None, "Ana, Ben", [Flag.MULTIPLE_OWNERS]),
        ("Ana or Ben", "", None, "Ana or Ben", [Flag.MULTIPLE_OWNERS]),
        ("Ana/Ben", "", None, "Ana/Ben", [Flag.MULTIPLE_OWNERS]),
        ("Ana & Ben", "", None, "Ana & Ben", [Flag.MULTIPLE_OWNERS]),
        ("Ana and the SRE team", "", None, "Ana and the SRE team", [Flag.MULTIPLE_OWNERS]),
        # First person: the speaker when known, otherwise unconfirmed (never a guessed name).
        ("I", "I'll add the alert", None, None, [Flag.OWNER_UNCONFIRMED]),
        ("me", "leave it with me", None, None, [Flag.OWNER_UNCONFIRMED]),
        ("myself", "I can take it myself", None, None, [Flag.OWNER_UNCONFIRMED]),
        # Cleared owners are flagged by the quote alone, so a re-run (owner None) agrees.
        ("I", "Karen will add the retry cap", None, None, [Flag.NO_OWNER]),
        ("me", "", None, None, [Flag.NO_OWNER]),
        ("I'll", "I'll add the alert", None, None, [Flag.OWNER_UNCONFIRMED]),
        ("I", "I'll add the alert", "Ana", "Ana Lopez", []),
        ("me", "let me take that", "Priya", "Priya", []),
        ("I", "I'll add the alert", "SPEAKER_01", None, [Flag.OWNER_UNCONFIRMED]),
        # A model-given name for a first-person commitment that does not name anyone.
        ("Ben", "I'll add the alert", None, None, [Flag.OWNER_UNCONFIRMED]),
        ("Ben", "I\u2019ll add the alert", "Ana Lopez", "Ana Lopez", []),
        ("Ben", "I'm going to write the runbook", "Ben", "Ben Okafor", []),
        # ... but a quote that names the owner, or is not a commitment, keeps the name.
        ("Ben", "Ben, I'll leave that with you", None, "Ben Okafor", []),
        ("Ana", "I think Ana should add the alert", "Ben", "Ana Lopez", []),
        ("Ana", "I think we should add an alert", "Ben", "Ana Lopez", []),
        # No owner, but someone said "I'll": that someone, if known.
        (None, "I'll also write the runbook entry", "Ben", "Ben Okafor", []),
        (None, "I'll also write the runbook entry", None, None, [Flag.OWNER_UNCONFIRMED]),
        # The quote names who does it, the model named someone else (it can be talked into it).
        ("Ben", "David will add the index lag alert before Friday", None, "David", []),
        ("Ben", "David, can you add the alert?", None, "David", []),
        ("Ben", "Ana'll write the runbook", None, "Ana Lopez", []),
        ("Priya", "David is going to add the alert", None, "David", []),
        ("Ben", "Ben will add it once David is back", None, "Ben Okafor", []),
        ("Ben", "We will add the alert", None, "Ben Okafor", []),
        ("Ben", "Sarah will add the alert", None, "Ben Okafor", []),  # which Sarah? the model's stays
        ("Ben", "David mentioned the alert was noisy", None, "Ben Okafor", []),  # not as the doer
        ("Ben", "This will fix the alert, and then Ana can review it", None, "Ben Okafor", []),
        # One unknown person.
        ("he", "he said he'd look into it", None, None, [Flag.OWNER_UNCONFIRMED]),
        ("she", "", None, None, [Flag.NO_OWNER]),
        ("you", "can you take it", None, None, [Flag.OWNER_UNCONFIRMED]),
        # Attendee matching and canonical spelling.
        ("Ana", "Ana will add the alert", None, "Ana Lopez", []),
        ("ana lopez", "", None, "Ana Lopez", []),
        ("Lopez", "", None, "Ana Lopez", []),
        ("David", "", None, "David", []),
        ("David Park", "", None, "David", []),
        ("Bn Okafor", "", None, "Ben Okafor", []),
        ("Anna", "", None, "Ana Lopez", []),
        ("Ana will.", "", None, "Ana Lopez", []),
        ("Owner: Ben (SRE)", "", None, "Ben Okafor", []),
        ("@ben", "", None, "Ben Okafor", []),
        ("Will", "", None, "Will Turner", []),
        # Two attendees share the first name: unconfirmed, kept as said.
        ("Sarah", "", None, "Sarah", [Flag.OWNER_UNCONFIRMED]),
        ("Sarah Lee", "", None, "Sarah Lee", []),
        ("sarah kim", "", None, "Sarah Kim", []),
        # Not an attendee.
        ("Priya", "we need better dashboards", None, "Priya", [Flag.OWNER_NOT_IN_MEETING]),
        ("Dave", "", None, "Dave", [Flag.OWNER_NOT_IN_MEETING]),
        ("Sarah Connor", "", None, "Sarah Connor", [Flag.OWNER_NOT_IN_MEETING]),
        # ... unless the evidence names them (an absent person can be assigned work).
        ("Priya", "let's give the dashboards to Priya", None, "Priya", []),
        ("Priya Shah", "Priya can own the dashboards", None, "Priya Shah", []),
    ],
)
def test_check_owner(
    owner: str | None,
    quote: str,
    speaker: str | None,
    expected_owner: str | None,
    expected_flags: list[Flag],
) -> None:
    result = check_owner(owner, quote, ATTENDEES, speaker=speaker)
    assert result == OwnerResult(expected_owner, expected_flags)


@pytest.mark.parametrize(
    ("owner", "quote", "transcript", "expected_flags"),
    [
        ("Karen", "x", "so karen will add the retry cap", []),
        ("Karen", "x", "so bob will add the retry cap", [Flag.OWNER_NOT_IN_MEETING]),
        ("Karin", "x", "so karen will add the retry cap", []),  # ASR spelling differs
        ("Karen Smith", "x", "karen can you take it", []),
        ("Karen", "Karen will do it", "", []),
        ("Karen", "x", "", []),  # nothing to check against: not flagged
        ("Bob", "Bob will do it", "alice said bob will do it", []),
        ("Al", "x", "we all agreed", [Flag.OWNER_NOT_IN_MEETING]),  # short names are exact only
    ],
)
def test_without_attendees_the_transcript_is_the_meeting(
    owner: str, quote: str, transcript: str, expected_flags: list[Flag]
) -> None:
    assert check_owner(owner, quote, [], transcript_text=transcript).flags == expected_flags


@pytest.mark.parametrize(
    ("owner", "quote", "speaker", "expected_flags"),
    [
        ("Ben", "I'll add the alert", None, []),  # the user's name is not a model guess
        ("Ben", "I'll add the alert", "Ana", []),
        ("I", "I'll add the alert", "Ana", [Flag.OWNER_UNCONFIRMED]),  # never rewritten
        (None, "I'll add the alert", "Ana", [Flag.NO_OWNER]),  # the user cleared it
        ("the team", "", None, [Flag.GROUP_OWNER]),
        ("Priya", "", None, [Flag.OWNER_NOT_IN_MEETING]),
        ("Ben", "David will add the alert", None, []),  # the facilitator chose Ben: kept, unflagged
    ],
)
def test_an_owner_typed_by_the_user_is_only_checked(
    owner: str | None, quote: str, speaker: str | None, expected_flags: list[Flag]
) -> None:
    assert check_owner(owner, quote, ATTENDEES, speaker=speaker, from_user=True).flags == expected_flags


@pytest.mark.parametrize(
    ("raw", "cleaned"),
    [
        (None, ""),
        ("Ana will", "Ana"),
        ("Ana will.", "Ana"),
        ("Ana'll", "Ana"),
        ("  Ana   Lopez. ", "Ana Lopez"),
        ("Will", "Will"),
        ("Owner: Ana", "Ana"),
        ("Ana (SRE)", "Ana"),
        ('"Ana"', "Ana"),
        ("Ana will do it", "Ana"),
        ("I will", "I"),
    ],
)
def test_clean_owner(raw: str | None, cleaned: str) -> None:
    assert clean_owner(raw) == cleaned


@pytest.mark.parametrize(
    ("quote", "expected"),
    [
        ("I'll add the alert", True),
        ("I will add the alert", True),
        ("i'm going to write it up", True),
        ("let me take that one", True),
        ("leave it with me", True),
        ("put me down for the runbook", True),
        ("I can take the dashboards", True),
        ("I think we should add an alert", False),
        ("I can't do that this week", False),
        ("we'll add the alert", False),
        ("", False),
    ],
)
def test_is_commitment(quote: str, expected: bool) -> None:
    assert is_commitment(quote) is expected


@pytest.mark.parametrize(
    ("name", "attendees", "expected"),
    [
        ("Sarah", ["Sarah Lee"], ["Sarah Lee"]),
        ("Sarah Lee", ["Sarah"], ["Sarah"]),
        ("Sara", ["Sarah Lee"], ["Sarah Lee"]),
        ("Sarah Lee", ["Sarah Kim"], []),
        ("Sarah", ["Sarah Lee", "Sarah Kim"], ["Sarah Lee", "Sarah Kim"]),
        ("Ana", ["Ana", "ana"], ["Ana"]),  # listed twice is one person
        ("Dan", ["Dan", "Dana"], ["Dan"]),  # an exact name beats a close one
        ("", ["Ana"], []),
        ("Ana", [], []),
    ],
)
def test_match_attendee(name: str, attendees: list[str], expected: list[str]) -> None:
    assert match_attendee(name, attendees) == expected
