"""`assistant record --headless`: the live meeting (`assistant.live.meeting`) without the TUI, JSON lines
on stdout.

Runs until Ctrl-C / SIGTERM (or the end of `--from-file`), then finalises: the rest of the audio is
transcribed, a final pass re-diarizes and reads the whole meeting, and the exports are written into the
session folder. Everything committed is already on disk before it is printed.
"""

from __future__ import annotations

import contextlib
import json
import queue
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any, TextIO

from assistant.audio.source import AudioSource
from assistant.config import Settings
from assistant.domain.postmortem import MeetingDetails
from assistant.errors import AssistantError
from assistant.live.events import LiveEvent, SegmentsCommitted, VoicesAttributed
from assistant.live.meeting import Meeting
from assistant.live.models import MeetingModels, load_models, open_input
from assistant.session import Session


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
    models: Callable[[], MeetingModels] | None = None,
    call: bool = False,
    system_device: str | None = None,
) -> int:
    """`models` loads the models (default: `load_models` as `settings` say; tests pass fakes)."""
    stream = out or sys.stdout

    def emit_line(record: dict[str, Any]) -> None:
        stream.write(json.dumps(record, ensure_ascii=False) + "\n")
        stream.flush()

    # Open the input first, then the models: either failing is one line before any session folder exists.
    source = source_factory() if source_factory else open_input(device, from_file, speed, call=call,
                                                                system_device=system_device)  # fmt: skip
    with ExitStack() as stack:
        loaded = stack.enter_context(contextlib.closing(models() if models else load_models(settings, no_llm=no_llm)))
        session = stack.enter_context(Session.create(settings.storage.sessions_dir, details, session_name,
                                                     resume=True))  # fmt: skip
        if not session.details.attendees and session.details != details:
            session.update_details(details)  # a resumed session without attendees takes the ones given now
        emit_line({"type": "session", "name": session.name, "path": str(session.path)})
        events: queue.Queue[LiveEvent] = queue.Queue()
        meeting = Meeting.live(settings, session, source, loaded, events.put, output=emit_line)
        if meeting.speakers_off:
            emit_line({"type": "speakers_off", "message": meeting.speakers_off})
        on_event = _name_first_voice(meeting, name_first_speaker)
        meeting.start()
        stack.enter_context(_stop_on_storage_error(meeting))
        # Capture is running from here: what was said after this line is in the recording (≤ 1 s lost
        # on a crash). A resumed session continues its recording at `offset_s`.
        emit_line({"type": "recording", "offset_s": round(meeting.time_offset, 3)})
        with _stop_requests() as stop:
            _pump_events(events, meeting, until=lambda: meeting.state.stream_ended or stop.is_set(),
                         on_event=on_event)  # fmt: skip
        if stop.is_set():
            emit_line({"type": "stopping"})
            meeting.stop_capture()
            _pump_events(events, meeting, until=lambda: meeting.state.stream_ended, on_event=on_event)
        # Let an extraction in flight land (it is stored the moment it arrives), then stop the worker.
        deadline = time.monotonic() + settings.llm.request_timeout_s
        _pump_events(events, meeting, until=lambda: meeting.ready_to_finish or time.monotonic() > deadline,
                     schedule=False, on_event=on_event)  # fmt: skip
        meeting.stop_threads()
        _drain_voices(events, meeting)  # matches posted while the voice worker finished
        meeting.final_pass().run_here()
        meeting.finalise()
        emit_line(meeting.stats())
    return 0


@contextlib.contextmanager
def _stop_requests() -> Iterator[threading.Event]:
    """Ctrl-C / SIGTERM while recording ask the pump to stop between two events, instead of raising
    KeyboardInterrupt wherever the main thread happens to be: raised inside `meeting.handle` or
    `meeting.tick`, it dropped the event just taken from the queue or left a window marked in flight,
    so `ready_to_finish` never came and the stop hung until the LLM timeout (seen under load).
    The previous handlers are back once recording ends, so a second Ctrl-C still interrupts the
    final pass. Off the main thread (tests drive `run_headless` from one) no handler can be set."""
    stop = threading.Event()
    if threading.current_thread() is not threading.main_thread():
        yield stop
        return
    previous = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}

    def request(signum: int, frame: object) -> None:
        stop.set()

    for sig in previous:
        signal.signal(sig, request)
    try:
        yield stop
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


@contextlib.contextmanager
def _stop_on_storage_error(meeting: Meeting) -> Iterator[None]:
    """A session that can no longer be written (disk full, read-only, I/O error) ends the run: stop the
    capture, close the recording (its header is patched, so what was saved stays playable) and say in
    the one error line what was kept. Runs before the session is closed (ExitStack order)."""
    try:
        yield
    except AssistantError as exc:
        kept = meeting.halt()
        exc.args = (f"{exc.message} ({kept})", *exc.args[1:])
        raise


def _pump_events(
    events: queue.Queue[LiveEvent],
    meeting: Meeting,
    until: Callable[[], bool],
    schedule: bool = True,
    on_event: Callable[[LiveEvent], None] | None = None,
) -> None:
    while not until():
        with contextlib.suppress(queue.Empty):
            event = events.get(timeout=0.1)
            meeting.handle(event)
            if on_event is not None:
                on_event(event)
        if schedule:
            meeting.tick()


def _name_first_voice(meeting: Meeting, name: str | None) -> Callable[[LiveEvent], None] | None:
    """`--name-first-speaker`: names the voice of the first line long enough to learn a voice from
    (2 s), as a facilitator opening the meeting would."""
    if not name or not meeting.voices.enabled:
        return None
    pending = [name]

    def handle(event: LiveEvent) -> None:
        if pending and isinstance(event, SegmentsCommitted):
            line = next((s for s in event.segments if s.end - s.start >= 2.0), None)
            if line is not None:
                meeting.name_line(line.id, pending.pop())

    return handle


def _drain_voices(events: queue.Queue[LiveEvent], meeting: Meeting) -> None:
    while True:
        try:
            event = events.get_nowait()
        except queue.Empty:
            return
        if isinstance(event, VoicesAttributed):
            meeting.attribute(event)
