"""Live speaker attribution: lines are matched to the voices the facilitator has named.

The facilitator names a voice once by picking one of its lines ("that is Omar"). From then on every
committed line is embedded (CAM++, ~50 ms per 5 s of speech) and given the nearest named voice when
it is similar enough; unnamed voices stay anonymous rather than borrowing a wrong name. At the end
of the meeting `final_speakers` re-diarizes the whole recording and carries the names over.

Threads: `VoiceWorker` embeds on its own thread, at a lower CPU priority than transcription, reading
the audio back from the recording (already on disk when a line is committed), so attribution never
holds up the transcript. `LiveVoices` runs on the owner thread (the TUI's UI thread or the headless
loop): it feeds the worker and stores what it finds in the session's speaker names. Voiceprints stay
in the worker's memory and are never written anywhere.
"""

from __future__ import annotations

import contextlib
import logging
import os
import queue
import struct
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from assistant.audio.decode import SAMPLE_RATE, Audio
from assistant.domain.transcript import Segment
from assistant.errors import AssistantError, SessionError
from assistant.live.events import LiveEvent, SegmentsCommitted, VoicesAttributed, WorkerFailed
from assistant.session import Session
from assistant.speakers.attribute import label_segments
from assistant.speakers.model import Turn, next_label
from assistant.speakers.names import SpeakerNames, clean_name
from assistant.speakers.sides import call_speakers, is_call
from assistant.speakers.voiceprints import Embedding, Voiceprints, carry_names

log = logging.getLogger(__name__)

Emit = Callable[[LiveEvent], None]
Output = Callable[[dict[str, Any]], None]

WORKER_NICE = 10
"""How much less CPU priority the voice thread gets than transcription (Linux applies nice per thread)."""
MAX_EMBED_S = 20.0
"""Longer lines are embedded from their first 20 s: enough for a voiceprint, bounded cost."""


class Embedder(Protocol):
    """What the worker needs from `SpeakerDiarizer`: one voice embedding of a stretch of speech."""

    def embed(self, audio: Audio) -> npt.NDArray[np.float32] | None: ...


class Diarizer(Embedder, Protocol):
    def diarize_file(self, path: Path) -> Any: ...


# --- reading the recording while it is written -----------------------------------------------------


def _data_offset(f: Any) -> int:
    """Where the PCM data starts (the header's sizes may be stale while recording: not trusted)."""
    f.seek(12)
    pos = 12
    for _ in range(64):
        head = f.read(8)
        if len(head) < 8:
            break
        cid, length = head[:4], struct.unpack("<I", head[4:])[0]
        if cid == b"data":
            return pos + 8
        pos += 8 + length + (length & 1)
        f.seek(pos)
    raise OSError("no data chunk")


def read_span(recording: Path, start: float, end: float) -> Audio:
    """Samples [start, end] s of the 16 kHz mono 16-bit recording, as float32 (shorter at the end)."""
    with open(recording, "rb") as f:
        offset = _data_offset(f)
        first = max(0, int(start * SAMPLE_RATE))
        count = max(0, int((end - start) * SAMPLE_RATE))
        f.seek(offset + 2 * first)
        raw = f.read(2 * count)
    pcm = np.frombuffer(raw[: len(raw) - len(raw) % 2], dtype="<i2")
    return (pcm.astype(np.float32) / 32768.0).astype(np.float32)


# --- the worker thread -----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Embed:
    segments: list[Segment]


@dataclass(frozen=True)
class _Name:
    segment: Segment
    label: str
    quiet: bool = False


