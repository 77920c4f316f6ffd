"""Redaction before a remote LLM: what is recognised, what is left alone, the round trip, when it is on."""

from __future__ import annotations

from pathlib import Path
from typing import TypeVar

import pytest
from pydantic import BaseModel

from assistant.config import LlmSettings
from assistant.domain.postmortem import MeetingDetails
from assistant.domain.transcript import Segment
from assistant.extraction.extractor import Extractor
from assistant.extraction.llm import LLMClient
from assistant.extraction.prompts import PromptLibrary
from assistant.extraction.redact import RULES, Redaction, is_loopback_url, redact_text, redaction_enabled
from assistant.extraction.schema import WireAction, WireExtraction, WireImpact
from assistant.extraction.windows import make_windows

ROOT = Path(__file__).resolve().parents[1]
M = TypeVar("M", bound=BaseModel)

# (kind, secret as it would appear in a transcript line). Fake values in the real formats.
SECRETS = [
    ("EMAIL", "ana.lopez+oncall@payments.example.com"),
    ("API_KEY", "sk-test-SECRET0123456789abcdefXYZ"),
    ("API_KEY", "sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8t"),
    ("AWS_KEY", "AKIAIOSFODNN7EXAMPLE"),
    ("GITHUB_TOKEN", "ghp_16C7e42F292c6912E7710c838347Ae178B4a"),
    ("GITHUB_TOKEN", "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuv"),
    ("SLACK_TOKEN", "xoxb-1234567890-abcdefghijkl"),
    ("GOOGLE_API_KEY", "AIzaSyA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q"),
    ("JWT", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"),
    ("HEX_SECRET", "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"),
    ("BASE64_SECRET", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
    ("PHONE", "+44 20 7946 0958"),
    ("PHONE", "(415) 555-0199"),
    ("PHONE", "415-555-0199"),
    ("PHONE", "+1 415 555 0199."),  # at the end of a sentence
]
CONTEXT_SECRETS = [
    # The keyword stays (the model needs to know a password was mentioned); the value goes.
    ("BEARER_TOKEN", "send it with Bearer abc.DEF-123_456", "abc.DEF-123_456", "Bearer "),
    ("SECRET", "the db password: Hunter2!x", "Hunter2!x", "password: "),
    ("SECRET", "set api_key=Zq8Lm3Pn7", "Zq8Lm3Pn7", "api_key="),
    ("URL_CREDENTIALS", "use https://deploy:s3cr3tpass@git.example.com/repo", "deploy:s3cr3tpass", "https://"),
    ("PRIVATE_KEY", "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\n-----END RSA PRIVATE KEY-----", "MIIEow", ""),
]
# Things a postmortem is full of that must NOT be touched.
INNOCENT = [
    "L12 [01:02:03] At 14:02 the p99 latency hit 2300 ms, 500 errors per second.",
    "The incident INC-2078 started on 2025-04-02 and lasted 40 minutes.",
    "Pod 10.0.12.254 and host 192.168.100.200 were drained; we rolled back to v1.24.3.",
    "About 1,200,000 users and 35 tickets; revenue impact around $12,500.",
    "Sarah will add the retry cap to the worker template by Thursday.",
    "The token is expired and the password is rotated every 90 days.",
    "see commit a1b2c3d and build 20250402 in the checkout_service_connection_pool_settings module",
    'Lee, "the boss" | [/] [bold] `x` <script>alert(1)</script> =SUM(A1)',
]


@pytest.mark.parametrize(("kind", "secret"), SECRETS)
def test_each_secret_is_replaced_by_a_placeholder_of_its_kind(kind: str, secret: str) -> None:
    r = Redaction()
    out = r.redact(f"Ana said: {secret}, please rotate it.")
    assert secret not in out
    assert f"[REDACTED_{kind}_1]" in out and out.startswith("Ana said: ") and out.endswith(", please rotate it.")
    assert r.found == {kind: 1}
    assert r.restore(out) == f"Ana said: {secret}, please rotate it."


@pytest.mark.parametrize(("kind", "text", "secret", "kept"), CONTEXT_SECRETS)
def test_secret_after_a_keyword_is_replaced_and_the_keyword_kept(kind: str, text: str, secret: str, kept: str) -> None:
    r = Redaction()
    out = r.redact(text)
    assert secret not in out and f"[REDACTED_{kind}_1]" in out
    assert kept in out
    assert r.restore(out) == text


@pytest.mark.parametrize("text", INNOCENT)
def test_ordinary_postmortem_text_is_left_alone(text: str) -> None:
    assert redact_text(text) == text


def test_every_rule_is_exercised_by_these_tests() -> None:
    covered = {k for k, _ in SECRETS} | {k for k, *_ in CONTEXT_SECRETS}
    assert covered == {rule.kind for rule in RULES}


def test_same_value_same_placeholder_different_values_numbered() -> None:
    r = Redaction()
    out = r.redact("mail ana@example.com, ben@example.com, then ana@example.com again")
    assert out == "mail [REDACTED_EMAIL_1], [REDACTED_EMAIL_2], then [REDACTED_EMAIL_1] again"
    assert r.found == {"EMAIL": 2}


def test_placeholders_the_model_invents_or_mangles_stay_as_they_are() -> None:
    r = Redaction()
    r.redact("ana@example.com")
    assert r.restore("[REDACTED_EMAIL_1] and [REDACTED_EMAIL_7] and [REDACTED_EMAIL_1") == (
        "ana@example.com and [REDACTED_EMAIL_7] and [REDACTED_EMAIL_1"
    )


class Nested(BaseModel):
    quote: str
    owners: list[str]
    extra: dict[str, str]
    n: int


def test_restore_model_maps_back_every_string_field() -> None:
    r = Redaction()
    red = r.redact("ana@example.com +1 415 555 0199")
    a, b = red.split(" ", 1)
    restored = r.restore_model(Nested(quote=f"mail {a}", owners=[a, "Ben"], extra={"k": b}, n=3))
    assert restored == Nested(
        quote="mail ana@example.com", owners=["ana@example.com", "Ben"], extra={"k": "+1 415 555 0199"}, n=3
    )


def test_the_bundled_prompts_have_nothing_to_redact() -> None:
    """A redaction pass over the system prompt would change the worked example the model learns from."""
    for path in (ROOT / "prompts").iterdir():
        text = path.read_text(encoding="utf-8")
        assert redact_text(text) == text, path.name


@pytest.mark.parametrize(
    ("url", "loopback"),
    [
        ("http://127.0.0.1:8080/v1", True),
        ("http://127.8.9.10/v1", True),
        ("http://localhost:11434/v1", True),
        ("http://LOCALHOST/v1", True),
        ("http://[::1]:8000/v1", True),
        ("https://api.openai.com/v1", False),
        ("http://192.168.1.20:11434/v1", False),
        ("http://192.0.2.2:8080/v1", False),
        ("http://localhost.evil.example/v1", False),
        ("http://127.0.0.1.nip.io/v1", False),
    ],
)
def test_loopback_detection_needs_a_literal_loopback_address(url: str, loopback: bool) -> None:
    assert is_loopback_url(url) is loopback


def test_auto_redacts_exactly_when_text_leaves_the_machine() -> None:
    assert redaction_enabled("auto", None, embedded=True) is False
    assert redaction_enabled("auto", "http://127.0.0.1:9/v1", embedded=False) is False
    assert redaction_enabled("auto", "https://api.openai.com/v1", embedded=False) is True
    assert redaction_enabled("on", None, embedded=True) is True
    assert redaction_enabled("off", "https://api.openai.com/v1", embedded=False) is False
    assert LlmSettings().redact == "auto"


class RecordingClient(LLMClient):
    """Unit-test double (no server): records the messages and answers with a quote of the line that
    mentions "rotate", as a model quoting its evidence would, placeholders and all."""

    seen: list[list[dict[str, str]]]

    def complete(self, messages: list[dict[str, str]], model: type[M], name: str = "answer") -> M:
        self.seen = [*getattr(self, "seen", []), messages]
        line = next(ln for ln in messages[-1]["content"].splitlines() if "rotate" in ln)
        action = WireAction(action="Rotate the key", owner="Ana", due="Friday", quote=line.split("] ", 1)[1], line=1)
        empty = WireImpact(duration=None, users_affected=None, revenue=None, sla=None, tickets=None)
        answer = WireExtraction(
            summary=None, impact=empty, timeline=[], whys=[], systemic_cause=None, what_worked=[], what_didnt=[],
            decisions=[], action_items=[action], open_questions=[], follow_up=[],
        )  # fmt: skip
        return model.model_validate(answer.model_dump())


LINE = "Ana: rotate sk-test-SECRET0123456789abcdefXYZ and mail ops@example.com by Friday"


@pytest.mark.parametrize("redact", [True, False])
def test_extractor_redacts_requests_and_restores_the_answer(redact: bool) -> None:
    client = RecordingClient(base_url="http://127.0.0.1:9/v1", model="none", redact=redact)
    extractor = Extractor(client, PromptLibrary(None), 900, engine="windows")
    seg = Segment(id=1, start=0.0, end=4.0, text=LINE)
    (window,) = make_windows([seg], 900)
    pm = extractor.run_window(window, MeetingDetails(attendees=["Ana"]))
    sent = "\n".join(m["content"] for m in client.seen[0])
    assert ("sk-test-SECRET" in sent) is (not redact)
    assert ("ops@example.com" in sent) is (not redact)
    if redact:
        assert "[REDACTED_API_KEY_1]" in sent and "[REDACTED_EMAIL_1]" in sent
    # Either way the draft quotes what was really said, so evidence matching still works.
    assert any(LINE.split(": ", 1)[1] in a.evidence.quote for a in pm.action_items)
