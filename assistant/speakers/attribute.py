"""Transcript words -> speakers: each word goes to the turn it overlaps most.

A word no turn overlaps goes to the nearest turn: diarization merges turns and drops replies of
about 0.8 s or less ("yes", "on it"), whose words then sit in a gap or inside another speaker's
turn. Lines are split where the speaker changes, because a Whisper sentence can span two people.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence

from assistant.domain.transcript import Segment, Transcript, Word
from assistant.speakers.model import Turn

SHORT_REPLY_S = 0.8
"""Turns this short are replies diarization tends to lose; a word shorter than this that differs
from both neighbours inside one line is smoothed to them (a one-word flicker at a turn edge)."""


class TurnIndex:
    """Turns sorted by start, for overlap and nearest-turn queries in O(log n + k)."""

    def __init__(self, turns: Sequence[Turn]) -> None:
        self.turns = sorted((t for t in turns if t.end > t.start), key=lambda t: (t.start, t.end))
        self._starts = [t.start for t in self.turns]
        self._max_len = max((t.duration for t in self.turns), default=0.0)

    def __bool__(self) -> bool:
        return bool(self.turns)

    def speaker_at(self, start: float, end: float) -> str | None:
        """The speaker with the most overlap with [start, end], else the nearest turn's speaker."""
        if not self.turns:
            return None
        lo = bisect.bisect_left(self._starts, start - self._max_len)
        hi = bisect.bisect_right(self._starts, end)
        overlap: dict[str, float] = {}
        for turn in self.turns[lo:hi]:
            shared = min(end, turn.end) - max(start, turn.start)
            if shared > 0:
                overlap[turn.speaker] = overlap.get(turn.speaker, 0.0) + shared
        if overlap:
            return max(overlap.items(), key=lambda kv: kv[1])[0]
        return self._nearest(start, end)

    def _nearest(self, start: float, end: float) -> str:
        middle = (start + end) / 2
        i = bisect.bisect_left(self._starts, middle)
        # The nearest turn by gap is among the few around the insertion point (plus long turns
        # starting earlier, whose end may be closest).
        lo = bisect.bisect_left(self._starts, middle - self._max_len - 1.0)
        candidates = self.turns[max(0, lo) : i + 2]
        best = min(candidates, key=lambda t: max(t.start - end, start - t.end, 0.0))
        return best.speaker


def word_speakers(words: Sequence[Word], index: TurnIndex) -> list[str | None]:
    """The speaker of each word (None only when there are no turns at all), smoothed within the list."""
    raw = [index.speaker_at(w.start, max(w.end, w.start)) for w in words]
    return _smooth(raw, words)


def _smooth(speakers: list[str | None], words: Sequence[Word]) -> list[str | None]:
    # Whisper word times drift by a few hundred ms at turn edges; a single short word whose both
    # neighbours agree on another speaker is that drift, not a one-word turn.
    out = list(speakers)
    for i in range(1, len(out) - 1):
        before, after = out[i - 1], speakers[i + 1]
        if before == after and out[i] != before and words[i].end - words[i].start < SHORT_REPLY_S:
            out[i] = before
    return out


def _text(words: Sequence[Word]) -> str:
    return "".join(w.text for w in words).strip()


def attribute_segments(
    segments: Sequence[Segment], turns: Sequence[Turn], first_id: int | None = None
) -> list[Segment]:
    """Speaker-labelled segments, split where the speaker changes inside a line.

    Ids are renumbered consecutively from `first_id` (default: the first segment's id), so they stay
    unique and increasing after splits. Use this before the segments are stored or cited by evidence;
    for stored segments use `label_segments`, which keeps ids.
    """
    index = TurnIndex(turns)
    next_id = first_id if first_id is not None else (segments[0].id if segments else 0)
    out: list[Segment] = []
    for segment in segments:
        for piece in _pieces(segment, index):
            out.append(piece.model_copy(update={"id": next_id}))
            next_id += 1
    return out


def _pieces(segment: Segment, index: TurnIndex) -> list[Segment]:
    if not index:
        return [segment.model_copy()]
    if not segment.words:
        return [segment.model_copy(update={"speaker": index.speaker_at(segment.start, segment.end)})]
    labels = word_speakers(segment.words, index)
    runs: list[tuple[str | None, list[Word]]] = []
    for word, speaker in zip(segment.words, labels, strict=True):
        if runs and runs[-1][0] == speaker:
            runs[-1][1].append(word)
        else:
            runs.append((speaker, [word]))
    if len(runs) == 1:
        return [segment.model_copy(update={"speaker": runs[0][0]})]
    return [
        Segment(
            id=segment.id,
            start=words[0].start,
            end=words[-1].end,
            text=_text(words),
            words=list(words),
            speaker=speaker,
        )
        for speaker, words in runs
        if _text(words)
    ]


def label_segments(segments: Sequence[Segment], turns: Sequence[Turn]) -> dict[int, str]:
    """Segment id -> the speaker of most of its words (by time), ids untouched: for stored segments."""
    index = TurnIndex(turns)
    out: dict[int, str] = {}
    if not index:
        return out
    for segment in segments:
        if not segment.words:
            speaker = index.speaker_at(segment.start, segment.end)
        else:
            talk: dict[str, float] = {}
            for word, who in zip(segment.words, word_speakers(segment.words, index), strict=True):
                if who is not None:
                    talk[who] = talk.get(who, 0.0) + max(word.end - word.start, 0.01)
            speaker = max(talk.items(), key=lambda kv: kv[1])[0] if talk else None
        if speaker is not None:
            out[segment.id] = speaker
    return out


def attribute_transcript(transcript: Transcript, turns: Sequence[Turn]) -> Transcript:
    """`transcript` with every line attributed (and split at speaker changes); see attribute_segments."""
    return transcript.model_copy(update={"segments": attribute_segments(transcript.segments, turns)})
