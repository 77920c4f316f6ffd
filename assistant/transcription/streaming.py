"""Live transcription: re-transcribe a growing buffer and commit what two passes agree on.

Headless and single-threaded: the caller (the ASR worker) feeds audio with `insert_audio`, calls
`process()` when `ready`, and `finish()` at the end. The scheme is ufal/whisper_streaming's:
LocalAgreement-2 over hypotheses of the whole buffer, the buffer trimmed at committed sentence
ends, and committed text that scrolled out of the buffer given back as the prompt.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TypedDict

import numpy as np

from assistant.audio.decode import SAMPLE_RATE, Audio
from assistant.domain.transcript import Segment, Word
from assistant.transcription.commit import LocalAgreement
from assistant.transcription.protocol import WordTranscriber
from assistant.transcription.vocabulary import known_terms, snap_segment
from assistant.transcription.whisper import ends_sentence, split_sentences

MAX_LINE_WORDS = 40  # the same cap as the import pipeline's lines


class StreamOptions(TypedDict, total=False):
    """`StreamingTranscriber`'s tuning (see its `__init__`)."""

    beam_size: int | None
    min_step_s: float
    max_step_s: float
    trim_s: float
    max_buffer_s: float
    silence_s: float
    keep_tail_s: float
    pause_s: float
    settle_s: float | None


LIVE_STREAM: StreamOptions = {"min_step_s": 2.0, "settle_s": 4.0}
"""The live engine's options (and the streaming benchmark's default). A 2 s step measured lower WER than
1 s on the real clips and half the CPU."""


@dataclass(frozen=True)
class StreamUpdate:
    """What one `process()`/`finish()` call produced. Times are seconds from the stream start."""

    committed: list[Segment]
    """New finished lines: ids consecutive, never edited or re-sent later."""
    tentative: str
    """Text not in a line yet (committed words of an unfinished sentence + the unconfirmed tail).

    Replaces the previous update's tentative text; never append it."""
    lag_s: float
    """Audio received − the point up to which the transcript is final (see `StreamingTranscriber`).

    Counted on the audio this call had; in real time `compute_s` more has arrived by its return."""
    audio_end_s: float
    committed_end_s: float
    """End of the last committed word (0 before the first)."""
    step_s: float
    """New audio to wait for before the next `process()`."""
    compute_s: float
    """Wall time this call spent in the model."""
    behind: bool = False
    """This step took longer than the audio it consumed: transcription is falling behind real time."""


