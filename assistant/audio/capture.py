"""Live microphone capture through PortAudio (sounddevice). The only module that imports sounddevice
(evidence playback, `assistant.audio.playback`, gets it from `load_sounddevice`).

sounddevice is imported lazily, inside functions: `import sounddevice` fails with OSError when the
libportaudio2 system library is missing, and everything that does not record (file processing,
exports) must keep working on such a machine.

PortAudio enumerates devices once per process, at the first `import sounddevice`: environment such
as PULSE_SERVER / PULSE_SOURCE must be set before the first call into this module.
"""

from __future__ import annotations

import os
import queue
import time
from dataclasses import dataclass
from types import ModuleType, TracebackType
from typing import Any

from assistant.audio.decode import SAMPLE_RATE, Audio
from assistant.audio.source import SILENCE_DBFS, rms_dbfs
from assistant.errors import AudioDeviceError

BLOCK_SECONDS = 0.1
BLOCK_FRAMES = int(SAMPLE_RATE * BLOCK_SECONDS)  # 1600: the ASR consumes 100 ms steps

NO_PORTAUDIO = "PortAudio library not found: install libportaudio2 (apt install libportaudio2)"
NO_DEVICE = "no audio input device found"


@dataclass(frozen=True)
class InputDevice:
    index: int
    name: str
    channels: int
    default_samplerate: float
    is_default: bool


def load_sounddevice() -> ModuleType:
    """The sounddevice module; AudioDeviceError (one line) when PortAudio is missing or fails."""
    try:
        import sounddevice
    except OSError as exc:  # sounddevice raises OSError('PortAudio library not found')
        raise AudioDeviceError(NO_PORTAUDIO) from exc
    except Exception as exc:  # PortAudioError from Pa_Initialize (its class is not importable yet)
        raise AudioDeviceError(f"PortAudio could not start: {_reason(exc)}") from exc
    module: ModuleType = sounddevice
    return module


def list_devices() -> list[InputDevice]:
    """Every device that can record (the default one marked); AudioDeviceError if there is none."""
    sd = load_sounddevice()
    try:
        raw: Any = sd.query_devices()
        default_in = int(sd.default.device[0])
    except sd.PortAudioError as exc:
        raise AudioDeviceError(f"cannot list audio devices: {_reason(exc)}") from exc
    devices = [
        InputDevice(
            index=int(d["index"]),
            name=str(d["name"]),
            channels=int(d["max_input_channels"]),
            default_samplerate=float(d["default_samplerate"]),
            is_default=int(d["index"]) == default_in,
        )
        for d in raw
        if int(d["max_input_channels"]) > 0
    ]
    if not devices:
        raise AudioDeviceError(NO_DEVICE)
    return devices


def resolve_device(devices: list[InputDevice], spec: int | str | None) -> InputDevice:
    """Pick by index, by case-insensitive name (exact, else a unique substring), or the default."""
    if spec is None:
        # PortAudio can list inputs yet report no default (-1); the first input is then the best guess.
        return next((d for d in devices if d.is_default), devices[0])
    if isinstance(spec, int) or spec.strip().isdigit():
        index = int(spec)
        for d in devices:
            if d.index == index:
                return d
        raise AudioDeviceError(f"no audio input device with index {index} (see `assistant devices`)")
    wanted = spec.strip().casefold()
    exact = [d for d in devices if d.name.casefold() == wanted]
    if exact:
        return exact[0]
    partial = [d for d in devices if wanted in d.name.casefold()]
    if len(partial) == 1:
        return partial[0]
    if not partial:
        raise AudioDeviceError(f"no audio input device matches {spec!r} (see `assistant devices`)")
    names = ", ".join(f"{d.index}: {d.name}" for d in partial)
    raise AudioDeviceError(f"{spec!r} matches several input devices ({names}); give the index instead")


