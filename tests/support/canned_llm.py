"""A stand-in OpenAI-compatible server that answers every chat request with one fixed message.

Only for fault-injection unit tests: it sits behind `OpenAIProxy` so the client's error handling
and retry timing can be tested in milliseconds. Everything about real answers is tested against the
real embedded model.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class CannedLlm:
    def __init__(self, content: str | Callable[[int], str]) -> None:
        self.content = content
        """The answer, or a function of the call number (1, 2, ...) giving it."""
        self.calls = 0
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    def __enter__(self) -> CannedLlm:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        canned = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length", "0")))
                canned.calls += 1
                content = canned.content if isinstance(canned.content, str) else canned.content(canned.calls)
                body = {
                    "id": f"canned-{canned.calls}",
                    "object": "chat.completion",
                    "created": 0,
                    "model": "canned",
                    "choices": [{"index": 0, "finish_reason": "stop",
                                 "message": {"role": "assistant", "content": content}}],
                    "usage": {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15},
                }  # fmt: skip
                data = json.dumps(body).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        return Handler
