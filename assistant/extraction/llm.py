"""The only module that imports `openai`: structured answers from any OpenAI-compatible server.

Two structured-output modes, because servers differ:
- `json_schema`: the standard `response_format={"type": "json_schema", ...}` (OpenAI, llama-server, vLLM);
- `json_object`: `{"type": "json_object", "schema": ...}` — what llama_cpp.server 0.3.x accepts
  (grammar-constrained); it rejects the standard form with HTTP 500.
`auto` tries the standard form and falls back once the server rejects it.
Every answer is validated into a Pydantic model; an invalid one is sent back with the validation
error a bounded number of times (`reasks`), then `InvalidAnswer` is raised — never a half result.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import email.utils
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar

import openai
from pydantic import BaseModel, ValidationError

from assistant.errors import LLMError

M = TypeVar("M", bound=BaseModel)
Mode = Literal["json_schema", "json_object"]


class InvalidAnswer(LLMError):
    """The model answered, but not with valid output, after the allowed re-asks."""


class LLMUnavailable(LLMError):
    """The server could not answer now (unreachable, timed out, rate limited, 5xx): worth retrying
    the same request later. `retry_after_s` is the server's Retry-After, when it sent one."""

    def __init__(self, message: str, retry_after_s: float | None = None) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s


def retry_after_seconds(headers: Any, now: dt.datetime | None = None) -> float | None:
    """Seconds from a `Retry-After` (delta-seconds or HTTP date) or `retry-after-ms` header; None if
    absent or unreadable. Never negative."""
    if headers is None:
        return None
    try:
        millis = headers.get("retry-after-ms")
        if millis is not None:
            return max(0.0, float(millis) / 1000)
        value = headers.get("retry-after")
    except (AttributeError, ValueError):
        return None
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max(0.0, (when - (now or dt.datetime.now(dt.UTC))).total_seconds())


@dataclass
class Usage:
    prompt_tokens: int = 0
    completion_tokens: int = 0
    calls: int = 0

    def add(self, prompt: int, completion: int) -> None:
        self.prompt_tokens += prompt
        self.completion_tokens += completion
        self.calls += 1