class Capture:
    """Mono 16 kHz float32 blocks from a microphone. Implements AudioSource.

    The PortAudio callback runs on a real-time thread: it only copies the block into a bounded
    queue. When the queue is full the block is dropped and *counted* (never silently), so a
    consumer that falls behind shows up in `dropped_blocks` instead of as a stalled audio thread.
    """

    sample_rate = SAMPLE_RATE

    def __init__(
        self, device: int | str | None = None, *, max_queue_seconds: float = 30.0, pulse_source: str | None = None
    ) -> None:
        """`pulse_source`: a PulseAudio/PipeWire source by name (e.g. a sink's monitor), which PortAudio
        does not list; its `pulse` device opens whichever source PULSE_SOURCE names when the stream opens."""
        self._device_spec = device
        self._pulse_source = pulse_source
        # 30 s of 100 ms blocks is ~2 MB: room for a stalled fsync or a slow ASR step, still bounded.
        self._queue: queue.Queue[Audio] = queue.Queue(maxsize=max(1, round(max_queue_seconds / BLOCK_SECONDS)))
        self._stream: Any = None
        self._device: InputDevice | None = None
        self._stopped = False
        self._stream_ended = False
        # Written only by the callback thread; plain ints are safe to read from others under the GIL.
        self._dropped_blocks = 0
        self._dropped_frames = 0
        self._overflows = 0
        self._callbacks = 0
        self._last_callback = 0.0
        self._level = SILENCE_DBFS

    # --- real-time thread -------------------------------------------------------------------------
    def _callback(self, indata: Audio, frames: int, time_info: Any, status: Any) -> None:
        # Status flags are counted, not logged: logging takes locks and may do I/O on this thread.
        if status and status.input_overflow:
            self._overflows += 1
        self._callbacks += 1
        self._last_callback = time.monotonic()
        try:
            # copy(): PortAudio reuses `indata` for the next block as soon as we return.
            self._queue.put_nowait(indata[:, 0].copy())
        except queue.Full:
            self._dropped_blocks += 1
            self._dropped_frames += frames

    def _finished_callback(self) -> None:
        self._stream_ended = True

    # --- consumer side ----------------------------------------------------------------------------
    def read(self, timeout: float = 0.1) -> Audio | None:
        try:
            block = self._queue.get(timeout=timeout)
        except queue.Empty:
            return None
        # The meter level is computed here, on the consumer thread, to keep the callback copy-only;
        # it tracks what the consumer has processed, which is what the user sees being transcribed.
        self._level = rms_dbfs(block)
        return block

    def start(self) -> None:
        if self._stream is not None:
            return
        sd = load_sounddevice()
        device = resolve_device(list_devices(), self._device_spec)
        saved = os.environ.get("PULSE_SOURCE")
        if self._pulse_source is not None:
            os.environ["PULSE_SOURCE"] = self._pulse_source
        try:
            stream = sd.InputStream(
                samplerate=SAMPLE_RATE,
                channels=1,
                dtype="float32",
                device=device.index,
                blocksize=BLOCK_FRAMES,
                callback=self._callback,
                finished_callback=self._finished_callback,
            )
        except sd.PortAudioError as exc:
            raise AudioDeviceError(
                f"cannot open input device {device.index} ({device.name}) for 16 kHz mono: {_reason(exc)}"
            ) from exc
        finally:
            # The variable is read once, when the stream connects: the next stream picks its own.
            if self._pulse_source is not None:
                if saved is None:
                    os.environ.pop("PULSE_SOURCE", None)
                else:
                    os.environ["PULSE_SOURCE"] = saved
        try:
            stream.start()
        except sd.PortAudioError as exc:
            stream.close()
            raise AudioDeviceError(f"cannot start input device {device.index} ({device.name}): {_reason(exc)}") from exc
        self._device = device
        self._stream = stream
        self._stopped = False
        self._stream_ended = False

    def stop(self) -> None:
        """Stop recording; blocks already queued can still be read (drain until `finished`)."""
        self._stopped = True
        stream, self._stream = self._stream, None
        if stream is not None:
            try:
                stream.stop()
            finally:
                stream.close()

    def __enter__(self) -> Capture:
        self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    # --- state ------------------------------------------------------------------------------------
    @property
    def device(self) -> InputDevice | None:
        """The device actually opened (after start)."""
        return self._device

    @property
    def finished(self) -> bool:
        return (self._stopped or self._stream_ended) and self._queue.empty()

    @property
    def dropped_blocks(self) -> int:
        return self._dropped_blocks

    @property
    def dropped_seconds(self) -> float:
        return self._dropped_frames / SAMPLE_RATE

    @property
    def overflows(self) -> int:
        """Blocks PortAudio flagged as input overflow (audio lost before it reached us)."""
        return self._overflows

    @property
    def level(self) -> float:
        return self._level

    @property
    def queued_seconds(self) -> float:
        """Audio waiting for the consumer: a growing value means the consumer is too slow."""
        return self._queue.qsize() * BLOCK_SECONDS

    @property
    def last_block_age(self) -> float | None:
        """Seconds since the audio thread last delivered a block (None before the first one).

        A running stream delivers every 0.1 s; a large value means the device or sound server
        went away without PortAudio reporting it, which a UI should show.
        """
        if self._callbacks == 0:
            return None
        return time.monotonic() - self._last_callback


def _reason(exc: BaseException) -> str:
    return " ".join(str(exc).split())[:160]


__all__ = [
    "BLOCK_FRAMES",
    "NO_DEVICE",
    "NO_PORTAUDIO",
    "Capture",
    "InputDevice",
    "list_devices",
    "resolve_device",
]
