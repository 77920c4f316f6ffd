"""The extraction engine: transcript -> postmortem draft.

`hybrid` (the default): code reads every line (rules in `assistant.extraction.rules`: sentences, cue
phrases, who answered whom, spoken times and figures) and builds every item with the lines it came
from, in milliseconds; the LLM is asked only for what code cannot write — the incident summary, once
per meeting over the facts already found. `windows`: the previous engine, one large schema per
transcript window answered by the LLM (kept for comparison in the benchmarks and for large remote
models).
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable, Sequence
from typing import Literal

from assistant.domain.postmortem import MeetingDetails, Postmortem, ReviewStatus, WindowStatus
from assistant.domain.transcript import Segment
from assistant.errors import LLMError
from assistant.extraction.client import ChatClient
from assistant.extraction.convert import clean, wire_to_postmortem
from assistant.extraction.languages import language_name
from assistant.extraction.llm import LLMUnavailable
from assistant.extraction.merge import drop_unsupported, merge_into
from assistant.extraction.prompts import PromptLibrary
from assistant.extraction.redact import Redaction, scrubbed_errors
from assistant.extraction.rules.detect import meeting_names, read_transcript
from assistant.extraction.schema import WireExtraction, WireLiveExtraction
from assistant.extraction.synthesis import (
    WireSummary,
    composed_summary,
    context_line,
    has_facts,
    names_in,
    summary_facts,
    summary_item,
    summary_messages,
    trim_summary,
)
from assistant.extraction.windows import Window, make_windows

log = logging.getLogger(__name__)

WindowProgress = Callable[[int, int], None]
Focus = Literal["full", "live"]
Engine = Literal["hybrid", "windows"]
"""`full`: every postmortem section (file import, final pass). `live`: decisions, action items and open
questions only, a short answer so items surface while people are still in the room."""
_PROMPTS: dict[Focus, tuple[str, str]] = {
    "full": ("extract_system.txt", "example_output.json"),
    "live": ("live_system.txt", "live_example_output.json"),
}
_FENCE_TAG = re.compile(r"</(?=\s*transcript)", re.I)


def fmt_clock(seconds: float) -> str:
    s = int(seconds)
    return f"{s // 3600}:{s % 3600 // 60:02d}:{s % 60:02d}" if s >= 3600 else f"{s // 60:02d}:{s % 60:02d}"


def transcript_lines(segments: Sequence[Segment]) -> str:
    """One numbered line per segment; the number is the segment id, so answers point back at evidence."""
    lines = []
    for seg in segments:
        who = f"{clean(seg.speaker)}: " if seg.speaker else ""
        # The prompt fences the transcript in <transcript> tags: speech must not be able to close them.
        text = _FENCE_TAG.sub("< /", clean(seg.text))
        lines.append(f"L{seg.id} [{fmt_clock(seg.start)}] {_FENCE_TAG.sub('< /', who)}{text}")
    return "\n".join(lines)


def known_items(pm: Postmortem, limit: int = 25) -> str:
    """A compact list of what is already proposed, newest last, for the live prompt."""
    lines: list[str] = []
    for d in pm.decisions:
        lines.append(f"- decision: {clean(d.text)}")
    for a in pm.action_items:
        owner = f" (owner {clean(a.owner)})" if a.owner else ""
        due = f" (due {clean(a.due)})" if a.due else ""
        lines.append(f"- action item: {clean(a.action)}{owner}{due}")
    for q in pm.open_questions:
        lines.append(f"- open question: {clean(q.text)}")
    return "\n".join(lines[-limit:])


def meeting_context(details: MeetingDetails) -> str:
    parts = []
    if details.date:
        parts.append(f"held on {details.date.isoformat()} ({details.date.strftime('%A')})")
    if details.attendees:
        parts.append("attendees: " + ", ".join(clean(a) for a in details.attendees))
    if details.incident_id:
        parts.append(f"incident {clean(details.incident_id)}")
    if details.severity:
        parts.append(f"severity {clean(details.severity)}")
    if details.language and details.language != "en":
        name = language_name(details.language)
        # Items in the meeting's own language: a German team reviews German items, and a translation by
        # a 1.5B model would no longer match the quotes it must cite.
        parts.append(f"spoken in {name}: write every text in {name}, as it was said")
    return "; ".join(parts) or "incident postmortem"


class Extractor:
    retry_pause_s = 10.0
    """File extraction: pause before the one retry of windows lost to an unavailable server."""

    def __init__(
        self,
        client: ChatClient,
        prompts: PromptLibrary,
        window_tokens: int = 900,
        focus: Focus = "full",
        engine: Engine = "hybrid",
    ) -> None:
        self.client = client
        self.prompts = prompts
        self.window_tokens = window_tokens
        self.focus: Focus = focus
        self.engine: Engine = engine
        self.last_unavailable: LLMUnavailable | None = None
        """Why the last `extract_window` failed, when the server was unavailable."""
        self.sleep: Callable[[float], None] = time.sleep

    def messages(self, window: Window, details: MeetingDetails, known: str = "") -> list[dict[str, str]]:
        system_file, example_file = _PROMPTS[self.focus]
        system = self.prompts.render(
            system_file,
            example_transcript=self.prompts.raw("example_transcript.txt").strip(),
            example_output=self.prompts.raw(example_file).strip(),
        )
        user = self.prompts.render(
            "extract_user.txt",
            context=meeting_context(details),
            first_line=window.segments[0].id,
            last_line=window.segments[-1].id,
            transcript=transcript_lines(window.segments),
            known=known or "(none yet)",
        )
        return [{"role": "system", "content": system}, {"role": "user", "content": user}]

    def extract_window(
        self, window: Window, details: MeetingDetails, known: str = ""
    ) -> tuple[Postmortem, WindowStatus]:
        """One window → proposals. An LLM failure becomes a failed WindowStatus, never an exception.
        `known` lists items already proposed (live mode), so the model completes them instead of
        restating them."""
        self.last_unavailable = None
        calls_before = self.client.usage.calls
        try:
            found = self.run_window(window, details, known)
        except LLMError as exc:
            log.warning("window %d failed: %s", window.index, exc.message)
            if isinstance(exc, LLMUnavailable):
                self.last_unavailable = exc
            status = WindowStatus(
                index=window.index,
                start=window.start,
                end=window.end,
                ok=False,
                error=exc.message,
                attempts=max(1, self.client.usage.calls - calls_before),
            )
            return Postmortem(), status
        status = WindowStatus(
            index=window.index,
            start=window.start,
            end=window.end,
            ok=True,
            attempts=max(1, self.client.usage.calls - calls_before),
        )
        return found, status

    def run_window(self, window: Window, details: MeetingDetails, known: str = "") -> Postmortem:
        """One window → proposals; raises LLMError (live mode needs its kind to choose a backoff)."""
        if self.engine == "hybrid":
            # Live: the rules read the window (with its context lines) at once; no model call, so a
            # committed line becomes a proposal within the scheduler's pause, and an LLM outage costs
            # live proposals nothing. The final pass re-reads the whole meeting.
            return read_transcript(window.segments, details).postmortem
        messages = self.messages(window, details, known)
        # Secrets said in the meeting stay on this machine; the answer gets them back (see redact.py).
        redaction = Redaction() if self.client.redact else None
        if redaction is not None:
            messages = redaction.redact_messages(messages)
        with scrubbed_errors(self.client.api_key):
            if self.focus == "live":
                wire = self.client.complete(messages, WireLiveExtraction, name="live_window").as_full()
            else:
                wire = self.client.complete(messages, WireExtraction, name="postmortem_window")
        if redaction is not None:
            wire = redaction.restore_model(wire)
        return wire_to_postmortem(wire, window.segments)

    def with_client(self, client: ChatClient) -> Extractor:
        return Extractor(client, self.prompts, self.window_tokens, self.focus, self.engine)

    def focused(self, focus: Focus) -> Extractor:
        return Extractor(self.client, self.prompts, self.window_tokens, focus, self.engine)

    def summarise(self, pm: Postmortem, details: MeetingDetails, names: Sequence[str] = ()) -> None:
        """Write `pm.summary` from its facts: the LLM once, else composed by code. Never raises."""
        if pm.summary is not None and (pm.summary.status is not ReviewStatus.PROPOSED or pm.summary.edited):
            return  # the facilitator's summary stays
        if not has_facts(pm):
            return
        text = ""
        names = [*details.attendees, *names]
        user = self.prompts.render("summary_user.txt", context=context_line(details), facts=summary_facts(pm, names))
        messages = summary_messages(self.prompts.raw("summary_system.txt"), user)
        redaction = Redaction() if self.client.redact else None
        if redaction is not None:
            messages = redaction.redact_messages(messages)
        try:
            with scrubbed_errors(self.client.api_key):
                wire = self.client.complete(messages, WireSummary, name="summary")
            if redaction is not None:
                wire = redaction.restore_model(wire)
            text = trim_summary(wire.summary)
            if names_in(text, names):
                log.warning("summary: the LLM named a person; composing it from the facts")
                text = ""
        except LLMError as exc:
            log.warning("summary: the LLM failed (%s); composing it from the facts", exc.message)
        pm.summary = summary_item(text or composed_summary(pm, names), pm)

    def _extract_hybrid(
        self,
        segments: Sequence[Segment],
        details: MeetingDetails,
        draft: Postmortem | None,
        progress: WindowProgress | None,
    ) -> Postmortem:
        if progress:
            progress(0, 1)
        calls_before = self.client.usage.calls
        found = read_transcript(segments, details).postmortem
        self.summarise(found, details, meeting_names(segments, details))
        pm = draft or Postmortem(details=details)
        if draft is not None:
            drop_unsupported(pm, found)
            if pm.summary is not None and pm.summary.status is ReviewStatus.PROPOSED and not pm.summary.edited:
                pm.summary = None  # the whole meeting's summary replaces the live one
        merge_into(pm, found)
        if segments:
            pm.windows.append(
                WindowStatus(
                    index=len(pm.windows),
                    start=segments[0].start,
                    end=segments[-1].end,
                    ok=True,
                    attempts=max(1, self.client.usage.calls - calls_before),
                )
            )
        if progress:
            progress(1, 1)
        return pm

    def extract(
        self,
        segments: Sequence[Segment],
        details: MeetingDetails,
        draft: Postmortem | None = None,
        progress: WindowProgress | None = None,
    ) -> Postmortem:
        if self.engine == "hybrid":
            return self._extract_hybrid(segments, details, draft, progress)
        pm = draft or Postmortem(details=details)
        windows = make_windows(segments, self.window_tokens)
        unavailable: list[tuple[Window, LLMUnavailable]] = []
        for window in windows:
            if progress:
                progress(window.index, len(windows))
            found, status = self.extract_window(window, details)
            merge_into(pm, found)
            pm.windows.append(status)
            if self.last_unavailable is not None:
                unavailable.append((window, self.last_unavailable))
        # Windows lost to an unavailable server (down, restarting, rate limited) get one more try after
        # the others and a pause: a short outage then costs nothing. A window that still fails stays
        # marked as not analysed in the draft.
        if unavailable:
            wait = min(max(e.retry_after_s or 0.0 for _, e in unavailable) or self.retry_pause_s, 60.0)
            log.warning("%d window(s) failed, LLM unavailable; retrying in %.0f s", len(unavailable), wait)
            self.sleep(wait)
            for window, _ in unavailable:
                found, status = self.extract_window(window, details)
                if status.ok:
                    merge_into(pm, found)
                    pm.windows = [status if w.index == window.index else w for w in pm.windows]
        if progress:
            progress(len(windows), len(windows))
        return pm
