"""Running our extractor on a clipped AMI meeting, and what both systems share: the LLM, started only when
some answer is not cached, and the token usage of one run."""

from __future__ import annotations

import os
import time
from contextlib import ExitStack
from typing import Any, Literal

from assistant.config import Settings
from assistant.domain.postmortem import MeetingDetails
from assistant.extraction.factory import make_extractor
from assistant.extraction.llm import LLMClient
from assistant.llm_backend import open_llm
from bench.ami import ClippedMeeting

System = Literal["ours", "windows", "baseline"]
SYSTEMS: tuple[System, ...] = ("ours", "windows", "baseline")
ENGINES: dict[System, Literal["hybrid", "windows"]] = {"ours": "hybrid", "windows": "windows"}
"""The product's engines: `ours` is what ships, `windows` the previous engine (one large schema per window),
kept so the issue's "×1.5 of today's pipeline" is measured in the same run."""


class LazyLLM:
    """Starts the server only when some answer is not cached: a rescoring run needs no LLM."""

    def __init__(self, settings: Settings, stack: ExitStack) -> None:
        self.settings = settings
        self.stack = stack
        self.client: LLMClient | None = None

    def get(self) -> LLMClient:
        if self.client is None:
            print("starting the LLM (embedded server unless configured otherwise)…", flush=True)
            started = time.perf_counter()
            self.client = open_llm(self.settings, self.stack)
            print(f"LLM ready in {time.perf_counter() - started:.1f} s", flush=True)
        return self.client


def usage_delta(client: LLMClient, before: tuple[int, int, int]) -> dict[str, int]:
    u = client.usage
    return {
        "prompt_tokens": u.prompt_tokens - before[0],
        "completion_tokens": u.completion_tokens - before[1],
        "calls": u.calls - before[2],
    }


def usage_now(client: LLMClient) -> tuple[int, int, int]:
    return client.usage.prompt_tokens, client.usage.completion_tokens, client.usage.calls


def run_ours(client: LLMClient, clipped: ClippedMeeting, settings: Settings) -> dict[str, Any]:
    extractor = make_extractor(client, settings)
    started = time.perf_counter()

    def progress(done: int, total: int) -> None:
        print(
            f"    ours: window {done + 1 if done < total else done}/{total} ({time.perf_counter() - started:.0f} s)",
            flush=True,
        )

    before = usage_now(client)
    details = MeetingDetails(attendees=clipped.meeting.letters)
    pm = extractor.extract(clipped.segments, details, progress=progress)
    return {
        "postmortem": pm.model_dump(mode="json"),
        "elapsed_s": round(time.perf_counter() - started, 2),
        "usage": usage_delta(client, before),
        "load_average": round(os.getloadavg()[0], 2),
        "windows": len(pm.windows),
        "failed_windows": len(pm.failed_windows),
    }
