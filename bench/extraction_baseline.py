"""The baseline: one plain prompt with the whole clipped transcript, cut to fit the context, in json_object
mode; no rules, no example, no windows, no checks."""

from __future__ import annotations

import json
import os
import time
import urllib.request
from collections.abc import Callable, Sequence
from typing import Any

from pydantic import BaseModel

from assistant.config import Settings
from assistant.errors import LLMError
from assistant.extraction.extractor import fmt_clock
from assistant.extraction.llm import LLMClient
from assistant.extraction.windows import estimate_tokens
from bench.ami import ClippedMeeting
from bench.extraction_runs import usage_delta, usage_now

CONTEXT_MARGIN = 48
"""Tokens kept free for the chat template's role markers around the baseline's two messages."""

BASELINE_SYSTEM = (
    "You read a meeting transcript and list the decisions the meeting made and the action items "
    "(tasks someone must do after the meeting). Reply with one JSON object: "
    '{"decisions": [string], "action_items": [{"text": string, "owner": string or null}]}. '
    "Speakers are labelled with letters; an action item's owner is the letter of the speaker "
    "responsible, or null."
)
BASELINE_USER = "Transcript:\n{transcript}\n\nReply with the JSON object."


class BaselineAction(BaseModel):
    text: str
    owner: str | None


class BaselineAnswer(BaseModel):
    decisions: list[str]
    action_items: list[BaselineAction]


class TokenCounter:
    """Real token counts from llama_cpp.server's /extras/tokenize/count; a padded estimate elsewhere."""

    def __init__(self, client: LLMClient) -> None:
        self.url = client.base_url.rstrip("/").removesuffix("/v1") + "/extras/tokenize/count"
        self.exact = True

    def __call__(self, text: str) -> int:
        if self.exact:
            body = json.dumps({"input": text}).encode()
            request = urllib.request.Request(self.url, body, {"Content-Type": "application/json"})
            try:
                with urllib.request.urlopen(request, timeout=60) as resp:
                    return int(json.loads(resp.read())["count"])
            except (OSError, ValueError, KeyError):
                self.exact = False  # not llama_cpp.server: estimate from here on
        return int(estimate_tokens(text) * 1.25)  # padded: AMI's disfluent speech tokenises badly


def baseline_messages(lines: Sequence[str]) -> list[dict[str, str]]:
    return [
        {"role": "system", "content": BASELINE_SYSTEM},
        {"role": "user", "content": BASELINE_USER.format(transcript="\n".join(lines))},
    ]


def fit_lines(lines: Sequence[str], budget: int, tokens: Callable[[str], int]) -> int:
    """How many leading lines fit in `budget` prompt tokens (binary search over real token counts)."""

    def cost(k: int) -> int:
        return sum(tokens(m["content"]) for m in baseline_messages(lines[:k])) + CONTEXT_MARGIN

    if cost(len(lines)) <= budget:
        return len(lines)
    lo, hi = 0, len(lines)  # cost(lo) fits, cost(hi) does not
    while hi - lo > 1:
        mid = (lo + hi) // 2
        lo, hi = (mid, hi) if cost(mid) <= budget else (lo, mid)
    return lo


def run_baseline(client: LLMClient, clipped: ClippedMeeting, settings: Settings) -> dict[str, Any]:
    lines = [f"[{fmt_clock(s.start)}] {s.speaker}: {s.text}" for s in clipped.segments]
    budget = settings.llm.n_ctx - settings.llm.max_output_tokens
    tokens = TokenCounter(client)
    kept = fit_lines(lines, budget, tokens)
    prompt_tokens = sum(tokens(m["content"]) for m in baseline_messages(lines[:kept])) + CONTEXT_MARGIN
    full_tokens = sum(tokens(m["content"]) for m in baseline_messages(lines)) + CONTEXT_MARGIN
    kept_until = clipped.segments[kept].start if kept < len(clipped.segments) else clipped.end
    print(
        f"    baseline: {kept}/{len(lines)} lines fit ({prompt_tokens}/{full_tokens} prompt tokens, "
        f"budget {budget}{'' if tokens.exact else ', estimated'})",
        flush=True,
    )
    before = usage_now(client)
    started = time.perf_counter()
    answer: BaselineAnswer | None = None
    error = None
    try:
        answer = client.complete(baseline_messages(lines[:kept]), BaselineAnswer, name="meeting_items")
    except LLMError as exc:
        error = exc.message if hasattr(exc, "message") else str(exc)
        print(f"    baseline failed: {error}", flush=True)
    return {
        "answer": answer.model_dump() if answer else None,
        "error": error,
        "elapsed_s": round(time.perf_counter() - started, 2),
        "usage": usage_delta(client, before),
        "load_average": round(os.getloadavg()[0], 2),
        "truncation": {
            "lines_total": len(lines),
            "lines_kept": kept,
            "prompt_tokens": prompt_tokens,
            "full_prompt_tokens": full_tokens,
            "budget_tokens": budget,
            "exact_token_counts": tokens.exact,
            "seconds_dropped": round(max(clipped.end - kept_until, 0.0), 1),
        },
    }
