"""Child process for the crash test: works on a session in a loop and acknowledges each call that returned.

Usage: python -m tests.support.session_crash_child ROOT NAME SEED

Prints one line per completed call, flushed immediately (the parent kills this process with SIGKILL):
  ready <next segment id>
  seg <id> <text>
  status <item id> <status>
  edit <item id> <text>
"""

from __future__ import annotations

import random
import string
import sys
from pathlib import Path

from assistant.domain.postmortem import MeetingDetails, Postmortem, ReviewStatus, TextItem
from assistant.domain.transcript import Segment
from assistant.session import Session


def ack(*parts: object) -> None:
    print(*parts, flush=True)


def random_text(rng: random.Random) -> str:
    # Random words, so no two proposals are similar enough for merge_into to fold them together.
    return " ".join("".join(rng.choices(string.ascii_lowercase, k=rng.randint(3, 9))) for _ in range(8))


def main(root: Path, name: str, seed: int) -> None:
    rng = random.Random(seed)
    session = Session.create(root, MeetingDetails(title="crash test"), name=name, resume=True)
    session.mark_state("recording")
    ack("ready", session.next_segment_id)
    for n in range(1_000_000):
        first = session.next_segment_id
        batch = [
            Segment(id=first + k, start=float(first + k), end=first + k + 0.9, text=random_text(rng))
            for k in range(rng.randint(1, 3))
        ]
        session.add_segments(batch)
        for seg in batch:
            ack("seg", seg.id, seg.text)

        item_id = f"s{seed}-{n}"
        session.merge_proposals(Postmortem(decisions=[TextItem(id=item_id, text=random_text(rng))]))
        if session.postmortem.find(item_id) is None:
            continue  # folded into an earlier proposal: nothing to decide on
        status = rng.choice([ReviewStatus.ACCEPTED, ReviewStatus.REJECTED])
        session.set_status(item_id, status)
        ack("status", item_id, status.value)
        if n % 3 == 0:
            text = f"edited {random_text(rng)}"
            session.edit_item(item_id, text=text)
            ack("edit", item_id, text)


if __name__ == "__main__":
    main(Path(sys.argv[1]), sys.argv[2], int(sys.argv[3]))
