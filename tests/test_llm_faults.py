"""LLM faults at the HTTP level, injected by the fault proxy: each becomes the right error kind.

`LLMUnavailable` (retry the same request later; carries Retry-After) for connection refused, a
server killed mid-request, a timeout, HTTP 429 and 5xx; `InvalidAnswer` for answers that stay
unusable. The upstream here is a canned stand-in so these run in milliseconds; the same faults
against the real embedded model are in test_llm_adapter.py and test_live_llm_faults.py.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
import time
from collections.abc import Iterator

import pytest
from pydantic import BaseModel

from assistant.domain.postmortem import MeetingDetails, Postmortem
from assistant.domain.transcript import Segment
from assistant.errors import LLMError
from assistant.export.markdown import render_markdown
from assistant.extraction.extractor import Extractor
from assistant.extraction.llm import InvalidAnswer, LLMClient, LLMUnavailable, retry_after_seconds
from assistant.extraction.prompts import PromptLibrary
from assistant.live.events import LiveEvent, ProposalsExtracted
from assistant.live.workers import ExtractionJob, LlmWorker
from tests.support.canned_llm import CannedLlm
from tests.support.openai_proxy import OpenAIProxy
from tests.support.ports import closed_port_url


class Owner(BaseModel):
    owner: str | None
    due: str | None


MESSAGES = [{"role": "user", "content": "Maria will rotate the certificate by Thursday."}]
GOOD = '{"owner": "Maria", "due": "Thursday"}'


def _client(url: str, retries: int = 0, timeout_s: float = 10.0) -> LLMClient:
    return LLMClient(base_url=url, model="canned", mode="json_object", transport_retries=retries, timeout_s=timeout_s)


@pytest.fixture(scope="module")
def shared_proxy() -> Iterator[OpenAIProxy]:
    with CannedLlm(GOOD) as upstream, OpenAIProxy(upstream.base_url, hang_s=3.0) as p:
        yield p


@pytest.fixture
def proxy(shared_proxy: OpenAIProxy) -> OpenAIProxy:
    shared_proxy.faults.clear()
    shared_proxy.requests.clear()
    shared_proxy.request_times.clear()
    shared_proxy.kills.clear()
    return shared_proxy


@pytest.mark.parametrize(
    ("fault", "message"),
    [("refuse", "cannot reach"), ("500", "LLM server error"), ("429:7", "rate limiting"), ("kill:0.5", "cannot reach")],
)
def test_unavailable_faults_are_retryable_errors(proxy: OpenAIProxy, fault: str, message: str) -> None:
    proxy.faults.append(fault)
    with pytest.raises(LLMUnavailable, match=message) as caught:
        _client(proxy.base_url).complete(MESSAGES, Owner)
    assert caught.value.retry_after_s == (7.0 if fault == "429:7" else None)
    # The very next request (after the restart for "kill") is answered normally.
    if fault.startswith("kill"):
        time.sleep(1.0)
    assert _client(proxy.base_url).complete(MESSAGES, Owner).owner == "Maria"


def test_timeout_is_retryable(proxy: OpenAIProxy) -> None:
    proxy.faults.append("timeout")
    with pytest.raises(LLMUnavailable, match="timed out"):
        _client(proxy.base_url, timeout_s=1.0).complete(MESSAGES, Owner)


def test_killed_server_refuses_until_restarted(proxy: OpenAIProxy) -> None:
    proxy.faults.append("kill:2")
    client = _client(proxy.base_url)
    with pytest.raises(LLMUnavailable):
        client.complete(MESSAGES, Owner)
    time.sleep(0.3)
    with pytest.raises(LLMUnavailable, match="cannot reach"):
        client.complete(MESSAGES, Owner)  # down: connection refused
    time.sleep(2.5)
    assert client.complete(MESSAGES, Owner).owner == "Maria"
    assert len(proxy.kills) == 1


def test_sdk_retry_honours_retry_after(proxy: OpenAIProxy) -> None:
    """With transport retries (the file pipeline), a 429 is retried after the server's Retry-After."""
    proxy.faults.extend(["429:2"])
    assert _client(proxy.base_url, retries=1).complete(MESSAGES, Owner).owner == "Maria"
    gap = proxy.request_times[1] - proxy.request_times[0]
    assert gap >= 1.9, gap


@pytest.mark.parametrize("fault", ["malformed", "length", "refusal"])
def test_bad_answers_are_not_unavailable(proxy: OpenAIProxy, fault: str) -> None:
    proxy.faults.extend([fault, fault])
    with pytest.raises(InvalidAnswer) as caught:
        _client(proxy.base_url).complete(MESSAGES, Owner)
    assert not isinstance(caught.value, LLMUnavailable)


def test_unreachable_server_is_unavailable() -> None:
    with pytest.raises(LLMUnavailable, match="cannot reach"):
        _client(closed_port_url(), timeout_s=2).complete(MESSAGES, Owner)


