"""A meeting in another language is drafted by the LLM in that language; an English one by the rules."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from assistant.domain.postmortem import MeetingDetails
from assistant.domain.transcript import Segment, Transcript
from assistant.extraction.extractor import meeting_context
from assistant.extraction.languages import language_name
from assistant.pipeline import draft_postmortem
from tests.support.fakes import FakeChat, fake_settings

EMPTY_WINDOW: dict[str, Any] = {
    "summary": None,
    "impact": {"duration": None, "users_affected": None, "revenue": None, "sla": None, "tickets": None},
    "timeline": [], "whys": [], "systemic_cause": None, "what_worked": [], "what_didnt": [], "decisions": [],
    "action_items": [], "open_questions": [], "follow_up": [],
}  # fmt: skip


class RecordingChat(FakeChat):
    def __init__(self, answers: dict[str, dict[str, Any]]) -> None:
        super().__init__(answers)
        self.prompts: list[str] = []

    def complete(self, messages: list[dict[str, str]], model: Any, name: str = "answer") -> Any:
        self.prompts.append("\n".join(m["content"] for m in messages))
        return super().complete(messages, model, name)


def _transcript(language: str, text: str) -> Transcript:
    return Transcript(segments=[Segment(id=0, start=0, end=4, text=text)], duration=4, language=language)


def test_the_prompt_names_the_language_and_asks_for_it() -> None:
    assert "spoken in German: write every text in German" in meeting_context(MeetingDetails(language="de"))
    assert "spoken in" not in meeting_context(MeetingDetails(language="en"))
    assert language_name("haw") == "the language 'haw'"


def test_a_german_meeting_goes_to_the_llm_told_so(tmp_path: Path) -> None:
    chat = RecordingChat({"postmortem_window": EMPTY_WINDOW})
    text = "Wir haben beschlossen, die Zertifikate automatisch zu erneuern."
    pm = draft_postmortem(_transcript("de", text), MeetingDetails(), fake_settings(tmp_path), client=chat)
    assert "postmortem_window" in chat.events
    assert any("write every text in German" in p for p in chat.prompts)
    assert pm.details.language == "de"


def test_an_english_meeting_is_read_by_the_rules(tmp_path: Path) -> None:
    chat = RecordingChat({})
    text = "We decided to move every certificate to automatic renewal."
    pm = draft_postmortem(_transcript("en", text), MeetingDetails(), fake_settings(tmp_path), client=chat)
    assert "postmortem_window" not in chat.events
    assert [d.text for d in pm.decisions], pm.decisions
