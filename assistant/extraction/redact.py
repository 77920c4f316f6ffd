"""Redact secrets and personal data from text before it is sent to an LLM that is not on this machine.

People read keys, e-mail addresses and phone numbers out loud in incident reviews ("the key was
sk-…", "page me on +44 …"). With a remote LLM configured, the transcript would carry them to a third
party. Each match is swapped for a numbered placeholder (`[REDACTED_EMAIL_1]`; the same value gets
the same placeholder, so the model can still tell two people apart) and the model's answer is mapped
back, so quotes still match the transcript and the postmortem shows what was said. Nothing on disk is
changed: only the request leaves redacted.

On by default for a non-loopback base URL, off for the embedded server and for loopback URLs
(settings `llm.redact = "auto" | "on" | "off"`, flag `--redact`). Pattern-based, so it is a safety net,
not a guarantee: a secret spelled out word by word ("s k dash …") is not recognised.
"""

from __future__ import annotations

import contextlib
import functools
import ipaddress
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, TypeVar
from urllib.parse import urlsplit

from pydantic import BaseModel

from assistant.errors import AssistantError

M = TypeVar("M", bound=BaseModel)

_KEY_CHARS = r"A-Za-z0-9_\-"


def _phone_ok(value: str) -> bool:
    digits = sum(c.isdigit() for c in value)
    if not 9 <= digits <= 15:
        return False
    if re.fullmatch(r"\d{1,3}(?:\.\d{1,3}){3}", value) or re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return False  # an IPv4 address or an ISO date, not a phone number
    # A bare run of digits is more likely a count or an id; phone numbers are written with + or separators.
    return value.startswith("+") or any(c in value for c in " -.()")


def _base64_ok(value: str) -> bool:
    # Long words and snake_case identifiers are not secrets: require digits and mixed case letters.
    return any(c.isdigit() for c in value) and any(c.islower() for c in value) and any(c.isupper() for c in value)


def _secret_ok(value: str) -> bool:
    # "the token is expired": a plain lower-case word after the keyword is prose, not a secret.
    return not value.isalpha() or not value.islower()


@dataclass(frozen=True)
class Rule:
    kind: str
    pattern: re.Pattern[str]
    accept: Callable[[str], bool] | None = None
    """Extra check on a match (regexes alone cannot count digits or rule out dates)."""


