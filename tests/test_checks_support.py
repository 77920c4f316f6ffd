"""Evidence must support the item, not merely exist in the transcript."""

from __future__ import annotations

import pytest

from assistant.checks.support import supported


@pytest.mark.parametrize(
    ("item", "evidence", "expected"),
    [
        ("Notify the team about the expired certificate", "Tom, the timeline please.", False),
        (
            "Add an expiry alert for every public certificate",
            "Tom will add an expiry alert for every certificate",
            True,
        ),
        ("Roll back to version 2.30", "We decided to roll back at 17:24.", True),
        ("Renewal job failing silently", "the renewal job had been failing for three weeks", True),
        ("Freeze deploys", "anything", True),  # too short to judge
        ("Update the manual renewal runbook", "I'll update the runbook for manual renewals before Wednesday", True),
        ("Migrate billing database to new cluster", "Support escalated at 12:28", False),
        ("Alerting on certificate expiry", "we alert when any certificate has less than 14 days left", True),
    ],
)
def test_supported(item: str, evidence: str, expected: bool) -> None:
    assert supported(item, evidence) is expected