class VoiceWorker(threading.Thread):
    """Embeds committed lines and matches them to the named voices; posts `VoicesAttributed`."""

    def __init__(self, embedder: Embedder, recording: Path, emit: Emit, min_similarity: float) -> None:
        super().__init__(name="voices", daemon=True)
        self.embedder = embedder
        self.recording = recording
        self.emit = emit
        self.min_similarity = min_similarity
        self._inbox: queue.Queue[_Embed | _Name | None] = queue.Queue()
        self._lock = threading.Lock()
        self._prints = Voiceprints()
        """Named voices only (label -> centroid of the lines the facilitator named)."""
        self._embeddings: dict[int, Embedding] = {}
        self._assigned: dict[int, str] = {}
        self._failed = False
        self.compute_s: list[float] = []
        """Seconds per embedded line (for bench/)."""

    # --- owner thread ----------------------------------------------------------------------------

    def submit(self, segments: Sequence[Segment]) -> None:
        self._inbox.put(_Embed(list(segments)))

    def learn(self, segment: Segment, label: str, *, quiet: bool = False) -> None:
        """`segment` is spoken by the voice `label` (which has a name): learn the voice, re-match lines.
        `quiet`: a line too short to learn from is skipped without telling the facilitator."""
        self._inbox.put(_Name(segment, label, quiet))

    def stop(self) -> None:
        self._inbox.put(None)

    def voiceprints(self) -> Voiceprints:
        """A copy of the named voices' prints (safe from any thread)."""
        with self._lock:
            return Voiceprints({label: self._prints.centroid(label) for label in self._prints.labels})

    # --- worker thread ---------------------------------------------------------------------------

    def run(self) -> None:
        # Transcription first: this thread only gets the CPU the ASR thread leaves.
        with contextlib.suppress(OSError, AttributeError):
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), WORKER_NICE)
        while True:
            job = self._inbox.get()
            if job is None:
                return
            if self._failed:
                continue  # keep draining so the owner never blocks; attribution is off now
            try:
                if isinstance(job, _Embed):
                    self._embed_lines(job.segments)
                else:
                    self._learn(job.segment, job.label, job.quiet)
            except AssistantError as exc:
                self._failed = True
                self.emit(WorkerFailed("speakers", f"live speaker attribution stopped: {exc.message}"))
            except Exception as exc:  # never take the meeting down for a voice that cannot be matched
                log.exception("voice attribution failed")
                self._failed = True
                self.emit(WorkerFailed("speakers", f"live speaker attribution stopped: {exc}"))

    def _embedding(self, segment: Segment) -> tuple[Embedding | None, float]:
        if segment.id in self._embeddings:
            return self._embeddings[segment.id], 0.0
        started = time.perf_counter()
        try:
            audio = read_span(self.recording, segment.start, min(segment.end, segment.start + MAX_EMBED_S))
        except OSError:
            return None, 0.0  # the recording stopped (disk full): nothing to match
        emb = self.embedder.embed(audio)
        spent = time.perf_counter() - started
        self.compute_s.append(spent)
        if emb is not None:
            self._embeddings[segment.id] = emb
        return emb, spent

    def _match(self, emb: Embedding) -> str | None:
        with self._lock:
            label, score = self._prints.nearest(emb)
        return label if label is not None and score >= self.min_similarity else None

    def _embed_lines(self, segments: Sequence[Segment]) -> None:
        found: dict[int, str] = {}
        spent = 0.0
        for segment in segments:
            emb, cost = self._embedding(segment)
            spent += cost
            label = self._match(emb) if emb is not None else None
            if label is not None and self._assigned.get(segment.id) != label:
                self._assigned[segment.id] = label
                found[segment.id] = label
        if found or spent:
            self.emit(VoicesAttributed(found, spent))

    def _learn(self, segment: Segment, label: str, quiet: bool) -> None:
        emb, spent = self._embedding(segment)
        if emb is None:
            if not quiet:
                self.emit(WorkerFailed("speakers", "that line is too short to learn a voice from; pick a longer one"))
            return
        with self._lock:
            self._prints.add(label, emb)
        self._assigned[segment.id] = label
        # Lines said before the voice had a name get it too.
        found: dict[int, str] = {}
        for seg_id, other in self._embeddings.items():
            match = self._match(other)
            if match is not None and self._assigned.get(seg_id) != match:
                self._assigned[seg_id] = match
                found[seg_id] = match
        self.emit(VoicesAttributed(found, spent))


# --- the owner thread ------------------------------------------------------------------------------


