"""Transcribe a recording file (decode → faster-whisper), in pieces so memory does not grow with length.

faster-whisper computes the log-mel features of everything it is given at once; for a whole 2-hour
file that measured 7.1 GB resident (bench/long_meeting.py). The file is therefore decoded as it is
read and transcribed PIECE_S seconds at a time, each piece ending at the quietest half second near
its end (a pause between words, so no word is cut), with times offset to the whole recording.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import closing
from pathlib import Path

import numpy as np

from assistant.audio.decode import SAMPLE_RATE, Audio, duration_hint, iter_decoded, probe_file
from assistant.config import Settings
from assistant.domain.transcript import Segment, Transcript
from assistant.transcription.protocol import ProgressFn, Transcriber
from assistant.transcription.vocabulary import snap_transcript

PIECE_S = 300.0
"""Seconds per piece: features of 5 minutes are ~0.3 GB at most; one boundary per 5 minutes."""
SEARCH_S = 20.0
"""A piece ends at the quietest 0.5 s within its last SEARCH_S seconds."""
_FRAME = SAMPLE_RATE // 10  # energy in 0.1 s frames, compared over 0.5 s


def transcribe_file(
    path: Path,
    settings: Settings,
    hotwords: list[str],
    progress: ProgressFn | None = None,
    transcriber: Transcriber | None = None,
    vocabulary_pass: bool = True,
    snap_terms: Sequence[str] = (),
) -> Transcript:
    """`transcriber`: the speech model to use (default: Whisper as `settings.asr` says, loaded here);
    `vocabulary_pass`: snap near-misses of `hotwords` and `snap_terms` (the archive's: never prompted) to
    their spelling (off only to measure it)."""
    probe_file(path)  # bad input fails before the model loads, with decode_file's one-line errors
    with closing(iter_decoded(path)) as chunks:
        total_hint = duration_hint(path)
        if transcriber is None:
            from assistant.transcription.whisper import WhisperTranscriber

            transcriber = WhisperTranscriber(settings.asr, settings.storage.cache_dir, settings.asr.file_model)
        segments: list[Segment] = []
        language = "en"
        samples = 0
        for start, piece in pieces(chunks):
            offset = start / SAMPLE_RATE
            estimate = max(total_hint or 0.0, (start + piece.size) / SAMPLE_RATE)

            def report(done: float, _total: float, offset: float = offset, estimate: float = estimate) -> None:
                if progress:
                    progress(min(offset + done, estimate), estimate)

            part = transcriber.transcribe(piece, hotwords=hotwords, first_id=len(segments), offset=offset,
                                          progress=report)  # fmt: skip
            if start == 0:
                language = part.language
            segments.extend(part.segments)
            samples = start + piece.size
    duration = samples / SAMPLE_RATE
    if progress:
        progress(duration, duration)
    # Names and terms spelled as the meeting details and config spell them ("Pre-a" → "Priya").
    transcript = Transcript(segments=segments, duration=duration, language=language)
    return snap_transcript(transcript, [*hotwords, *snap_terms]) if vocabulary_pass else transcript


def pieces(
    chunks: Iterator[Audio], piece_s: float | None = None, search_s: float | None = None
) -> Iterator[tuple[int, Audio]]:
    """(first sample, samples) of consecutive pieces covering `chunks` exactly, each ending at a pause."""
    piece_n = int((piece_s or PIECE_S) * SAMPLE_RATE)
    search_n = int((search_s or SEARCH_S) * SAMPLE_RATE)
    pending: list[Audio] = []
    count = 0
    start = 0
    for chunk in chunks:
        pending.append(chunk)
        count += chunk.size
        if count < piece_n:
            continue
        joined = np.concatenate(pending)
        while joined.size >= piece_n:
            cut = quietest_cut(joined, max(_FRAME, piece_n - search_n), piece_n)
            yield start, joined[:cut]
            start += cut
            joined = joined[cut:]
        pending, count = [joined], joined.size
    if count:
        yield start, np.concatenate(pending)


def quietest_cut(audio: Audio, lo: int, hi: int) -> int:
    """A sample index in [lo, hi] at the middle of the quietest 0.5 s there (hi if the span is too short)."""
    first, last = lo // _FRAME, hi // _FRAME
    if last - first < 5:
        return hi
    frames = audio[first * _FRAME : last * _FRAME].reshape(-1, _FRAME)
    energy = np.square(frames, dtype=np.float64).mean(axis=1)
    window = np.convolve(energy, np.ones(5), mode="valid")  # 0.5 s sums
    best = int(np.argmin(window))
    return (first + best + 2) * _FRAME + _FRAME // 2
