"""The live extraction focus: a short schema (decisions, action items, open questions) and its own prompt."""

from __future__ import annotations

from typing import Any

from assistant.domain.postmortem import MeetingDetails
from assistant.domain.transcript import Segment
from assistant.extraction.extractor import Extractor
from assistant.extraction.llm import LLMClient, M, strict_schema
from assistant.extraction.prompts import PromptLibrary
from assistant.extraction.schema import WireAction, WireExtraction, WireLiveExtraction, WireNote
from assistant.extraction.windows import make_windows

LINES = [
    "So the alert went to the wrong channel at 12:16.",
    "Tom will add an expiry alert for every public certificate before Friday.",
    "Someone needs to check the other renewal jobs soon.",
    "Who should own certificates in the long run?",
]


class AnsweringClient(LLMClient):
    """Unit-test double (no server): records what it was asked for and answers like a model would."""

    asked: list[tuple[type[Any], list[dict[str, str]]]]

    def complete(self, messages: list[dict[str, str]], model: type[M], name: str = "answer") -> M:
        self.asked = [*getattr(self, "asked", []), (model, messages)]
        answer = WireLiveExtraction(
            decisions=[],
            action_items=[
                WireAction(action="Add an expiry alert", owner="Tom", due="Friday", quote=LINES[1][:40], line=1),
                WireAction(action="Check the other renewal jobs", owner=None, due="soon", quote=LINES[2], line=2),
            ],
            open_questions=[WireNote(text="Who owns certificates?", quote=LINES[3], line=3)],
        )
        if model is WireExtraction:
            return model.model_validate(answer.as_full().model_dump())
        return model.model_validate(answer.model_dump())


def _window() -> Any:
    segments = [Segment(id=n, start=5.0 * n, end=5.0 * n + 4, text=t) for n, t in enumerate(LINES)]
    (window,) = make_windows(segments, 900)
    return window


def test_live_focus_asks_for_the_short_schema_with_its_own_prompt() -> None:
    client = AnsweringClient(base_url="http://127.0.0.1:9/v1", model="none")
    extractor = Extractor(client, PromptLibrary(None), 900, engine="windows").focused("live")
    pm = extractor.run_window(_window(), MeetingDetails(attendees=["Tom", "Lisa"]))
    model, messages = client.asked[0]
    assert model is WireLiveExtraction
    assert set(strict_schema(model)["properties"]) == {"decisions", "action_items", "open_questions"}
    system = messages[0]["content"]
    assert "only three kinds" in system and '"timeline"' not in system and "$" not in system
    assert [a.owner for a in pm.action_items] == ["Tom", None]
    assert [a.evidence.segment_ids for a in pm.action_items] == [[1], [2]]
    assert len(pm.open_questions) == 1 and not pm.timeline and pm.summary is None


def test_full_focus_is_the_default_and_survives_a_client_swap() -> None:
    client = AnsweringClient(base_url="http://127.0.0.1:9/v1", model="none")
    extractor = Extractor(client, PromptLibrary(None), 900, engine="windows")
    extractor.run_window(_window(), MeetingDetails())
    assert client.asked[0][0] is WireExtraction
    assert '"timeline"' in client.asked[0][1][0]["content"]
    live = extractor.focused("live").with_client(client)
    assert live.focus == "live"
    live.run_window(_window(), MeetingDetails())
    assert client.asked[1][0] is WireLiveExtraction


def test_the_live_example_answer_matches_the_live_schema() -> None:
    # The example is what the model imitates: it must itself be a valid answer.
    raw = PromptLibrary(None).raw("live_example_output.json")
    example = WireLiveExtraction.model_validate_json(raw)
    assert example.action_items and example.decisions and example.open_questions