class LiveVoices:
    """Owner-thread side: forwards committed lines, stores matches, names voices. Never raises for a
    missing model: `off_reason` says why attribution is off and everything else carries on."""

    def __init__(
        self, session: Session, worker: VoiceWorker | None, off_reason: str | None, output: Output | None = None
    ) -> None:
        self.session = session
        self.worker = worker
        self.off_reason = off_reason if worker is None else None
        self.output = output or (lambda record: None)
        self.compute_s: list[float] = []
        if worker is not None:
            self._relearn(worker)

    def _relearn(self, worker: VoiceWorker) -> None:
        """A resumed session: voiceprints are never saved (biometric data), so the voices named
        before are learnt again from the lines the facilitator attributed, read back from the
        recording, which is on disk anyway. Queued before the first new line, so those match."""
        names = self.session.speakers
        by_id = {s.id: s for s in self.session.transcript.segments}
        for seg_id, label in sorted(names.reassigned.items()):
            canonical = names.canonical(label)
            if seg_id in by_id and names.name_of(canonical):
                worker.learn(by_id[seg_id], canonical, quiet=True)

    @property
    def enabled(self) -> bool:
        return self.worker is not None

    def handle(self, event: LiveEvent) -> bool:
        """Returns True when the session's speakers changed."""
        match event:
            case SegmentsCommitted(segments=segments) if self.worker is not None:
                self.worker.submit(segments)
            case VoicesAttributed(labels=labels, compute_s=spent):
                self.compute_s.append(spent)
                return self._store(labels)
        return False

    def _store(self, labels: Mapping[int, str]) -> bool:
        names = self.session.speakers
        changed = {i: lb for i, lb in labels.items() if names.labels.get(i) != lb}
        if not changed:
            return False
        names.labels.update(changed)
        self.session.set_speakers(names)
        for seg_id, label in sorted(changed.items()):
            self.output({"type": "speaker", "segment": seg_id, "label": label, "name": names.display(label)})
        return True

    def name_line(self, segment_id: int, name: str) -> str:
        """The voice of line `segment_id` is `name`: persisted at once; later lines follow. Returns its label.

        Raises SessionError for a line that is not in the transcript or an empty name.
        """
        cleaned = clean_name(name)
        segment = next((s for s in self.session.transcript.segments if s.id == segment_id), None)
        if segment is None or not cleaned:
            raise SessionError("pick a transcript line and give a name")
        names = self.session.speakers
        label = _label_for(names, segment, cleaned, self.session.transcript.segments)
        if (names.name_of(label) or "").casefold() != cleaned.casefold():
            names.rename(label, cleaned)  # (the same name in other letter case keeps its spelling)
        names.reassigned[segment.id] = label  # the facilitator's word beats any match
        self.session.set_speakers(names)
        self.output({"type": "speaker_named", "segment": segment.id, "label": label, "name": cleaned})
        if self.worker is not None:
            self.worker.learn(segment, label)
        return label

    def voiceprints(self) -> Voiceprints:
        return self.worker.voiceprints() if self.worker is not None else Voiceprints()


def _label_for(names: SpeakerNames, segment: Segment, name: str, segments: Iterable[Segment]) -> str:
    """The label that gets `name`: the one already called that (a second sample of the same voice),
    else the line's own label if nobody named it yet, else a new one."""
    for label, given in names.names.items():
        if given.casefold() == name.casefold():
            return names.canonical(label)
    current = names.label_of(segment)
    if current is not None and names.name_of(current) is None:
        return current
    used = {s.speaker for s in segments if s.speaker}
    return next_label(used | set(names.names) | set(names.merged) | set(names.reassigned.values())
                      | set(names.labels.values()))  # fmt: skip


# --- the final pass --------------------------------------------------------------------------------


def rebase_names(
    old: SpeakerNames,
    old_prints: Voiceprints,
    segments: Sequence[Segment],
    new_labels: Mapping[int, str],
    new_prints: Voiceprints,
    min_similarity: float,
) -> SpeakerNames:
    """Speaker names for a re-diarized meeting: `new_labels` (segment id -> new label) replace the live
    ones; names follow the voices (`carry_names`), or, for a voice with no print (a resumed session:
    prints are never saved), the new label most of its lines got. A person's line moves are kept."""
    carried = carry_names(old_prints, old, new_prints, min_similarity)
    by_name = {name.casefold(): label for label, name in carried.items()}
    overlap: dict[str, Counter[str]] = {}
    for segment in segments:
        before = old.label_of(segment)
        after = new_labels.get(segment.id)
        if before is not None and after is not None:
            overlap.setdefault(before, Counter())[after] += 1
    old_labels = set(overlap) | {old.canonical(x) for x in old.reassigned.values()} | set(old.names)
    mapping: dict[str, str] = {}
    names = dict(carried)
    for label in sorted(old_labels):
        name = old.name_of(label)
        if name and name.casefold() in by_name:
            mapping[label] = by_name[name.casefold()]
            continue
        votes = overlap.get(label)
        if not votes:
            continue
        target = votes.most_common(1)[0][0]
        mapping[label] = target
        if name and target not in names and name.casefold() not in {n.casefold() for n in names.values()}:
            names[target] = name
    reassigned = {i: mapping[old.canonical(lb)] for i, lb in old.reassigned.items() if old.canonical(lb) in mapping}
    return SpeakerNames(names=names, labels=dict(new_labels), reassigned=reassigned)


def final_speakers(
    diarizer: Diarizer,
    recording: Path,
    segments: Sequence[Segment],
    names: SpeakerNames,
    prints: Voiceprints,
    min_similarity: float,
) -> SpeakerNames | None:
    """Re-diarize the whole recording and carry the names over; None when it found no speech.

    Raises SpeakerAttributionError when diarization fails (callers keep the live attribution)."""
    if is_call(segments):  # mic lines are the facilitator's; the call channel is diarized alone
        return rebase_names(names, prints, segments, *call_speakers(diarizer, recording, segments), min_similarity)
    diarization = diarizer.diarize_file(recording)
    turns: list[Turn] = list(diarization.turns)
    if not turns:
        return None
    new_labels = label_segments(segments, turns)
    return rebase_names(names, prints, segments, new_labels, diarization.voiceprints, min_similarity)