def test_retry_after_header_forms() -> None:
    now = dt.datetime(2026, 3, 4, 12, 0, 0, tzinfo=dt.UTC)
    assert retry_after_seconds({"retry-after": "12"}) == 12.0
    assert retry_after_seconds({"retry-after-ms": "1500"}) == 1.5
    assert retry_after_seconds({"retry-after": "Wed, 04 Mar 2026 12:00:30 GMT"}, now=now) == 30.0
    assert retry_after_seconds({"retry-after": "Wed, 04 Mar 2026 11:00:00 GMT"}, now=now) == 0.0
    assert retry_after_seconds({"retry-after": "soon"}) is None
    assert retry_after_seconds({"retry-after": "-5"}) == 0.0
    assert retry_after_seconds({}) is None


def test_before_request_hook_runs_and_its_error_propagates(proxy: OpenAIProxy) -> None:
    calls: list[int] = []
    client = _client(proxy.base_url)
    client.before_request = lambda: calls.append(1)
    client.complete(MESSAGES, Owner)
    assert calls == [1]

    def down() -> None:
        raise LLMUnavailable("embedded LLM server died and did not restart: port busy")

    client.before_request = down
    with pytest.raises(LLMUnavailable, match="did not restart"):
        client.complete(MESSAGES, Owner)
    assert len(proxy.requests) == 1


def test_with_transport_retries_keeps_usage_and_hook(proxy: OpenAIProxy) -> None:
    client = _client(proxy.base_url, retries=2)
    client.before_request = lambda: None
    twin = client.with_transport_retries(0)
    assert twin.transport_retries == 0 and twin.before_request is client.before_request
    twin.complete(MESSAGES, Owner)
    assert client.usage.calls == 1


class _FailingExtractor:
    def __init__(self, error: Exception) -> None:
        self.error = error

    def run_window(self, window: object, details: object, known: str = "") -> Postmortem:
        raise self.error


@pytest.mark.parametrize(
    ("error", "unavailable", "retry_after"),
    [
        (LLMUnavailable("LLM server is rate limiting (HTTP 429)", 9.0), True, 9.0),
        (InvalidAnswer("invalid answer after 2 attempts"), False, None),
        (LLMError("LLM server rejected the API key (HTTP 401)"), False, None),
        (RuntimeError("a bug"), False, None),
    ],
)
def test_llm_worker_reports_the_failure_kind(error: Exception, unavailable: bool, retry_after: float | None) -> None:
    events: list[LiveEvent] = []
    done = threading.Event()

    def emit(event: LiveEvent) -> None:
        events.append(event)
        done.set()

    worker = LlmWorker(_FailingExtractor(error), emit)
    worker.start()
    seg = Segment(id=0, start=0.0, end=2.0, text="hello")
    assert worker.submit(ExtractionJob([seg], MeetingDetails(), "", 0.0))
    assert done.wait(5)
    worker.stop()
    [event] = events
    assert isinstance(event, ProposalsExtracted) and not event.status.ok
    assert (event.unavailable, event.retry_after_s) == (unavailable, retry_after)
    # Even a crash answers: the scheduler is never left with a call "in flight" forever.
    assert event.status.error


EMPTY_WINDOW = json.dumps({
    "summary": None, "impact": {k: None for k in ("duration", "users_affected", "revenue", "sla", "tickets")},
    "timeline": [], "whys": [], "systemic_cause": None, "what_worked": [], "what_didnt": [], "decisions": [],
    "action_items": [], "open_questions": [], "follow_up": [],
})  # fmt: skip


def _file_extraction(faults: list[str]) -> tuple[Postmortem, list[float], OpenAIProxy]:
    segments = [Segment(id=i, start=i * 5.0, end=i * 5.0 + 4, text=f"line {i} " + "word " * 30) for i in range(6)]
    waits: list[float] = []
    with CannedLlm(EMPTY_WINDOW) as upstream, OpenAIProxy(upstream.base_url) as proxy:
        proxy.faults.extend(faults)
        extractor = Extractor(_client(proxy.base_url), PromptLibrary(), window_tokens=80, engine="windows")
        extractor.sleep = waits.append
        pm = extractor.extract(segments, MeetingDetails())
    return pm, waits, proxy


def test_file_extraction_retries_windows_lost_to_an_outage_once() -> None:
    # Window 0 rate limited (Retry-After 3), window 1 refused, the rest fine; both retried after 3 s.
    pm, waits, proxy = _file_extraction(["429:3", "refuse"])
    assert len(pm.windows) >= 3 and all(w.ok for w in pm.windows), pm.windows
    assert waits == [3.0]
    assert len(proxy.requests) == len(pm.windows) + 2


def test_file_extraction_marks_a_window_that_stays_unavailable() -> None:
    pm, waits, _ = _file_extraction(["500", "pass", "pass", "pass", "pass", "pass", "500"])
    assert waits == [Extractor.retry_pause_s]
    [failed] = pm.failed_windows
    assert failed.index == 0 and "LLM server error" in (failed.error or "")
    assert "could not be analysed" in render_markdown(pm)


def test_bad_answers_are_not_retried_by_the_file_pipeline() -> None:
    pm, waits, _ = _file_extraction(["malformed", "malformed"])
    assert waits == [] and len(pm.failed_windows) == 1