class StreamingTranscriber:
    """LocalAgreement-2 streaming over a `WordTranscriber` (Whisper, or a test's fake).

    Lag is `audio_end_s − max(committed_end_s, settled)`, where `settled` is the audio end of the
    last pass that left nothing uncommitted: silence after the last word is final too, and a lag
    indicator that climbed through every pause would cry wolf.
    """

    def __init__(
        self,
        transcriber: WordTranscriber,
        *,
        hotwords: Iterable[str] = (),
        snap_terms: Iterable[str] = (),
        first_id: int = 0,
        beam_size: int | None = None,
        min_step_s: float = 1.0,
        max_step_s: float = 8.0,
        trim_s: float = 15.0,
        max_buffer_s: float = 25.0,
        silence_s: float = 5.0,
        keep_tail_s: float = 1.0,
        pause_s: float = 2.0,
        settle_s: float | None = None,
        prompt_chars: int = 200,
        clock: Callable[[], float] = time.perf_counter,
    ) -> None:
        """`trim_s`: trim at a committed sentence end past this buffer length; `max_buffer_s`: trim
        at any committed word past this (Whisper sees 30 s at a time); `silence_s`: drop a buffer
        with this much audio after the last word (keeping `keep_tail_s`); `pause_s`: a gap this long
        between words, or after the last one, ends a line even without a full stop; `settle_s`: commit
        a word once this much audio after it has been heard, agreed on or not (None: agreement only)."""
        self.transcriber = transcriber
        self.hotwords = list(hotwords)
        # Committed lines get the names' spelling (vocabulary.py); `snap_terms` only here, never prompted.
        self._terms = known_terms([*self.hotwords, *snap_terms])
        self.beam_size = beam_size
        self.min_step_s = min_step_s
        self.max_step_s = max_step_s
        self.trim_s = trim_s
        self.max_buffer_s = max_buffer_s
        self.silence_s = silence_s
        self.keep_tail_s = keep_tail_s
        self.pause_s = pause_s
        self.settle_s = settle_s
        self.prompt_chars = prompt_chars
        self._clock = clock
        self._policy = LocalAgreement()
        self._audio: Audio = np.zeros(0, dtype=np.float32)
        self._start = 0  # stream sample index of the buffer's first sample (exact, unlike seconds)
        self._received = 0  # samples received in total
        self._processed = 0  # samples received at the last pass
        self._step = min_step_s
        self._next_id = first_id
        self._line: list[Word] = []  # committed words of the unfinished line
        self._line_ends: list[float] = []  # ends of emitted lines still inside the buffer
        self._settled = 0.0

    # --- feeding ---------------------------------------------------------------------------------

    def insert_audio(self, block: Audio) -> None:
        """Append 16 kHz mono float32 samples (any block size)."""
        block = np.asarray(block, dtype=np.float32).reshape(-1)
        self._audio = np.concatenate([self._audio, block])
        self._received += block.size

    @property
    def audio_end_s(self) -> float:
        return self._received / SAMPLE_RATE

    @property
    def buffer_s(self) -> float:
        return self._audio.size / SAMPLE_RATE

    @property
    def _offset(self) -> float:
        """Stream time of the buffer's first sample: hypothesis times are shifted by it."""
        return self._start / SAMPLE_RATE

    @property
    def step_s(self) -> float:
        return self._step

    @property
    def unprocessed_s(self) -> float:
        return (self._received - self._processed) / SAMPLE_RATE

    @property
    def ready(self) -> bool:
        """Enough new audio arrived for the next pass."""
        return self.unprocessed_s >= self._step

    # --- passes ----------------------------------------------------------------------------------

    def process(self) -> StreamUpdate:
        """Re-transcribe the buffer, commit what the last two passes agree on, trim, adapt the step."""
        new_audio_s = self.unprocessed_s
        compute_s, lines = self._pass()
        behind = self._adapt_step(compute_s, new_audio_s)
        return self._update(lines, compute_s, behind)

    def finish(self) -> StreamUpdate:
        """End of stream: transcribe what is left, commit the tentative tail, close the last line."""
        compute_s, lines = self._pass() if self._received > self._processed else (0.0, [])
        lines += self._commit(self._policy.flush())
        lines += self._close_line()
        self._settled = self.audio_end_s
        return self._update(lines, compute_s, False)

    def _pass(self) -> tuple[float, list[Segment]]:
        self._processed = self._received
        if self._audio.size == 0:
            return 0.0, []
        started = self._clock()
        words = self.transcriber.transcribe_words(
            self._audio, hotwords=self.hotwords, prompt=self._prompt(), beam_size=self.beam_size,
            offset=self._offset,
        )  # fmt: skip
        compute_s = self._clock() - started
        settled = None if self.settle_s is None else self.audio_end_s - self.settle_s
        lines = self._commit(self._policy.insert(words, settled_before=settled))
        audio_end = self.audio_end_s
        if not self._policy.tentative:
            self._settled = audio_end
            # The speaker stopped: show the unfinished sentence as a line rather than hold it.
            if audio_end - self._policy.committed_end > self.pause_s:
                lines += self._close_line()
        lines += self._trim()
        return compute_s, lines

    def _adapt_step(self, compute_s: float, new_audio_s: float) -> bool:
        """Follow 1.5 × compute time: up at once when falling behind, down by at most 25 % a pass.

        A pass costs nearly the same for 1 s or 15 s of audio (Whisper encodes a 30 s window), so
        re-transcribing less often is the only way to keep up on a slow CPU.
        """
        target = min(self.max_step_s, max(self.min_step_s, 1.5 * compute_s))
        self._step = max(target, self._step * 0.75)
        return compute_s > new_audio_s

    # --- lines -----------------------------------------------------------------------------------

    def _commit(self, words: list[Word]) -> list[Segment]:
        """Add newly committed words to the open line; return the lines they complete."""
        lines: list[Segment] = []
        for word in words:
            if self._line and word.start - self._line[-1].end > self.pause_s:
                lines += self._close_line()
            self._line.append(word)
        if not self._line:
            return lines
        groups = split_sentences(self._line, MAX_LINE_WORDS)
        last = groups[-1] if groups else []
        open_line = bool(last) and not (ends_sentence(last[-1]) or len(last) >= MAX_LINE_WORDS)
        self._line = groups.pop() if open_line else []
        return lines + [self._emit(group) for group in groups]

    def _close_line(self) -> list[Segment]:
        groups = split_sentences(self._line, MAX_LINE_WORDS)
        self._line = []
        return [self._emit(group) for group in groups]

    def _emit(self, words: list[Word]) -> Segment:
        segment = snap_segment(Segment(
            id=self._next_id, start=words[0].start, end=words[-1].end,
            text="".join(w.text for w in words).strip(), words=words,
        ), self._terms)  # fmt: skip
        self._next_id += 1
        self._line_ends.append(segment.end)
        return segment

    # --- buffer ----------------------------------------------------------------------------------

    def _trim(self) -> list[Segment]:
        """Keep the buffer short: cost and Whisper's 30 s window both demand it."""
        lines: list[Segment] = []
        committed_end = self._policy.committed_end
        if self.buffer_s > self.trim_s:
            # At a line end, so the next pass starts on a fresh sentence.
            ends = [e for e in self._line_ends if e > self._offset]
            if ends:
                self._cut(ends[-1])
        if self.buffer_s > self.max_buffer_s:
            if committed_end <= self._offset:
                # Nothing agreed on in 25 s of audio: take the latest pass as it is rather than drop it.
                lines += self._commit(self._policy.flush())
                committed_end = self._policy.committed_end
            if committed_end > self._offset:
                self._cut(committed_end)
        audio_end = self.audio_end_s
        quiet_since = max(self._offset, committed_end)
        if not self._policy.tentative and audio_end - quiet_since > self.silence_s:
            # Silence must never accumulate: re-transcribing it costs time and invites hallucination.
            self._cut(audio_end - self.keep_tail_s)
        return lines

    def _cut(self, at: float) -> None:
        at = min(max(at, self._offset), self.audio_end_s)
        drop = round((at - self._offset) * SAMPLE_RATE)
        self._audio = self._audio[drop:]
        self._start += drop
        self._line_ends = [e for e in self._line_ends if e > self._offset]

    def _prompt(self) -> str | None:
        """Committed text that scrolled out of the buffer, ~`prompt_chars` long.

        Only text before the buffer: prompted with words it is about to hear again, Whisper tends
        to skip them.
        """
        committed = self._policy.committed_before(self._offset, limit=64)
        if not committed:
            return None
        text = ""
        for word in reversed(committed):
            if len(text) >= self.prompt_chars:
                break
            text = word.text + text
        return text.strip() or None

    def _update(self, lines: list[Segment], compute_s: float, behind: bool) -> StreamUpdate:
        committed_end = self._policy.committed_end
        audio_end = self.audio_end_s
        return StreamUpdate(
            committed=lines,
            tentative="".join(w.text for w in [*self._line, *self._policy.tentative]).strip(),
            lag_s=max(0.0, audio_end - max(committed_end, self._settled)),
            audio_end_s=audio_end,
            committed_end_s=committed_end,
            step_s=self._step,
            compute_s=compute_s,
            behind=behind,
        )
