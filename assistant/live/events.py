"""Events the live workers post to the owner thread. Plain frozen dataclasses, no behaviour."""

from __future__ import annotations

from dataclasses import dataclass, field

from assistant.domain.postmortem import Postmortem, WindowStatus
from assistant.domain.transcript import Segment


@dataclass(frozen=True)
class SegmentsCommitted:
    segments: list[Segment]
    received_at: float
    """Monotonic time the ASR worker committed them (for utterance → proposal latency)."""


@dataclass(frozen=True)
class TentativeChanged:
    """Latest-value event: a newer one replaces an older one."""

    text: str


@dataclass(frozen=True)
class AsrStatus:
    lag_s: float
    audio_end_s: float
    step_s: float
    behind: bool
    compute_s: float


@dataclass(frozen=True)
class AudioStatus:
    level_dbfs: float
    dropped_s: float
    recorded_s: float
    levels: tuple[float, float] | None = None
    """A call: (microphone, call) levels in dBFS; None for one input."""


@dataclass(frozen=True)
class ProposalsExtracted:
    draft: Postmortem
    status: WindowStatus
    segment_ids: list[int]
    requested_at: float
    finished_at: float
    unavailable: bool = False
    """A failed call because the server could not answer (down, timed out, 429, 5xx), as opposed
    to an unusable answer: decides how the window is retried."""
    retry_after_s: float | None = None
    """The server's Retry-After, when it sent one."""


@dataclass(frozen=True)
class WorkerFailed:
    worker: str
    message: str
    fatal: bool = False
    """Fatal: this worker stopped (e.g. the recording cannot be written). Others keep going."""


@dataclass(frozen=True)
class StreamEnded:
    """The ASR worker flushed its last words: no more SegmentsCommitted will come."""

    audio_end_s: float = 0.0
    extra: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class VoicesAttributed:
    """The voice worker matched lines to named voices (live speaker attribution, assistant/live/voices.py)."""

    labels: dict[int, str]
    """Segment id -> speaker label of the named voice it sounds like (only lines that matched or changed)."""
    compute_s: float = 0.0
    """Seconds spent embedding for this event (the voice worker's own cost, off the ASR thread)."""


LiveEvent = (
    SegmentsCommitted
    | TentativeChanged
    | AsrStatus
    | AudioStatus
    | ProposalsExtracted
    | WorkerFailed
    | StreamEnded
    | VoicesAttributed
)
