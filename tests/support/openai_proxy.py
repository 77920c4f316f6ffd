"""A small HTTP proxy in front of a real OpenAI-compatible server, for tests.

- `standard_only=True` makes it behave like a server that supports only the standard
  `response_format={"type": "json_schema", ...}`: it checks the request has exactly that shape,
  rewrites it to llama_cpp.server's `json_object + schema`, and rejects `json_object` with HTTP 400.
- `faults` is a queue of faults to inject into the next requests (issue: LLM fault tolerance), one
  per request, in order: "pass" (no fault), "refuse" (close the connection), "timeout" (hang `hang_s`,
  then close), "429" / "429:N" (HTTP 429 with `Retry-After: N`, default 1), "500", and "kill:N": the
  server dies while this request is in flight (the connection drops, new connections are refused) and
  comes back on the same port N seconds later — what a client sees when an LLM server is killed and
  restarted mid-meeting. "malformed" (cut-off JSON), "refusal" and "length" (finish_reason "length")
  are answered by the proxy itself.
- `requests` / `request_times` record every POST body (a copy) and its monotonic arrival time;
  `usages` the upstream's token counts of every answered request.
"""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import time
import urllib.error
import urllib.request
from collections import deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

BAD_ANSWERS: dict[str, tuple[str, str, str | None]] = {
    # fault: (content, finish_reason, refusal)
    "malformed": ('{"summary": "cut', "stop", None),
    "refusal": ("I cannot help with that.", "stop", "I cannot help with that."),
    "length": ('{"summary": "The checkout service', "length", None),
}


def _completion(request: dict[str, Any], content: str, finish_reason: str, refusal: str | None) -> dict[str, Any]:
    message: dict[str, Any] = {"role": "assistant", "content": content}
    if refusal is not None:
        message["refusal"] = refusal
    return {
        "id": "fault", "object": "chat.completion", "created": int(time.time()), "model": request.get("model", ""),
        "choices": [{"index": 0, "message": message, "finish_reason": finish_reason}],
        "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0},
    }  # fmt: skip


class _Server(ThreadingHTTPServer):
    # A kill must not wait for requests still in flight upstream.
    daemon_threads = True
    block_on_close = False


class OpenAIProxy:
    def __init__(self, upstream: str, *, standard_only: bool = False, hang_s: float = 30.0) -> None:
        self.upstream = upstream.rstrip("/")
        self.standard_only = standard_only
        self.hang_s = hang_s
        self.faults: deque[str] = deque()
        self.requests: list[dict[str, Any]] = []
        self.request_times: list[float] = []
        self.usages: list[dict[str, Any]] = []
        """The upstream's `usage` of every answered request (token counts for benchmarks)."""
        self.kills: list[tuple[float, float]] = []
        """(down at, up again at), monotonic."""
        self._lock = threading.Lock()
        self._server = _Server(("127.0.0.1", 0), self._handler())
        self._port = int(self._server.server_address[1])
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._closed = False

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._port}/v1"

    def __enter__(self) -> OpenAIProxy:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        with self._lock:
            self._closed = True
            server = self._server
        server.shutdown()
        server.server_close()

    def _kill_and_restart(self, down_s: float) -> None:
        """Stop listening now (connections refused), listen again on the same port `down_s` later."""
        with self._lock:
            server = self._server
        started = time.monotonic()
        server.shutdown()
        server.server_close()
        time.sleep(down_s)
        with self._lock:
            if self._closed:
                return
            # SO_REUSEADDR (HTTPServer's default) lets the same port be bound again at once.
            self._server = _Server(("127.0.0.1", self._port), self._handler())
            self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
            self._thread.start()
        self.kills.append((started, time.monotonic()))

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def _reply(self, status: int, body: dict[str, Any], headers: dict[str, str] | None = None) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(data)

            def _drop(self) -> None:
                """Close the connection without an answer (what a dying server does)."""
                self.close_connection = True
                with contextlib.suppress(OSError):
                    self.connection.shutdown(socket.SHUT_RDWR)
                self.connection.close()

            def do_GET(self) -> None:
                with urllib.request.urlopen(proxy.upstream + self.path.removeprefix("/v1")) as resp:
                    self._reply(resp.status, json.loads(resp.read()))

            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))))
                proxy.requests.append(json.loads(json.dumps(body)))  # a copy: the body is rewritten below
                proxy.request_times.append(time.monotonic())
                fault = proxy.faults.popleft() if proxy.faults else None
                if fault == "refuse":
                    self._drop()
                    return
                if fault == "timeout":
                    time.sleep(proxy.hang_s)
                    self._drop()
                    return
                if fault and fault.startswith("kill:"):
                    threading.Thread(target=proxy._kill_and_restart, args=(float(fault[5:]),), daemon=True).start()
                    self._drop()
                    return
                if fault and fault.split(":")[0] == "429":
                    retry_after = fault.split(":")[1] if ":" in fault else "1"
                    self._reply(429, {"error": {"message": "rate limited"}}, {"Retry-After": retry_after})
                    return
                if fault == "500":
                    self._reply(500, {"error": {"message": "boom"}})
                    return
                if fault in BAD_ANSWERS:
                    # Answered here, not upstream: the client's handling is under test, and the real
                    # model would spend minutes on 2 cores generating an answer that is thrown away.
                    self._reply(200, _completion(body, *BAD_ANSWERS[fault]))
                    return
                rf = body.get("response_format") or {}
                if proxy.standard_only:
                    if rf.get("type") != "json_schema":
                        self._reply(400, {"error": {"message": "response_format must be json_schema"}})
                        return
                    spec = rf.get("json_schema") or {}
                    if not isinstance(spec.get("schema"), dict) or not spec.get("name"):
                        self._reply(400, {"error": {"message": "json_schema needs name and schema"}})
                        return
                    body["response_format"] = {"type": "json_object", "schema": spec["schema"]}
                req = urllib.request.Request(
                    proxy.upstream + self.path.removeprefix("/v1"),
                    data=json.dumps(body).encode(),
                    headers={"Content-Type": "application/json"},
                )
                try:
                    with urllib.request.urlopen(req, timeout=600) as resp:
                        answer = json.loads(resp.read())
                        status = resp.status
                except urllib.error.HTTPError as exc:
                    self._reply(exc.code, {"error": {"message": exc.read().decode(errors="replace")[:500]}})
                    return
                proxy.usages.append(dict(answer.get("usage") or {}))
                self._reply(status, answer)

        return Handler