def strict_schema(model: type[BaseModel]) -> dict[str, Any]:
    """The model's JSON Schema in OpenAI strict form: every property required, no extra properties."""
    schema = copy.deepcopy(model.model_json_schema())

    def fix(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") == "object" and "properties" in node:
                node["additionalProperties"] = False
                node["required"] = list(node["properties"])
            node.pop("title", None)
            node.pop("default", None)
            for value in node.values():
                fix(value)
        elif isinstance(node, list):
            for value in node:
                fix(value)

    fix(schema)
    return schema


_FENCE = re.compile(r"^\s*```(?:json)?\s*|\s*```\s*$", re.S)


def parse_answer(content: str, model: type[M]) -> M:
    """Parse text into `model`. llama.cpp grammars can let raw control characters into strings,
    hence `strict=False`; some models wrap JSON in a Markdown fence."""
    text = _FENCE.sub("", content.strip())
    data = json.loads(text, strict=False)
    return model.model_validate(data)


@dataclass
class LLMClient:
    base_url: str
    model: str
    api_key: str = "not-needed"
    mode: Literal["auto", "json_schema", "json_object"] = "auto"
    timeout_s: float = 300.0
    reasks: int = 1
    max_output_tokens: int = 1200
    temperature: float = 0.0
    transport_retries: int = 2
    usage: Usage = field(default_factory=Usage)
    redact: bool = False
    """Callers (the extractor) redact secrets from requests to this server; see extraction/redact.py."""
    before_request: Callable[[], None] | None = None
    """Called before every request, e.g. to restart an embedded server that died (may raise LLMError)."""
    release: Callable[[], None] | None = None
    """Frees the server's memory while no request is expected (the embedded server stops;
    `before_request` starts it again). None for a remote server."""

    def __post_init__(self) -> None:
        # The SDK retries connection errors, 408/409/429 (honouring Retry-After) and 5xx with backoff.
        self._client = openai.OpenAI(
            base_url=self.base_url,
            api_key=self.api_key,
            timeout=self.timeout_s,
            max_retries=self.transport_retries,
        )
        self._resolved: Mode | None = None if self.mode == "auto" else self.mode

    @property
    def resolved_mode(self) -> Mode | None:
        return self._resolved

    def with_transport_retries(self, retries: int) -> LLMClient:
        """A client for the same server whose SDK retries differ (live mode retries windows itself,
        visibly, instead of sleeping silently inside the SDK). Shares usage and the resolved mode."""
        twin = dataclasses.replace(self, transport_retries=retries, usage=self.usage)
        twin._resolved = self._resolved
        return twin

    def release_idle(self) -> None:
        """Call only when no request is in flight: a local server may stop until the next request."""
        if self.release is not None:
            self.release()

    def _response_format(self, mode: Mode, name: str, schema: dict[str, Any]) -> dict[str, Any]:
        if mode == "json_schema":
            return {"type": "json_schema", "json_schema": {"name": name, "schema": schema, "strict": True}}
        return {"type": "json_object", "schema": schema}

    def _create(self, messages: list[dict[str, str]], name: str, schema: dict[str, Any]) -> Any:
        modes: list[Mode] = [self._resolved] if self._resolved else ["json_schema", "json_object"]
        last: Exception | None = None
        if self.before_request is not None:
            self.before_request()
        for mode in modes:
            try:
                # Untyped on purpose: `json_object + schema` is not in the SDK's typed params.
                create: Any = self._client.chat.completions.create
                resp = create(
                    model=self.model,
                    messages=messages,
                    response_format=self._response_format(mode, name, schema),
                    temperature=self.temperature,
                    max_tokens=self.max_output_tokens,
                )
            except (
                openai.BadRequestError,
                openai.InternalServerError,
                openai.UnprocessableEntityError,
            ) as exc:
                # Only the auto probe falls through: a server that rejects the standard format.
                if self._resolved is None and mode == "json_schema" and _rejects_format(exc):
                    last = exc
                    continue
                # A 5xx is the server failing now; a 5xx about the response format is a wrong setting.
                if isinstance(exc, openai.InternalServerError) and not _rejects_format(exc):
                    raise LLMUnavailable(f"LLM server error: {_short(exc)}", _retry_after(exc)) from exc
                raise LLMError(f"LLM server error: {_short(exc)}") from exc
            except openai.AuthenticationError as exc:
                raise LLMError("LLM server rejected the API key (HTTP 401)") from exc
            except openai.APITimeoutError as exc:
                raise LLMUnavailable(f"LLM request timed out after {self.timeout_s:.0f} s") from exc
            except openai.APIConnectionError as exc:
                raise LLMUnavailable(f"cannot reach the LLM server at {self.base_url}") from exc
            except openai.RateLimitError as exc:
                raise LLMUnavailable("LLM server is rate limiting (HTTP 429)", _retry_after(exc)) from exc
            except openai.APIStatusError as exc:
                if exc.status_code in (408, 409) or exc.status_code >= 500:
                    raise LLMUnavailable(f"LLM server error: HTTP {exc.status_code}", _retry_after(exc)) from exc
                raise LLMError(f"LLM server error: HTTP {exc.status_code}") from exc
            self._resolved = mode
            return resp
        raise LLMError(f"LLM server supports neither structured-output mode: {_short(last)}")

    def complete(self, messages: list[dict[str, str]], model: type[M], name: str = "answer") -> M:
        """Ask for an answer of type `model`, re-asking with the error when the answer is invalid."""
        schema = strict_schema(model)
        convo = list(messages)
        error = ""
        for _attempt in range(self.reasks + 1):
            resp = self._create(convo, name, schema)
            if resp.usage is not None:
                self.usage.add(resp.usage.prompt_tokens or 0, resp.usage.completion_tokens or 0)
            choice = resp.choices[0]
            message = choice.message
            content = message.content or ""
            if getattr(message, "refusal", None):
                raise InvalidAnswer(f"the model refused: {_short(message.refusal)}")
            if choice.finish_reason == "length":
                error = "the answer was cut off at the token limit; answer more briefly"
            else:
                try:
                    return parse_answer(content, model)
                except json.JSONDecodeError as exc:
                    error = f"invalid JSON: {exc}"
                except ValidationError as exc:
                    error = "schema violation: " + "; ".join(
                        f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()[:5]
                    )
            convo = [
                *messages,
                {"role": "assistant", "content": content[:2000]},
                {"role": "user", "content": f"Your answer was not valid ({error}). "
                 "Reply again with only one JSON object that matches the schema."},
            ]  # fmt: skip
        raise InvalidAnswer(f"invalid answer after {self.reasks + 1} attempts: {error}")


def _rejects_format(exc: Exception) -> bool:
    text = str(exc).lower()
    return any(k in text for k in ("response_format", "json_schema", "json_object", "'text'"))


def _retry_after(exc: openai.APIStatusError) -> float | None:
    return retry_after_seconds(getattr(exc.response, "headers", None))


def _short(obj: object) -> str:
    return " ".join(str(obj).split())[:200]
