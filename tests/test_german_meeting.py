"""A German meeting end to end (real Whisper base, the real embedded LLM): the transcript is German and
so is every drafted item — told to the LLM, never translated. Which items the 1.5B model drafts varies
(the benchmarks measure that); what is asserted is the language of whatever it drafted, and that it
drafted something from a meeting that says a decision and an action item outright."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from assistant.domain.postmortem import Postmortem
from assistant.extraction.embedded import EMBEDDED_MODEL_NAME
from tests.support.cli import ROOT, run_cli

pytestmark = [pytest.mark.slow, pytest.mark.llm, pytest.mark.timeout(1800)]

MEETING = ROOT / "fixtures" / "languages" / "de-zertifikat" / "meeting.flac"
# The commonest function words of each language: a German sentence has several of the first and hardly
# any of the second (and the reverse), whatever the model writes about.
GERMAN = {"der", "die", "das", "und", "ist", "nicht", "wir", "ich", "ein", "eine", "für", "zu", "den", "mit",
          "bis", "von", "alle", "werden", "wurde", "hat", "haben", "auf", "im", "am", "des", "noch"}  # fmt: skip
ENGLISH = {"the", "and", "is", "not", "we", "will", "a", "an", "for", "to", "of", "with", "by", "all", "was",
           "has", "have", "on", "in", "at", "be", "who", "what", "should"}  # fmt: skip


def reads_as_german(text: str) -> bool:
    words = re.findall(r"[a-zäöüß]+", text.lower())
    return sum(w in GERMAN for w in words) > sum(w in ENGLISH for w in words)


def test_reads_as_german_tells_the_languages_apart() -> None:
    assert reads_as_german("Wir haben beschlossen, alle Zertifikate automatisch zu erneuern.")
    assert not reads_as_german("We decided to renew all certificates automatically.")


def test_a_german_meeting_gives_a_german_draft(embedded_server: str, tmp_path: Path) -> None:
    # The run's embedded server (the bundled model, already loaded) through its OpenAI-compatible URL.
    proc = run_cli("process", str(MEETING), "-o", str(tmp_path), "--asr-model", "bundled:base",
                   "--language", "auto", "--attendees", "Anna,Jonas", "--meeting-date", "2025-03-12",
                   "--no-speakers", "--llm-url", embedded_server, "--llm-model", EMBEDDED_MODEL_NAME,
                   "--structured-output", "json_object", env={"ASSISTANT_LLM__TIMEOUT_S": "1500"},
                   timeout=1500)  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-2000:]
    transcript = json.loads((tmp_path / "meeting.transcript.json").read_text())
    assert transcript["language"] == "de"
    assert reads_as_german(" ".join(s["text"] for s in transcript["segments"]))
    pm = Postmortem.model_validate_json((tmp_path / "meeting.postmortem.json").read_text())
    assert pm.details.language == "de"
    items = [i for i in pm.all_items() if i.main_text().strip()]
    assert pm.decisions or pm.action_items or pm.open_questions, "nothing drafted from an explicit meeting"
    english = [i.main_text() for i in items if not reads_as_german(i.main_text()) and len(i.main_text().split()) > 3]
    assert not english, english
