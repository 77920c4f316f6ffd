"""A session whose action items cover every case the tracker exports treat apart, some with hostile text.

Built like the other session tests' sessions (tests/support/sessions.py: created at NOW, the five lines of
session_data recorded), then the hostile lines and the items below, reviewed as listed. No model runs.
"""

from __future__ import annotations

from pathlib import Path

from assistant.domain.postmortem import ActionItem, Postmortem, ReviewStatus
from assistant.domain.transcript import Segment
from tests.support.session_data import evidence, proposals
from tests.support.sessions import recorded_session

PEOPLE = {"Karen": "karen@example.com"}
"""The `[people]` table of the tests: Karen is mapped, David and Ben are not."""


def hostile(pwned: Path) -> str:
    """Words a transcript could hold that a careless exporter would run: a spreadsheet formula first,
    quotes of both kinds, a command substitution and backticks that would create `pwned`, a variable, a
    history expansion, a backslash and a newline."""
    return f'=SUM(A1) check the "retry" flag\'s value $(touch {pwned}) `touch {pwned}` $HOME !! \\ end\nnext line'


def tracker_session(root: Path, pwned: Path) -> str:
    """The session's name. Action items, in order:

    act-cap      Karen, due Thursday (2026-03-05): accepted
    act-review   no owner, no due date: accepted
    act-hostile  David, due "soon" (no date), hostile action and quote: accepted
    act-runbook  Ben, Friday (2026-03-06): proposed
    act-blame    Ben: rejected
    act-done     Ben, Friday: accepted, and done
    act-pair     "Dana and Ben": accepted (two owners)
    """
    text = hostile(pwned)
    s = recorded_session(root)
    s.add_segments([Segment(id=5, start=61.0, end=66.0, text=text, speaker="David")])
    pm: Postmortem = proposals()
    pm.action_items += [
        ActionItem(id="act-hostile", action=text, owner="David", due="soon", evidence=evidence(5, text)),
        ActionItem(
            id="act-runbook",
            action="Write the runbook entry for the queue alert",
            owner="Ben",
            due="Friday",
            evidence=evidence(4, "I'll write the runbook entry for the queue alert by Friday"),
        ),
        ActionItem(id="act-blame", action="Tell Ben to be careful", owner="Ben", evidence=evidence(1, "Around 600")),
        ActionItem(
            id="act-done",
            action="Page the payments team",
            owner="Ben",
            due="Friday",
            evidence=evidence(1, "Around 600 merchants saw delayed payouts"),
        ),
        ActionItem(
            id="act-pair",
            action="Load-test the worker",
            owner="Dana and Ben",
            due="Friday",
            evidence=evidence(1, "support got 35 tickets"),
        ),
    ]
    s.merge_proposals(pm)
    for item_id in ("act-cap", "act-review", "act-hostile", "act-done", "act-pair"):
        s.set_status(item_id, ReviewStatus.ACCEPTED)
    s.set_status("act-blame", ReviewStatus.REJECTED)
    s.set_action_status("act-done", "done")
    name = s.name
    s.close()
    return name