# Order matters: specific token formats first, so a GitHub token is not reported as "base64".
RULES: tuple[Rule, ...] = (
    Rule(
        "PRIVATE_KEY", re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----.*?(?:-----END [A-Z ]*PRIVATE KEY-----|\Z)", re.S)
    ),
    Rule("URL_CREDENTIALS", re.compile(r"://(?P<v>[^\s/:@]+:[^\s/@]+)@")),
    Rule("BEARER_TOKEN", re.compile(r"(?i)\bbearer\s+(?P<v>[A-Za-z0-9._~+/=\-]{8,})")),
    Rule("JWT", re.compile(r"\beyJ[" + _KEY_CHARS + r"]{5,}\.[" + _KEY_CHARS + r"]{5,}\.[" + _KEY_CHARS + r"]{5,}")),
    Rule("API_KEY", re.compile(r"\bsk-(?:proj-|ant-|live_|test_)?[" + _KEY_CHARS + r"]{16,}")),
    Rule("AWS_KEY", re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b")),
    Rule("GITHUB_TOKEN", re.compile(r"\b(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{22,})\b")),
    Rule("SLACK_TOKEN", re.compile(r"\bxox[abposr]-[A-Za-z0-9\-]{10,}")),
    Rule("GOOGLE_API_KEY", re.compile(r"\bAIza[0-9A-Za-z_\-]{35}\b")),
    Rule(
        "SECRET",
        # "password: hunter2", "api_key=…", "the token is …": the value after the keyword.
        re.compile(r"(?i)\b(?:password|passwd|pwd|secret|api[_ -]?key|token)(?:\s*[=:]\s*|\s+is\s+)(?P<v>[^\s,;]{6,})"),
        _secret_ok,
    ),
    Rule("EMAIL", re.compile(r"\b[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}\b")),
    Rule("HEX_SECRET", re.compile(r"\b[0-9a-fA-F]{32,}\b")),
    Rule("BASE64_SECRET", re.compile(r"(?<![A-Za-z0-9+/_\-])[A-Za-z0-9+/_\-]{32,}={0,2}"), _base64_ok),
    Rule("PHONE", re.compile(r"(?<![\w.+])\+?\(?\d[\d ().\-]{7,}\d(?!\w|\.\d)"), _phone_ok),
)
"""`(?P<v>…)` marks the part to redact when the match includes context (the keyword, the `://`)."""

_PLACEHOLDER = re.compile(r"\[REDACTED_[A-Z0-9_]+?_\d+\]")


@dataclass
class Redaction:
    """One request's redactions: redact the outgoing text, restore the answer with the same mapping."""

    rules: tuple[Rule, ...] = RULES
    _by_value: dict[str, str] = field(default_factory=dict)
    _by_placeholder: dict[str, str] = field(default_factory=dict)
    _counts: dict[str, int] = field(default_factory=dict)

    @property
    def found(self) -> dict[str, int]:
        """How many distinct values of each kind were redacted (never the values themselves)."""
        return dict(self._counts)

    def redact(self, text: str) -> str:
        for rule in self.rules:
            text = rule.pattern.sub(functools.partial(self._substitute, rule), text)
        return text

    def _substitute(self, rule: Rule, match: re.Match[str]) -> str:
        whole = match.group(0)
        if "v" not in rule.pattern.groupindex:
            return self._replace(rule, whole)
        start, end = match.start("v") - match.start(), match.end("v") - match.start()
        return whole[:start] + self._replace(rule, whole[start:end]) + whole[end:]

    def redact_messages(self, messages: list[dict[str, str]]) -> list[dict[str, str]]:
        return [{**m, "content": self.redact(m["content"])} if "content" in m else m for m in messages]

    def restore(self, text: str) -> str:
        return _PLACEHOLDER.sub(lambda m: self._by_placeholder.get(m.group(0), m.group(0)), text)

    def restore_model(self, model: M) -> M:
        """The same model with every placeholder in its strings mapped back to the original text."""
        if not self._by_placeholder:
            return model
        return type(model).model_validate(self._restore_any(model.model_dump(mode="json")))

    def _restore_any(self, value: Any) -> Any:
        if isinstance(value, str):
            return self.restore(value)
        if isinstance(value, list):
            return [self._restore_any(v) for v in value]
        if isinstance(value, dict):
            return {k: self._restore_any(v) for k, v in value.items()}
        return value

    def _replace(self, rule: Rule, value: str) -> str:
        if _PLACEHOLDER.fullmatch(value) or (rule.accept is not None and not rule.accept(value)):
            return value
        if value not in self._by_value:
            self._counts[rule.kind] = self._counts.get(rule.kind, 0) + 1
            placeholder = f"[REDACTED_{rule.kind}_{self._counts[rule.kind]}]"
            self._by_value[value] = placeholder
            self._by_placeholder[placeholder] = value
        return self._by_value[value]


def redact_text(text: str) -> str:
    """`text` with every recognised secret replaced (for one-off use, e.g. log lines)."""
    return Redaction().redact(text)


@contextlib.contextmanager
def scrubbed_errors(*secrets: str) -> Iterator[None]:
    """Remove `secrets` (the API key) and anything secret-shaped from the message of an AssistantError
    raised inside. Error text quotes the server's reply, which a proxy or a buggy server may fill with
    the request's own Authorization header; that message is shown, logged and stored in the draft."""
    try:
        yield
    except AssistantError as exc:
        text = exc.message
        for secret in secrets:
            if len(secret) >= 8:  # "not-needed" and friends are placeholders, not keys
                text = text.replace(secret, "[REDACTED]")
        exc.args = (redact_text(text), *exc.args[1:])
        raise


def is_loopback_url(url: str) -> bool:
    """True when `url` points at this machine by a literal loopback address or `localhost`.

    No DNS lookup: a name that merely resolves to 127.0.0.1 today may not tomorrow, so it counts as remote.
    """
    host = (urlsplit(url if "//" in url else f"//{url}").hostname or "").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def redaction_enabled(mode: str, base_url: str | None, embedded: bool) -> bool:
    """`on` / `off` as set; `auto` redacts exactly when the text would leave this machine."""
    if mode == "on":
        return True
    if mode == "off":
        return False
    return not embedded and base_url is not None and not is_loopback_url(base_url)
