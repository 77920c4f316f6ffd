"""`assistant record --headless`: the live engine without the TUI, JSON lines on stdout.

Runs until Ctrl-C / SIGTERM (or the end of `--from-file`), then finalises: the rest of the audio is
transcribed, a final extraction pass reads the whole meeting, and the exports are written into the
session folder. Everything committed is already on disk before it is printed.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import queue
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any, TextIO

from assistant.audio.source import AudioSource
from assistant.checks.apply import apply_checks
from assistant.config import Settings
from assistant.domain.postmortem import MeetingDetails
from assistant.errors import AssistantError
from assistant.export import write_outputs
from assistant.extraction.extractor import Extractor
from assistant.extraction.prompts import PromptLibrary
from assistant.live.controller import LiveController
from assistant.live.engine import LiveEngine
from assistant.live.events import LiveEvent, SegmentsCommitted, VoicesAttributed
from assistant.live.scheduler import ExtractionScheduler
from assistant.live.voices import LiveVoices, final_speakers
from assistant.llm_backend import open_llm
from assistant.session import Session
from assistant.speakers.diarize import SpeakerAttributionError, SpeakerDiarizer, unavailable_reason
from assistant.speakers.filemode import DISABLED
from assistant.speakers.names import speakers_by_segment, transcript_labels
from assistant.transcription.whisper import WhisperTranscriber


def open_source(device: str | None, from_file: Path | None, speed: float = 1.0) -> AudioSource:
    if from_file is not None:
        from assistant.audio.filesource import FileSource

        return FileSource(from_file, realtime=True, speed=speed)
    from assistant.audio.capture import Capture, list_devices, resolve_device

    spec: int | str | None = int(device) if device is not None and device.isdigit() else device
    # Resolve now: no PortAudio / no such device is reported before a session folder is created.
    resolve_device(list_devices(), spec)
    return Capture(spec)


def run_headless(
    settings: Settings,
    details: MeetingDetails,
    *,
    session_name: str | None,
    device: str | None = None,
    from_file: Path | None = None,
    no_llm: bool = False,
    out: TextIO | None = None,
    source_factory: Callable[[], AudioSource] | None = None,
    speed: float = 1.0,
    name_first_speaker: str | None = None,
) -> int:
    stream = out or sys.stdout

    def emit_line(record: dict[str, Any]) -> None:
        stream.write(json.dumps(record, ensure_ascii=False) + "\n")
        stream.flush()

    root = settings.storage.sessions_dir
    # Open the input first: no microphone is a one-line error before anything is written.
    source = source_factory() if source_factory else open_source(device, from_file, speed)
    # Then the speech model: a missing/corrupt/too-large model or absent CUDA is one line before any
    # session folder exists. Nothing has been said yet, so nothing is lost, and the user fixes the
    # setting in seconds; recording audio-only instead would hide the failure until after the meeting.
    transcriber = WhisperTranscriber(settings.asr)
    diarizer, speakers_off = load_voice_model(settings)
    with ExitStack() as stack:
        session = stack.enter_context(Session.create(root, details, session_name, resume=True))
        merged_details = session.details if session.details.attendees else details
        emit_line({"type": "session", "name": session.name, "path": str(session.path)})
        extractor = None
        if not no_llm:
            client = open_llm(settings, stack)
            extractor = Extractor(client, PromptLibrary(settings.storage.prompts_dir), settings.llm.window_tokens)
        events: queue.Queue[LiveEvent] = queue.Queue()
        engine = LiveEngine(session, source, transcriber, extractor, events.put, voices=diarizer,
                            min_similarity=settings.speakers.min_similarity)  # fmt: skip
        voices = LiveVoices(session, engine.voices, speakers_off, emit_line)
        if speakers_off:
            emit_line({"type": "speakers_off", "message": speakers_off})
        on_event = _voice_handler(voices, name_first_speaker)
        scheduler = ExtractionScheduler(max_tokens=settings.llm.window_tokens)
        controller = LiveController(session, scheduler, engine.llm, emit_line, stream_started_at=0.0,
                                    time_offset=engine.time_offset)  # fmt: skip
        engine.start()
        stack.enter_context(_stop_on_storage_error(engine))
        controller.stream_started_at = engine.stream_started_at
        # Capture is running from here: what was said after this line is in the recording (≤ 1 s lost
        # on a crash). A resumed session continues its recording at `offset_s`.
        emit_line({"type": "recording", "offset_s": round(engine.time_offset, 3)})
        stopping = False
        try:
            _pump_events(events, controller, until=lambda: controller.state.stream_ended, on_event=on_event)
        except KeyboardInterrupt:
            stopping = True
        if stopping:
            emit_line({"type": "stopping"})
            engine.stop_capture()
            _pump_events(events, controller, until=lambda: controller.state.stream_ended, on_event=on_event)
        # Let an extraction in flight land (it is stored the moment it arrives), then stop the worker.
        deadline = time.monotonic() + settings.llm.request_timeout_s
        _pump_events(events, controller, until=lambda: not scheduler.in_flight or time.monotonic() > deadline,
                     schedule=False, on_event=on_event)  # fmt: skip
        engine.shutdown()
        _drain_voices(events, on_event)  # matches posted while the voice worker finished
        recorded = {"recording": session.audio_path.name, "duration_s": round(engine.recorder.duration, 2)}
        final_voices = _FinalVoices(diarizer, voices, settings.speakers.min_similarity) if diarizer else None
        _finalise(session, merged_details.model_copy(update=recorded), extractor, emit_line, final_voices)
        _report(controller, emit_line)
    return 0


@contextlib.contextmanager
def _stop_on_storage_error(engine: LiveEngine) -> Iterator[None]:
    """A session that can no longer be written (disk full, read-only, I/O error) ends the run: stop the
    capture, close the recording (its header is patched, so what was saved stays playable) and say in
    the one error line what was kept. Runs before the session is closed (ExitStack order)."""
    try:
        yield
    except AssistantError as exc:
        engine.stop_capture()
        # Wait for the ASR thread: exiting while it is inside CTranslate2 aborts the process.
        engine.shutdown()
        failed = engine.recorder.error
        if failed is not None:
            kept = f"recording stopped: {failed.message}"
        else:
            kept = f"recording stopped; {engine.recorder.duration:.1f} s saved in {engine.session.audio_path}"
        exc.args = (f"{exc.message} ({kept})", *exc.args[1:])
        raise


def _pump_events(
    events: queue.Queue[LiveEvent],
    controller: LiveController,
    until: Callable[[], bool],
    schedule: bool = True,
    on_event: Callable[[LiveEvent], None] | None = None,
) -> None:
    while not until():
        with contextlib.suppress(queue.Empty):
            event = events.get(timeout=0.1)
            controller.handle(event)
            if on_event is not None:
                on_event(event)
        if schedule:
            controller.tick()


def load_voice_model(settings: Settings) -> tuple[SpeakerDiarizer | None, str | None]:
    """The speaker model for live attribution, or why attribution is off (never raises)."""
    if not settings.speakers.enabled:
        return None, DISABLED
    reason = unavailable_reason()
    if reason:
        return None, reason
    try:
        diarizer = SpeakerDiarizer()
        diarizer.share_cpu()
        return diarizer, None
    except SpeakerAttributionError as exc:
        return None, f"speaker attribution is off: {exc.message}"


def _voice_handler(voices: LiveVoices, name_first: str | None) -> Callable[[LiveEvent], None]:
    """Feeds `voices`; with `name_first` (`--name-first-speaker`), names the voice of the first line
    long enough to learn a voice from (2 s), as a facilitator opening the meeting would."""
    pending = [name_first] if name_first and voices.enabled else []

    def handle(event: LiveEvent) -> None:
        voices.handle(event)
        if pending and isinstance(event, SegmentsCommitted):
            line = next((s for s in event.segments if s.end - s.start >= 2.0), None)
            if line is not None:
                voices.name_line(line.id, pending.pop())

    return handle


def _drain_voices(events: queue.Queue[LiveEvent], on_event: Callable[[LiveEvent], None]) -> None:
    while True:
        try:
            event = events.get_nowait()
        except queue.Empty:
            return
        if isinstance(event, VoicesAttributed):
            on_event(event)


@dataclasses.dataclass
class _FinalVoices:
    diarizer: SpeakerDiarizer
    live: LiveVoices
    min_similarity: float

    def run(self, session: Session, emit_line: Callable[[dict[str, Any]], None]) -> None:
        """Re-diarize the whole meeting and carry the live names over (labels kept per segment id)."""
        emit_line({"type": "speakers_final_pass"})
        try:
            names = final_speakers(self.diarizer, session.audio_path, session.transcript.segments,
                                   session.speakers, self.live.voiceprints(), self.min_similarity)  # fmt: skip
        except SpeakerAttributionError as exc:
            message = f"final speaker pass failed, live attribution kept: {exc.message}"
            emit_line({"type": "warning", "message": message})
            return
        if names is not None:
            session.set_speakers(names)
        speakers = session.speakers
        emit_line({"type": "speakers", "speakers": {lb: speakers.name_of(lb) for lb in
                   transcript_labels(session.transcript, speakers)}})  # fmt: skip


def _finalise(
    session: Session,
    details: MeetingDetails,
    extractor: Extractor | None,
    emit_line: Callable[[dict[str, Any]], None],
    voices: _FinalVoices | None = None,
) -> None:
    session.update_details(details)
    if voices is not None and session.transcript.segments:
        if extractor is not None:
            # Nothing is in flight now; re-diarizing a long meeting takes minutes and its peak memory
            # would add to the idle LLM server's. The final extraction below starts the server again.
            extractor.client.release_idle()
        voices.run(session, emit_line)
    # Names in the lines the final pass reads ("Omar: I'll do it" gives the owner).
    transcript = session.named_transcript
    if extractor is not None and transcript.segments:
        emit_line({"type": "final_pass", "segments": len(transcript.segments)})
        final = extractor.extract(transcript.segments, details)
        session.merge_proposals(final)
        failed = final.failed_windows
        if failed:
            # Marked in the draft too; said here so a caller of the stream knows without reading it.
            emit_line({"type": "warning", "message": f"{len(failed)} of {len(final.windows)} transcript windows "
                       f"could not be analysed: {failed[0].error}"})  # fmt: skip
    pm = session.postmortem
    apply_checks(pm, session.transcript, speakers_by_segment(session.transcript, session.speakers))
    outputs = write_outputs(pm, session.path / "exports", "meeting", private=True)
    session.mark_state("finalised")
    emit_line({"type": "finalised", "session": session.name, "exports": {k: str(v) for k, v in outputs.items()}})


def _report(controller: LiveController, emit_line: Callable[[dict[str, Any]], None]) -> None:
    state = controller.state

    def pct(values: list[float], q: float) -> float | None:
        if not values:
            return None
        ordered = sorted(values)
        return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 2)

    emit_line({
        "type": "stats",
        "lag_p50_s": pct(state.lags, 0.5), "lag_p95_s": pct(state.lags, 0.95),
        "proposal_latency_p50_s": pct(state.latencies, 0.5), "proposal_latency_p95_s": pct(state.latencies, 0.95),
        "dropped_audio_s": round(state.dropped_s, 2), "recorded_s": round(state.recorded_s, 2),
        "errors": len(state.errors),
    })  # fmt: skip
