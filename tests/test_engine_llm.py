"""The hybrid engine's one LLM call (the summary): faults, redaction, and that items never depend on it.

Fakes stand in for the server here (fault injection); the real model is exercised by the end-to-end
tests (tests/test_engine_e2e.py)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from assistant.domain.postmortem import MeetingDetails
from assistant.domain.transcript import Segment
from assistant.extraction.extractor import Extractor
from assistant.extraction.llm import LLMClient, LLMUnavailable
from assistant.extraction.prompts import PromptLibrary
from assistant.extraction.synthesis import WireSummary

LINES = [
    ("Ana", "At 14:05 the disk on the primary filled up and writes failed."),
    ("Ben", "The outage lasted 40 minutes and about 2,000 users could not log in."),
    ("Ana", "Ben, can you add a disk usage alert? Mail ops@example.com when it is done."),
    ("Ben", "Sure, by Friday."),
    ("Ana", "So the root cause is that nobody owns capacity planning."),
]


def _segments() -> list[Segment]:
    return [Segment(id=i, start=i * 5.0, end=i * 5.0 + 4, text=t, speaker=s) for i, (s, t) in enumerate(LINES)]


class _Down(LLMClient):
    def complete(self, messages: list[dict[str, str]], model: type[BaseModel], name: str = "answer") -> Any:
        self.usage.add(0, 0)
        raise LLMUnavailable("LLM server unreachable")


class _Echo(LLMClient):
    seen: list[list[dict[str, str]]]

    def complete(self, messages: list[dict[str, str]], model: type[BaseModel], name: str = "answer") -> Any:
        self.seen = [*getattr(self, "seen", []), messages]
        self.usage.add(10, 10)
        assert model is WireSummary
        return WireSummary(summary="The disk filled up. Writes failed for 40 minutes. Mail [REDACTED_EMAIL_1].")


def test_an_llm_outage_costs_the_draft_only_the_written_summary() -> None:
    client = _Down(base_url="http://127.0.0.1:9/v1", model="x")
    pm = Extractor(client, PromptLibrary(None)).extract(_segments(), MeetingDetails(attendees=["Ana", "Ben"]))
    assert [a.owner for a in pm.action_items] == ["Ben"] and pm.timeline and pm.impact.duration
    assert pm.summary is not None and "14:05" in pm.summary.text  # composed from the facts by code
    assert pm.windows and all(w.ok for w in pm.windows) and not pm.failed_windows


def test_the_summary_request_is_redacted_and_the_answer_restored() -> None:
    client = _Echo(base_url="http://127.0.0.1:9/v1", model="x", redact=True)
    segments = _segments()
    cause = "So the root cause is that alerts go to ops@example.com, which nobody reads."
    segments[4] = segments[4].model_copy(update={"text": cause})
    pm = Extractor(client, PromptLibrary(None)).extract(segments, MeetingDetails(attendees=["Ana", "Ben"]))
    sent = "\n".join(m["content"] for m in client.seen[0])
    assert "ops@example.com" not in sent and "[REDACTED_EMAIL_1]" in sent
    assert pm.summary is not None and "ops@example.com" in pm.summary.text


def test_the_summary_sees_facts_not_the_transcript_and_no_names() -> None:
    client = _Echo(base_url="http://127.0.0.1:9/v1", model="x")
    Extractor(client, PromptLibrary(None)).extract(_segments(), MeetingDetails(attendees=["Ana", "Ben"]))
    user = client.seen[0][1]["content"]
    assert "<facts>" in user and "can you add" not in user
    assert "Ben" not in user and "Ana" not in user  # a blameless summary cannot name anyone


def test_a_reviewed_summary_is_never_rewritten() -> None:
    client = _Echo(base_url="http://127.0.0.1:9/v1", model="x")
    extractor = Extractor(client, PromptLibrary(None))
    pm = extractor.extract(_segments(), MeetingDetails(attendees=["Ana", "Ben"]))
    assert pm.summary is not None
    pm.summary.text, pm.summary.edited = "Written by the facilitator.", True
    again = extractor.extract(_segments(), MeetingDetails(attendees=["Ana", "Ben"]), draft=pm)
    assert again.summary is not None and again.summary.text == "Written by the facilitator."
