"""Transcript lines -> sentences with their speaker, time and turn: the unit every rule works on.

A Whisper line often holds several sentences ("Okay, decisions. We decided to freeze deploys."), and
an item cites one of them; a turn is a run of sentences by one speaker, which is what replies are.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from assistant.domain.transcript import Segment

_SPLIT = re.compile(r"(?<=[.!?])[\"')\]]?\s+(?=[\"'(\[]?[A-Z0-9])")
# ASR run-ons: "…by the 18th, do we need a second CDN provider, nobody…" — a question starts there.
_RUN_ON_QUESTION = re.compile(
    r",\s+(?=(?:do|does|did|should|shall|can|could|would|will|is|are|was|were|have|has)\s+"
    r"(?:we|you|they|it|the|our|this|that|there|all|any|anyone|everyone|somebody|someone)\b)",
    re.I,
)
_WS = re.compile(r"\s+")


@dataclass(frozen=True)
class Sentence:
    index: int
    """Position in the meeting (0-based)."""
    segment_ids: tuple[int, ...]
    """The transcript lines the sentence spans (Whisper cuts sentences across lines)."""
    text: str
    speaker: str | None
    start: float
    end: float
    turn: int
    """Consecutive sentences of one speaker share a turn number (lines without speakers: one per line)."""

    @property
    def segment_id(self) -> int:
        return self.segment_ids[0]

    @property
    def lower(self) -> str:
        return self.text.lower()

    @property
    def is_question(self) -> bool:
        """Ends with "?" — or, since the ASR often drops it, opens like one ("Should config changes…")."""
        text = self.text.rstrip()
        if text.endswith("?"):
            return True
        if re.search(r":\s+\S+\s+\S+", text):
            return False  # "What did not work: the alert went to the wrong channel.": a heading and its answer
        return not text.endswith("!") and bool(_QUESTION_OPENING.match(text))


_QUESTION_OPENING = re.compile(
    r"^(?:(?:so|and|but|okay|ok|then|also|now)[,]?\s+)*(?:"
    r"(?:should|shall|would|could|can|do|does|did|is|are|was|were|will|have|has|isn't|aren't|didn't|doesn't|don't|"
    r"wasn't|won't)\b(?!\s+(?:you (?:please|mind)|not|we just|i just))|"
    # A wh-word counts only before a verb: "What did we miss" asks, "What I did not like:" tells.
    r"(?:why|how come)\b|(?:who|what|when|where|how|which|whose)\s+(?:is|are|was|were|do|does|did|should|shall|can|could|"
    r"would|will|have|has|happened|went|caused|made|exactly|else|about)\b)",
    re.I,
)
_TERMINAL = re.compile(r"[.!?][\"')\]]?\s*$")
JOIN_GAP_S = 2.0


def split_text(text: str) -> list[str]:
    parts = [p.strip() for p in _SPLIT.split(_WS.sub(" ", text).strip())]
    out: list[str] = []
    for part in parts:
        start = 0
        for m in _RUN_ON_QUESTION.finditer(part):
            # Only after a real clause: "David, can you…" is one sentence addressed to David.
            if len(part[start : m.start()].split()) >= 4:
                out.append(part[start : m.start()].strip() + ".")
                start = m.end()
        out.append(part[start:].strip())
    return [p for p in out if p and p != "."]


def _runs(segments: Sequence[Segment]) -> list[list[Segment]]:
    """Consecutive lines that continue one another: no sentence end between them, same speaker, no pause."""
    runs: list[list[Segment]] = []
    for seg in segments:
        if not seg.text.strip():
            continue
        if runs:
            last = runs[-1][-1]
            if not _TERMINAL.search(last.text) and last.speaker == seg.speaker and seg.start - last.end <= JOIN_GAP_S:
                runs[-1].append(seg)
                continue
        runs.append([seg])
    return runs


def sentences_of(segments: Sequence[Segment]) -> list[Sentence]:
    out: list[Sentence] = []
    turn = -1
    previous: Segment | None = None
    for run in _runs(segments):
        first = run[0]
        same_turn = (
            previous is not None
            and first.speaker is not None
            and first.speaker == previous.speaker
            and first.start - previous.end < JOIN_GAP_S
        )
        if not same_turn:
            turn += 1
        # Character span of each line inside the joined text, to map sentences back to lines and times.
        spans: list[tuple[int, int, Segment]] = []
        text = ""
        for seg in run:
            piece = _WS.sub(" ", seg.text).strip()
            if text:
                text += " "
            spans.append((len(text), len(text) + len(piece), seg))
            text += piece
        pos = 0
        for piece in split_text(text):
            a = text.find(piece, pos)
            a = pos if a < 0 else a
            b = a + len(piece)
            pos = b
            hit = [(sa, sb, seg) for sa, sb, seg in spans if sa < b and sb > a] or [spans[-1]]
            start = _time_at(hit[0], a)
            end = _time_at(hit[-1], b)
            ids = tuple(dict.fromkeys(seg.id for _, _, seg in hit))
            out.append(Sentence(len(out), ids, piece, first.speaker, round(start, 2), round(max(end, start), 2), turn))
        previous = run[-1]
    return out


def _time_at(span: tuple[int, int, Segment], offset: int) -> float:
    sa, sb, seg = span
    frac = min(max((offset - sa) / max(sb - sa, 1), 0.0), 1.0)
    return seg.start + (seg.end - seg.start) * frac


def next_turns(sentences: Sequence[Sentence], i: int, turns: int = 2) -> list[Sentence]:
    """The sentences of the `turns` turns after sentence i's turn."""
    base = sentences[i].turn
    return [s for s in sentences[i + 1 :] if base < s.turn <= base + turns]


def rest_of_turn(sentences: Sequence[Sentence], i: int) -> list[Sentence]:
    base = sentences[i].turn
    out = []
    for s in sentences[i + 1 :]:
        if s.turn != base:
            break
        out.append(s)
    return out
