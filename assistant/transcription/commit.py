"""LocalAgreement-2 commit policy for streaming ASR (pure: no model, no audio, no clock).

The streaming engine re-transcribes a growing audio buffer and feeds each hypothesis (timed
words, absolute times) here. A word is committed once two consecutive hypotheses agree on it
and on everything before it; committed words never change. What the latest hypothesis says
beyond that is the tentative tail, shown to the user but free to change.

Same idea as ufal/whisper_streaming's HypothesisBuffer, with words compared after normalising
case and punctuation: Whisper often revises "outage" to "outage." once it hears the next
sentence, and that must not hold the commit back.
"""

from __future__ import annotations

import re

from assistant.domain.transcript import Word

_NOT_WORD = re.compile(r"[^\w]+")

# A re-transcribed word whose end is this close to the committed end is the committed word again.
_END_EPSILON_S = 0.05
_MAX_NGRAM = 5


def normalise(text: str) -> str:
    """Compare words without case, punctuation or spacing ("Outage," == "outage")."""
    return _NOT_WORD.sub("", text.lower())


def _same(a: Word, b: Word, max_shift_s: float) -> bool:
    # Times jitter between passes (and tiny.en's last-word times are poor); text decides, and the
    # shift bound only stops a repeated short word ("the") far away from being taken as the same.
    return normalise(a.text) == normalise(b.text) and abs(a.start - b.start) <= max_shift_s


class LocalAgreement:
    """Commit the longest common prefix of the last two hypotheses; committed words are append-only."""

    def __init__(self, *, max_shift_s: float = 2.0) -> None:
        self.max_shift_s = max_shift_s
        self._committed: list[Word] = []
        self._previous: list[Word] = []  # uncommitted tail of the previous hypothesis
        self._latest: list[Word] = []  # uncommitted tail of the latest hypothesis

    @property
    def committed(self) -> list[Word]:
        """Every committed word so far, in order (a copy: callers cannot edit history)."""
        return list(self._committed)

    @property
    def committed_end(self) -> float:
        return self._committed[-1].end if self._committed else 0.0

    def committed_before(self, time: float, *, limit: int) -> list[Word]:
        """The last `limit` committed words ending by `time`, oldest first (cheap on long meetings)."""
        out: list[Word] = []
        for word in reversed(self._committed):
            if len(out) >= limit:
                break
            if word.end <= time:
                out.append(word)
        return out[::-1]

    @property
    def tentative(self) -> list[Word]:
        """What the latest hypothesis says beyond the committed words."""
        return list(self._latest)

    def insert(self, hypothesis: list[Word], *, settled_before: float | None = None) -> list[Word]:
        """Take the next hypothesis; return the words it newly commits (possibly none).

        `settled_before`: also commit the latest hypothesis's words that end before this stream time
        even without agreement. On noisy far-field speech two passes can disagree for many passes in
        a row, and the words then waited for a forced buffer flush (lag p95 ~20 s); a word the model
        has heard several seconds of audio after is as settled as it will get."""
        fresh = self._beyond_committed(hypothesis)
        agreed = 0
        for old, new in zip(self._previous, fresh, strict=False):
            if not _same(old, new, self.max_shift_s):
                break
            agreed += 1
        if settled_before is not None:
            while agreed < len(fresh) and fresh[agreed].end <= settled_before:
                agreed += 1
        # The newer hypothesis saw more audio: keep its spelling, punctuation and times.
        newly = fresh[:agreed]
        self._committed.extend(newly)
        self._latest = fresh[agreed:]
        self._previous = self._latest
        return newly

    def flush(self) -> list[Word]:
        """End of stream: commit the tentative tail as it stands and return it."""
        newly = self._latest
        self._committed.extend(newly)
        self._latest = []
        self._previous = []
        return newly

    def _beyond_committed(self, hypothesis: list[Word]) -> list[Word]:
        """The part of a hypothesis that is not already committed.

        The buffer still holds audio of committed words (it is trimmed only at sentence ends), so
        each hypothesis repeats them: drop words ending by the committed end, then drop a repeat
        of the last 1–5 committed words at the junction, which survives the time filter when the
        re-transcription's times come out a little later. The repeat is dropped only if it starts
        inside the committed audio: a word said again ("the the") starts after it and is kept.
        """
        if not self._committed:
            return list(hypothesis)
        end = self.committed_end
        fresh = [w for w in hypothesis if w.end > end + _END_EPSILON_S]
        if not fresh or fresh[0].start >= end:
            return fresh
        tail = [normalise(w.text) for w in self._committed[-_MAX_NGRAM:]]
        head = [normalise(w.text) for w in fresh[:_MAX_NGRAM]]
        # Longest repeat first: "at 15:31 we" repeated must go whole, not just its last word.
        for n in range(min(len(tail), len(head)), 0, -1):
            if tail[-n:] == head[:n]:
                return fresh[n:]
        return fresh
