"""The real embedded llama.cpp server's lifecycle as `open_llm` wires it: a paused server frees its
memory and the next request starts it again on the same URL; a server killed under us (OOM killer,
kill -9) is restarted by the next request and counted; a stopped one stays stopped."""

from __future__ import annotations

import os
import signal
import threading
import time
import urllib.error
import urllib.request
from contextlib import ExitStack

import pytest
from pydantic import BaseModel

from assistant.config import Settings
from assistant.extraction.embedded import EmbeddedServer
from assistant.extraction.llm import LLMClient
from assistant.llm_backend import open_llm

pytestmark = [pytest.mark.llm, pytest.mark.timeout(600)]

MESSAGES = [{"role": "user", "content": 'Maria will rotate the certificate. Answer as JSON {"owner": "..."}.'}]


class Owner(BaseModel):
    owner: str


def _answers(client: LLMClient) -> bool:
    """The server answered with JSON that fits the schema (what it says is the model's business)."""
    return isinstance(client.complete(MESSAGES, Owner), Owner)


def _listening(base_url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{base_url}/models", timeout=5) as resp:
            return bool(resp.status == 200)
    except (urllib.error.URLError, OSError):
        return False


def _rss_mb(pid: int) -> int:
    with open(f"/proc/{pid}/status") as f:
        return next(int(ln.split()[1]) // 1024 for ln in f if ln.startswith("VmRSS"))


def test_pause_kill_and_stop(settings: Settings) -> None:
    with ExitStack() as stack:
        client = open_llm(settings, stack)
        server = client.release.__self__  # type: ignore[union-attr]  # the bound EmbeddedServer.pause
        assert isinstance(server, EmbeddedServer)
        url = client.base_url
        assert _answers(client)
        assert server.proc is not None
        first_pid = server.proc.pid
        assert _rss_mb(first_pid) > 500  # the model is loaded into this process

        client.release_idle()
        assert server.proc is None
        assert not os.path.exists(f"/proc/{first_pid}/status")  # its memory is given back
        assert not _listening(url)

        assert _answers(client)  # started again on the same URL
        assert server.base_url == url and _listening(url)
        assert server.restarts == 0  # a pause is not a crash

        assert server.proc is not None
        os.kill(server.proc.pid, signal.SIGKILL)
        server.proc.wait(timeout=10)
        assert _answers(client)
        assert server.restarts == 1 and _listening(url)

        # Live mode restarts it from a worker thread that then ends: the server must outlive it
        # (PR_SET_PDEATHSIG follows the forking thread, so every fork happens on one launcher thread).
        client.release_idle()
        worker = threading.Thread(target=server.ensure_running)
        worker.start()
        worker.join()
        assert server.proc is not None
        time.sleep(2)
        assert server.proc.poll() is None and _listening(url)

    # The stack stopped it: nothing restarts a stopped server.
    assert server.proc is None and not _listening(url)
    server.ensure_running()
    assert server.proc is None
