"""Run the LLM over transcript windows and merge the answers into one postmortem draft."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

from assistant.domain.postmortem import MeetingDetails, Postmortem, WindowStatus
from assistant.domain.transcript import Segment
from assistant.errors import LLMError
from assistant.extraction.convert import clean, wire_to_postmortem
from assistant.extraction.llm import LLMClient
from assistant.extraction.merge import merge_into
from assistant.extraction.prompts import PromptLibrary
from assistant.extraction.schema import WireExtraction
from assistant.extraction.windows import Window, make_windows

log = logging.getLogger(__name__)

WindowProgress = Callable[[int, int], None]


def fmt_clock(seconds: float) -> str:
    s = int(seconds)
    return f"{s // 3600}:{s % 3600 // 60:02d}:{s % 60:02d}" if s >= 3600 else f"{s // 60:02d}:{s % 60:02d}"


def transcript_lines(segments: Sequence[Segment]) -> str:
    """One numbered line per segment; the number is the segment id, so answers point back at evidence."""
    lines = []
    for seg in segments:
        who = f"{clean(seg.speaker)}: " if seg.speaker else ""
        lines.append(f"L{seg.id} [{fmt_clock(seg.start)}] {who}{clean(seg.text)}")
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
    return "; ".join(parts) or "incident postmortem"


class Extractor:
    def __init__(self, client: LLMClient, prompts: PromptLibrary, window_tokens: int = 900) -> None:
        self.client = client
        self.prompts = prompts
        self.window_tokens = window_tokens

    def messages(self, window: Window, details: MeetingDetails, known: str = "") -> list[dict[str, str]]:
        system = self.prompts.render(
            "extract_system.txt",
            example_transcript=self.prompts.raw("example_transcript.txt").strip(),
            example_output=self.prompts.raw("example_output.json").strip(),
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
        calls_before = self.client.usage.calls
        try:
            messages = self.messages(window, details, known)
            wire = self.client.complete(messages, WireExtraction, name="postmortem_window")
        except LLMError as exc:
            log.warning("window %d failed: %s", window.index, exc.message)
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
        return wire_to_postmortem(wire, window.segments), status

    def extract(
        self,
        segments: Sequence[Segment],
        details: MeetingDetails,
        draft: Postmortem | None = None,
        progress: WindowProgress | None = None,
    ) -> Postmortem:
        pm = draft or Postmortem(details=details)
        windows = make_windows(segments, self.window_tokens)
        for window in windows:
            if progress:
                progress(window.index, len(windows))
            found, status = self.extract_window(window, details)
            merge_into(pm, found)
            pm.windows.append(status)
        if progress:
            progress(len(windows), len(windows))
        return pm
