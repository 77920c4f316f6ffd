"""Names for anonymous voices from how people address each other.

After diarization the voices are `S1`, `S2`…; an "I'll update the runbook" then has no owner until
someone names the voices. Meetings name people all the time: "David, can you start with the
timeline?" is usually answered by David; "Thanks, Lisa" follows Lisa's turn; "I'm Grace" is Grace.
Each such cue is a vote for (voice, name); a voice gets a name when the votes for it are clear
(at least `min_votes`, a majority of that voice's votes, and no other voice wins the same name).
Never a guess from one cue, never a name the voice itself used to address someone else.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Sequence

from assistant.domain.transcript import Segment
from assistant.extraction.rules.dialogue import vocative  # the action rules read "Priya, can you…" with it too
from assistant.speakers.model import is_label

MIN_VOTES = 2
_THANKS = re.compile(
    r"^(?i:(?:(?:okay|ok|great|good|right|perfect|cool)[,.!]?\s+)*(?:thanks|thank you|cheers)[,]?\s+)"
    r"(?P<n>[A-Z][\w'-]+)\b"
)
_SELF = re.compile(r"\b(?i:i'm|i am|this is|my name is|it's)\s+(?P<n>[A-Z][\w'-]+)\b(?!\s+(?:team|here to))")


def _named(first: str, names: Sequence[str]) -> str | None:
    return next((n for n in names if n.split()[0].lower() == first.lower()), None)


def infer_speaker_names(segments: Sequence[Segment], attendees: Sequence[str]) -> dict[str, str]:
    """Anonymous label -> attendee name, for the labels the conversation names clearly."""
    names = [a for a in attendees if a.strip()]
    if not names:
        return {}
    turns: list[tuple[str, str]] = []  # (label, text) per turn
    for seg in segments:
        if not seg.speaker or not is_label(seg.speaker):
            continue
        if turns and turns[-1][0] == seg.speaker:
            turns[-1] = (seg.speaker, f"{turns[-1][1]} {seg.text.strip()}")
        else:
            turns.append((seg.speaker, seg.text.strip()))
    votes: defaultdict[str, Counter[str]] = defaultdict(Counter)
    not_them: defaultdict[str, set[str]] = defaultdict(set)
    for i, (label, text) in enumerate(turns):
        for sentence in re.split(r"(?<=[.!?])\s+", text):
            called = vocative(sentence, names)
            if called is not None:
                not_them[label].add(called)
                # The answer comes from the next voice: a vote only when it is another voice.
                if i + 1 < len(turns) and turns[i + 1][0] != label:
                    votes[turns[i + 1][0]][called] += 1
            thanks = _THANKS.match(sentence)
            if thanks and (who := _named(thanks.group("n"), names)) and i > 0 and turns[i - 1][0] != label:
                not_them[label].add(who)
                votes[turns[i - 1][0]][who] += 1
            me = _SELF.search(sentence)
            if me and (who := _named(me.group("n"), names)):
                votes[label][who] += 2
    return _assign(votes, not_them)


def _assign(votes: dict[str, Counter[str]], not_them: dict[str, set[str]]) -> dict[str, str]:
    ranked = sorted(
        (
            (count, label, name)
            for label, c in votes.items()
            for name, count in c.items()
            if name not in not_them.get(label, set())
        ),
        reverse=True,
    )
    taken_labels: set[str] = set()
    taken_names: set[str] = set()
    out: dict[str, str] = {}
    for count, label, name in ranked:
        if label in taken_labels or name in taken_names or count < MIN_VOTES:
            continue
        total = sum(votes[label].values())
        rival = max((c for n, c in votes[label].items() if n != name), default=0)
        if count * 2 <= total or rival * 2 > count:
            continue  # the voice is called by several names: diarization probably merged two people
        out[label] = name
        taken_labels.add(label)
        taken_names.add(name)
    return out
