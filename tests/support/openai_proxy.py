"""A small HTTP proxy in front of a real OpenAI-compatible server, for tests.

- `standard_only=True` makes it behave like a server that supports only the standard
  `response_format={"type": "json_schema", ...}`: it checks the request has exactly that shape,
  rewrites it to llama_cpp.server's `json_object + schema`, and rejects `json_object` with HTTP 400.
- `faults` is a queue of faults to inject into the next requests (issue: LLM fault tolerance):
  "refuse" (close the connection), "timeout" (hang), "429", "500", "malformed", "refusal", "length".
"""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.request
from collections import deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class OpenAIProxy:
    def __init__(self, upstream: str, *, standard_only: bool = False) -> None:
        self.upstream = upstream.rstrip("/")
        self.standard_only = standard_only
        self.faults: deque[str] = deque()
        self.requests: list[dict[str, Any]] = []
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    def __enter__(self) -> OpenAIProxy:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

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

            def do_GET(self) -> None:
                with urllib.request.urlopen(proxy.upstream + self.path.removeprefix("/v1")) as resp:
                    self._reply(resp.status, json.loads(resp.read()))

            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))))
                proxy.requests.append(json.loads(json.dumps(body)))  # a copy: the body is rewritten below
                fault = proxy.faults.popleft() if proxy.faults else None
                if fault == "refuse":
                    self.close_connection = True
                    self.connection.close()
                    return
                if fault == "timeout":
                    time.sleep(30)
                    return
                if fault == "429":
                    self._reply(429, {"error": {"message": "rate limited"}}, {"Retry-After": "1"})
                    return
                if fault == "500":
                    self._reply(500, {"error": {"message": "boom"}})
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
                choice = answer["choices"][0]
                if fault == "malformed":
                    choice["message"]["content"] = '{"summary": "cut'
                elif fault == "refusal":
                    choice["message"]["content"] = "I cannot help with that."
                    choice["message"]["refusal"] = "I cannot help with that."
                elif fault == "length":
                    choice["finish_reason"] = "length"
                self._reply(status, answer)

        return Handler
