"""`assistant record --headless`: the live engine without the TUI, JSON lines on stdout.

Runs until Ctrl-C / SIGTERM (or the end of `--from-file`), then finalises: the rest of the audio is
transcribed, a final extraction pass reads the whole meeting, and the exports are written into the
session folder. Everything committed is already on disk before it is printed.
"""

from __future__ import annotations

import contextlib
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
from assistant.live.events import LiveEvent
from assistant.live.scheduler import ExtractionScheduler
from assistant.llm_backend import open_llm
from assistant.session import Session
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
    with ExitStack() as stack:
        session = stack.enter_context(Session.create(root, details, session_name, resume=True))
        merged_details = session.details if session.details.attendees else details
        emit_line({"type": "session", "name": session.name, "path": str(session.path)})
        extractor = None
        if not no_llm:
            client = open_llm(settings, stack)
            extractor = Extractor(client, PromptLibrary(settings.storage.prompts_dir), settings.llm.window_tokens)
        events: queue.Queue[LiveEvent] = queue.Queue()
        engine = LiveEngine(session, source, transcriber, extractor, events.put)
        scheduler = ExtractionScheduler()
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
            _pump_events(events, controller, until=lambda: controller.state.stream_ended)
        except KeyboardInterrupt:
            stopping = True
        if stopping:
            emit_line({"type": "stopping"})
            engine.stop_capture()
            _pump_events(events, controller, until=lambda: controller.state.stream_ended)
        # Let an extraction in flight land (it is stored the moment it arrives), then stop the worker.
        deadline = time.monotonic() + settings.llm.request_timeout_s
        _pump_events(events, controller, until=lambda: not scheduler.in_flight or time.monotonic() > deadline,
                     schedule=False)  # fmt: skip
        engine.shutdown()
        recorded = {"recording": session.audio_path.name, "duration_s": round(engine.recorder.duration, 2)}
        _finalise(session, merged_details.model_copy(update=recorded), extractor, emit_line)
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
    events: queue.Queue[LiveEvent], controller: LiveController, until: Callable[[], bool], schedule: bool = True
) -> None:
    while not until():
        with contextlib.suppress(queue.Empty):
            controller.handle(events.get(timeout=0.1))
        if schedule:
            controller.tick()


def _finalise(
    session: Session,
    details: MeetingDetails,
    extractor: Extractor | None,
    emit_line: Callable[[dict[str, Any]], None],
) -> None:
    session.update_details(details)
    transcript = session.transcript
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
    apply_checks(pm, transcript)
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
