"""The openai adapter against real local servers, in both structured-output modes.

- json_object + schema: the embedded llama_cpp.server itself;
- standard json_schema: the same model behind a proxy that accepts ONLY the standard format
  (it checks the request shape, then forwards in the form llama_cpp understands);
- auto: probes the standard form, and falls back when llama_cpp.server rejects it.
Faults are injected by the proxy to exercise the bounded re-ask.
"""

from __future__ import annotations

import pytest
from pydantic import BaseModel

from assistant.errors import LLMError
from assistant.extraction.embedded import EMBEDDED_MODEL_NAME
from assistant.extraction.llm import InvalidAnswer, LLMClient
from tests.support.openai_proxy import OpenAIProxy

pytestmark = [pytest.mark.slow, pytest.mark.llm]


class Owner(BaseModel):
    owner: str | None
    due: str | None


MESSAGES = [
    {"role": "system", "content": 'Extract the owner and due date. Reply as JSON: {"owner": ..., "due": ...}.'},
    {"role": "user", "content": "Maria will rotate the certificate by Thursday."},
]


def _client(url: str, mode: str, **kw: object) -> LLMClient:
    return LLMClient(base_url=url, model=EMBEDDED_MODEL_NAME, mode=mode, max_output_tokens=60, **kw)  # type: ignore[arg-type]


# What the model answers is its own business: these tests check the transport, the request shape and
# that the answer validated against the schema (`complete` returns the parsed model or raises).


def test_json_object_mode_on_embedded_server(embedded_server: str) -> None:
    answer = _client(embedded_server, "json_object").complete(MESSAGES, Owner)
    assert isinstance(answer, Owner)


def test_standard_json_schema_mode(embedded_server: str) -> None:
    with OpenAIProxy(embedded_server, standard_only=True) as proxy:
        client = _client(proxy.base_url, "json_schema")
        answer = client.complete(MESSAGES, Owner)
    assert isinstance(answer, Owner)
    rf = proxy.requests[-1]["response_format"]
    assert rf["type"] == "json_schema" and rf["json_schema"]["strict"] is True
    assert rf["json_schema"]["schema"]["required"] == ["owner", "due"]


def test_auto_mode_falls_back_to_json_object_on_llama_cpp(embedded_server: str) -> None:
    client = _client(embedded_server, "auto")
    client.complete(MESSAGES, Owner)
    assert client.resolved_mode == "json_object"


def test_auto_mode_keeps_standard_format_where_supported(embedded_server: str) -> None:
    with OpenAIProxy(embedded_server, standard_only=True) as proxy:
        client = _client(proxy.base_url, "auto")
        client.complete(MESSAGES, Owner)
    assert client.resolved_mode == "json_schema"


def test_wrong_mode_for_server_is_a_clear_error(embedded_server: str) -> None:
    with OpenAIProxy(embedded_server, standard_only=True) as proxy, pytest.raises(LLMError, match="LLM server error"):
        _client(proxy.base_url, "json_object", transport_retries=0).complete(MESSAGES, Owner)


def test_malformed_answer_is_reasked_once_then_succeeds(embedded_server: str) -> None:
    with OpenAIProxy(embedded_server) as proxy:
        proxy.faults.append("malformed")
        client = _client(proxy.base_url, "json_object")
        answer = client.complete(MESSAGES, Owner)
    assert isinstance(answer, Owner)
    assert len(proxy.requests) == 2
    # The re-ask carries the validation error back to the model.
    assert "not valid" in proxy.requests[1]["messages"][-1]["content"]


@pytest.mark.parametrize("fault", ["length", "malformed", "refusal"])
def test_persistently_bad_answers_fail_the_call_cleanly(embedded_server: str, fault: str) -> None:
    with OpenAIProxy(embedded_server) as proxy:
        proxy.faults.extend([fault, fault])
        with pytest.raises(InvalidAnswer):
            _client(proxy.base_url, "json_object").complete(MESSAGES, Owner)
    assert len(proxy.requests) == (1 if fault == "refusal" else 2)


def test_unreachable_server_is_one_line_error() -> None:
    from tests.support.ports import closed_port_url

    with pytest.raises(LLMError, match="cannot reach"):
        _client(closed_port_url(), "json_object", transport_retries=0, timeout_s=5).complete(MESSAGES, Owner)
