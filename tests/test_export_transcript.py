"""Transcript exports: plain text, SRT and WebVTT timestamps and escaping, JSON round trip."""

from __future__ import annotations

import re

import pytest

from assistant.domain.transcript import Segment, Transcript
from assistant.export.transcript import TranscriptFormat, render_transcript


def transcript() -> Transcript:
    return Transcript(
        segments=[
            Segment(id=0, start=1.0, end=3.5, text=" We rolled back at 15:11.", speaker="S1"),
            Segment(id=1, start=62.25, end=64.0, text="   "),  # blank: skipped
            Segment(id=4, start=62.3, end=64.0, text="\x07\n", speaker="S2"),  # blank once cleaned
            Segment(id=2, start=62.5, end=65.0016, text="Arrow --> and <b>tags</b> & more\nsecond line"),
            Segment(id=3, start=3723.4567, end=3725.0, text="Past the hour.", speaker="Dana <lead>"),
        ],
        duration=3725.0,
    )


def test_txt() -> None:
    assert render_transcript(transcript(), "txt") == (
        "[00:00:01] S1: We rolled back at 15:11.\n"
        "[00:01:02] Arrow --> and <b>tags</b> & more second line\n"
        "[01:02:03] Dana <lead>: Past the hour.\n"
    )


def test_srt() -> None:
    assert render_transcript(transcript(), "srt") == (
        "1\n"
        "00:00:01,000 --> 00:00:03,500\n"
        "S1: We rolled back at 15:11.\n"
        "\n"
        "2\n"
        "00:01:02,500 --> 00:01:05,002\n"
        "Arrow -> and <b>tags</b> & more second line\n"
        "\n"
        "3\n"
        "01:02:03,457 --> 01:02:05,000\n"
        "Dana <lead>: Past the hour.\n"
    )


def test_vtt() -> None:
    assert render_transcript(transcript(), "vtt") == (
        "WEBVTT\n"
        "\n"
        "00:00:01.000 --> 00:00:03.500\n"
        "<v S1>We rolled back at 15:11.\n"
        "\n"
        "00:01:02.500 --> 00:01:05.002\n"
        "Arrow --&gt; and &lt;b&gt;tags&lt;/b&gt; &amp; more second line\n"
        "\n"
        "01:02:03.457 --> 01:02:05.000\n"
        "<v Dana &lt;lead&gt;>Past the hour.\n"
    )


@pytest.mark.parametrize("text", ["a --> b", "a ---> b", "a -----> b", "-->-->"])
@pytest.mark.parametrize("fmt", ["srt", "vtt"])
def test_arrow_never_appears_in_cue_text(fmt: TranscriptFormat, text: str) -> None:
    t = Transcript(segments=[Segment(id=0, start=0, end=1, text=text, speaker="x --> y")])
    out = render_transcript(t, fmt)
    timing_lines = [line for line in out.splitlines() if "-->" in line]
    assert len(timing_lines) == 1
    assert re.fullmatch(r"\d\d:\d\d:\d\d[,.]\d\d\d --> \d\d:\d\d:\d\d[,.]\d\d\d", timing_lines[0])


def test_cue_end_never_before_start() -> None:
    t = Transcript(segments=[Segment(id=0, start=5.0, end=4.0, text="odd timing")])
    assert "00:00:05,000 --> 00:00:05,000" in render_transcript(t, "srt")


def test_empty_transcript() -> None:
    t = Transcript()
    assert render_transcript(t, "txt") == ""
    assert render_transcript(t, "srt") == ""
    assert render_transcript(t, "vtt") == "WEBVTT\n"


def test_json_round_trips() -> None:
    t = transcript()
    assert Transcript.model_validate_json(render_transcript(t, "json")) == t
