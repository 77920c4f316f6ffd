"""Three small sessions for the cross-session commands (actions, search), made with the session API: the
webhook meeting of session_data, a DNS outage and an expired certificate (named and unnamed voices)."""

from __future__ import annotations

from pathlib import Path

from assistant.domain.postmortem import ActionItem, Postmortem, ReviewStatus, TextItem
from assistant.domain.transcript import Segment
from assistant.session import Session
from assistant.speakers.names import SpeakerNames
from tests.support.session_data import details, evidence, proposals
from tests.support.sessions import NOW, recorded_session

WEBHOOK = "2026-03-04_0930_INC-42"
DNS = "dns-outage"
CERT = "cert-expiry"
PAST = "2021-06-01"
FUTURE = "2099-01-31"

DNS_LINES = [
    ("Omar", "The resolver pool ran out of file descriptors at 14:02."),
    ("Lena", "Lena will raise the descriptor limit on every resolver."),
    ("Omar", "Omar will add an alert on resolver error rates."),
    ("Lena", "We decided to keep the old resolver as a fallback."),
    ("Omar", "Omar will also check the cache hit rate."),
]
CERT_LINES = [
    ("S1", "The certificate for the payments gateway expired on Sunday night."),
    ("S2", "Nobody got the renewal reminder because it went to a dead mailbox."),
    ("S1", "Priya will automate the certificate renewal."),
    ("S2", "We should page someone on the mailbox, maybe."),
]


def lines(spoken: list[tuple[str, str]]) -> list[Segment]:
    return [
        Segment(id=n, start=10.0 * n, end=10.0 * n + 8.0, text=text, speaker=speaker)
        for n, (speaker, text) in enumerate(spoken)
    ]


def action(item_id: str, text: str, owner: str | None, due: str | None, segment: int, said: str) -> ActionItem:
    """An action item quoting the line `said` (its words as the quote, without the full stop)."""
    return ActionItem(id=item_id, action=text, owner=owner, due=due, evidence=evidence(segment, said.rstrip(".")))


def make_sessions(root: Path) -> list[str]:
    """The three sessions under `root` (closed), their names in creation order.

    Accepted action items: WEBHOOK/act-cap (Karen, due 2026-03-05), DNS/act-limit (Lena, due PAST),
    DNS/act-alert (Omar, due FUTURE), CERT/act-renew (Priya, due FUTURE). Not accepted: WEBHOOK/act-review
    and DNS/act-cache (proposed), CERT/act-page (rejected)."""
    with recorded_session(root) as s:
        s.merge_proposals(proposals())
        s.set_status("act-cap", ReviewStatus.ACCEPTED)

    dns = details(incident_id="INC-51", title="DNS resolver outage", facilitator="Omar", attendees=["Omar", "Lena"])
    dns_items = [
        action("act-limit", "Raise the descriptor limit on every resolver", "Lena", PAST, 1, DNS_LINES[1][1]),
        action("act-alert", "Alert on resolver error rates", "Omar", FUTURE, 2, DNS_LINES[2][1]),
        action("act-cache", "Check the cache hit rate", "Omar", None, 4, DNS_LINES[4][1]),
    ]
    fallback = TextItem(id="dec-fallback", text="Keep the old resolver as a fallback", evidence=evidence(3, "keep"))
    with Session.create(root, dns, DNS, now=NOW) as s:
        s.add_segments(lines(DNS_LINES))
        s.merge_proposals(Postmortem(action_items=dns_items, decisions=[fallback]))
        s.set_status("act-limit", ReviewStatus.ACCEPTED)
        s.set_status("act-alert", ReviewStatus.ACCEPTED)
        s.mark_state("finalised")

    cert = details(incident_id="INC-60", title="Gateway certificate expiry", attendees=["Priya", "Sam"])
    cert_items = [
        action("act-renew", "Automate the certificate renewal", "Priya", FUTURE, 2, CERT_LINES[2][1]),
        action("act-page", "Page someone on the mailbox", None, None, 3, CERT_LINES[3][1]),
    ]
    with Session.create(root, cert, CERT, now=NOW) as s:
        s.add_segments(lines(CERT_LINES))
        s.set_speakers(SpeakerNames(names={"S1": "Priya"}))  # S2 stays anonymous
        s.merge_proposals(Postmortem(action_items=cert_items))
        s.set_status("act-renew", ReviewStatus.ACCEPTED)
        s.set_status("act-page", ReviewStatus.REJECTED)
        s.mark_state("finalised")
    return [WEBHOOK, DNS, CERT]


def file_contents(root: Path) -> dict[str, bytes]:
    """Every file under `root` (the sessions folder) by relative path, to show nothing in it changed; not the
    owner locks, which hold the pid of the last process that opened the session to write."""
    files = sorted(p for p in root.rglob("*") if p.is_file() and p.name != "session.lock")
    return {str(p.relative_to(root)): p.read_bytes() for p in files}
