"""Blameless checks: a root cause must be systemic, and items must not blame people."""

from __future__ import annotations

import pytest

from assistant.checks.rootcause import blaming_flags, cause_text, check_root_cause
from assistant.domain.postmortem import Flag, RootCause, TextItem, WhyStep

ATTENDEES = ["Sarah Lee", "David Park", "Ana"]
HUMAN = Flag.ROOT_CAUSE_HUMAN_ERROR
PERSON = Flag.ROOT_CAUSE_PERSON


def _systemic(text: str) -> RootCause:
    return RootCause(systemic_cause=TextItem(id="sc", text=text))


@pytest.mark.parametrize(
    ("cause", "expected"),
    [
        # "Human error" in its many spellings.
        ("Human error.", [HUMAN]),
        ("It was an operator error during the deploy", [HUMAN]),
        ("user error", [HUMAN]),
        ("Someone made a mistake", [HUMAN, PERSON]),
        ("carelessness", [HUMAN]),
        ("they didn't pay attention", [HUMAN]),
        ("The engineer didn't pay attention to the diff", [HUMAN, PERSON]),
        ("a fat-fingered config value", [HUMAN]),
        # A chain that stops at a person.
        ("David forgot to update the config", [PERSON]),
        ("because Sarah pushed the change", [PERSON]),
        ("Ana's deploy script", [PERSON]),  # an attendee named in the cause
        ("Marcus forgot to run the migration", [PERSON]),  # not an attendee, but a person forgot
        ("the engineer", [PERSON]),
        ("It was the on-call person.", [PERSON]),
        ("The deploy was triggered by the on-call engineer without a review", [PERSON]),
        ("the new hire didn't check the dashboard", [PERSON]),
        ("because of him", [PERSON]),
        # Systemic causes.
        ("The pool config is not validated in CI and staging load is far below production", []),
        ("The worker template does not enforce a retry limit", []),
        ("Kubernetes restarted the pod before the health check passed", []),
        ("Terraform didn't validate the value", []),
        ("We never tested at production load", []),
        ("No alert routes to the payments pager channel", []),
        ("", []),
    ],
)
def test_check_root_cause(cause: str, expected: list[Flag]) -> None:
    assert check_root_cause(_systemic(cause), ATTENDEES) == expected


@pytest.mark.parametrize(
    ("root", "expected_text"),
    [
        (RootCause(), ""),
        (_systemic("No validation"), "No validation"),
        (
            RootCause(
                whys=[
                    WhyStep(id="1", question="Why down?", answer="Pool exhausted"),
                    WhyStep(id="2", question="Why?", answer="David forgot the limit"),
                ]
            ),
            "David forgot the limit",
        ),
        (
            RootCause(
                whys=[WhyStep(id="1", question="Why?", answer="human error")],
                systemic_cause=TextItem(id="s", text="  "),
            ),
            "human error",
        ),
        (
            RootCause(
                whys=[WhyStep(id="1", question="Why?", answer="human error")],
                systemic_cause=TextItem(id="s", text="Configs are not validated"),
            ),
            "Configs are not validated",
        ),
    ],
)
def test_the_chain_is_judged_by_its_end(root: RootCause, expected_text: str) -> None:
    assert cause_text(root) == expected_text


def test_last_why_is_used_without_a_systemic_cause() -> None:
    root = RootCause(whys=[WhyStep(id="1", question="Why did it break?", answer="David forgot the limit")])
    assert check_root_cause(root, ATTENDEES) == [PERSON]


@pytest.mark.parametrize(
    ("text", "blaming"),
    [
        ("It was David's fault", True),
        ("Sarah is to blame", True),
        ("They blamed the on-call engineer", True),
        ("David screwed up the deploy", True),
        ("he messed up the rollout", True),
        ("that was careless", True),
        ("he is incompetent", True),
        ("Sarah should have known", True),
        ("he dropped the ball on the alert", True),
        ("Ana was at fault", True),
        ("That was a stupid change", True),
        # Blameless statements and ordinary words.
        ("This is blameless, we're not blaming anyone", False),
        ("It's nobody's fault", False),
        ("It's not David's fault", False),
        ("Nobody is at fault", False),
        ("the deploy messed up the cache", False),
        ("the fault tolerance worked", False),
        ("a segmentation fault in the worker", False),
        ("we rolled back at 15:11", False),
        ("", False),
    ],
)
def test_blaming_flags(text: str, blaming: bool) -> None:
    assert blaming_flags(text, ATTENDEES) == ([Flag.BLAMING_LANGUAGE] if blaming else [])
