"""The transcript as plain text, SubRip (SRT), WebVTT or JSON."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Literal, assert_never

from assistant.domain.transcript import Segment, Transcript
from assistant.export.clock import cue_timestamp, hms
from assistant.export.plaintext import one_line

TranscriptFormat = Literal["txt", "srt", "vtt", "json"]


def render_transcript(t: Transcript, fmt: TranscriptFormat) -> str:
    """Render `t` in `fmt`. Segments with blank text are skipped (an empty cue is invalid in SRT).

    Segment text is flattened to one line: a blank line inside a subtitle cue would end the cue early.
    """
    match fmt:
        case "txt":
            return "".join(f"[{hms(s.start)}] {_labelled(s)}\n" for s in _spoken(t))
        case "srt":
            return _srt(t)
        case "vtt":
            return _vtt(t)
        case "json":
            return t.model_dump_json(indent=2) + "\n"
        case _:
            assert_never(fmt)


def _spoken(t: Transcript) -> Iterator[Segment]:
    # Judged after cleaning: a segment of only control characters would still make an empty cue.
    return (s for s in t.segments if one_line(s.text))


def _labelled(s: Segment) -> str:
    body = one_line(s.text)
    speaker = one_line(s.speaker or "")
    return f"{speaker}: {body}" if speaker else body


def _end(s: Segment) -> float:
    # Players drop or misorder cues that end before they start; bad timings still get a valid cue.
    return max(s.start, s.end)


# Any run of dashes before ">" (a plain replace of "-->" would turn "--->" back into "-->").
_SRT_ARROW = re.compile(r"--+>")


def _srt(t: Transcript) -> str:
    cues = []
    for n, s in enumerate(_spoken(t), start=1):
        # SRT has no escaping; "-->" in the text could be taken for a timing line by lenient parsers.
        text = _SRT_ARROW.sub("->", _labelled(s))
        start, end = cue_timestamp(s.start, decimal=","), cue_timestamp(_end(s), decimal=",")
        cues.append(f"{n}\n{start} --> {end}\n{text}\n")
    return "\n".join(cues)


def _vtt_escape(text: str) -> str:
    # WebVTT cue text is markup: "&" and "<" must be entities; escaping ">" also removes any "-->".
    return one_line(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _vtt(t: Transcript) -> str:
    cues = ["WEBVTT\n"]
    for s in _spoken(t):
        text = _vtt_escape(s.text)
        speaker = _vtt_escape(s.speaker or "")
        voiced = f"<v {speaker}>{text}" if speaker else text
        start, end = cue_timestamp(s.start, decimal="."), cue_timestamp(_end(s), decimal=".")
        cues.append(f"{start} --> {end}\n{voiced}\n")
    return "\n".join(cues)
