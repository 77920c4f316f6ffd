"""Engines for the extraction benchmarks, all with the signature `(transcript, details, settings) -> Postmortem`.

- `hybrid`   : what the product ships (`assistant.pipeline.draft_postmortem`): rules + one LLM summary call;
- `rules`    : the same reading without any LLM call (the summary composed by code) — what live shows;
- `windows`  : the previous engine (one large schema per window, answered by the LLM), for comparison
               in the same run.
"""

from __future__ import annotations

from contextlib import ExitStack

from assistant.checks.apply import apply_checks
from assistant.config import Settings
from assistant.domain.postmortem import MeetingDetails, Postmortem
from assistant.domain.transcript import Transcript
from assistant.extraction.factory import open_extractor
from assistant.extraction.rules.detect import read_transcript
from assistant.extraction.synthesis import composed_summary, has_facts, summary_item
from assistant.pipeline import draft_postmortem


def hybrid(transcript: Transcript, details: MeetingDetails, settings: Settings) -> Postmortem:
    return draft_postmortem(transcript, details, settings)


def rules(transcript: Transcript, details: MeetingDetails, settings: Settings) -> Postmortem:
    pm = read_transcript(transcript.segments, details).postmortem
    if has_facts(pm):
        pm.summary = summary_item(composed_summary(pm, details.attendees), pm)
    apply_checks(pm, transcript)
    return pm


def windows(transcript: Transcript, details: MeetingDetails, settings: Settings) -> Postmortem:
    with ExitStack() as stack:
        llm = settings.llm.model_copy(update={"engine": "windows"})
        extractor = open_extractor(settings.model_copy(update={"llm": llm}), stack)
        pm = extractor.extract(transcript.segments, details)
    apply_checks(pm, transcript)
    return pm
