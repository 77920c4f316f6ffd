"""The call's side of a call recording: what the computer plays (the system output), as an input.

On Linux the sound server (PulseAudio, or PipeWire through pipewire-pulse) offers a *monitor* source
for every output; the default output's monitor is what a Zoom/Meet/Teams call plays. PortAudio does
not list those sources, so they are found with `pactl` and opened by name (`Capture(pulse_source=…)`).
Elsewhere a loopback device must exist first (macOS: BlackHole; Windows: VB-CABLE or "Stereo Mix")
and is picked by name from `assistant devices`.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass

from assistant.audio.capture import InputDevice, list_devices, resolve_device
from assistant.errors import AudioDeviceError

LOOPBACK_HINT = (
    "install a loopback device (macOS: BlackHole; Windows: VB-CABLE or enable Stereo Mix) and pass --system-device NAME"
)
# Names PortAudio gives loopback devices on other platforms (and ALSA's snd-aloop).
_LOOPBACK_WORDS = ("monitor", "loopback", "stereo mix", "blackhole", "soundflower", "cable output", "what u hear")


@dataclass(frozen=True)
class SystemSource:
    """Where the call's audio is read from: a sound-server source by name, or a PortAudio device."""

    name: str
    pulse_source: str | None = None
    device: int | None = None
    is_default: bool = False


def is_loopback_name(name: str) -> bool:
    folded = name.casefold()
    return any(word in folded for word in _LOOPBACK_WORDS)


def _pactl(*args: str) -> str | None:
    """pactl's output, or None without a reachable PulseAudio/PipeWire server."""
    if shutil.which("pactl") is None:
        return None
    try:
        done = subprocess.run(["pactl", *args], capture_output=True, text=True, timeout=5, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout if done.returncode == 0 else None


def _default_sink() -> str | None:
    info = _pactl("info") or ""
    for line in info.splitlines():
        key, _, value = line.partition(":")
        if key.strip() == "Default Sink" and value.strip():
            return value.strip()
    return None


def pulse_monitors() -> list[SystemSource]:
    """The sound server's monitor sources (the default output's first-marked); [] without one."""
    listing = _pactl("list", "short", "sources")
    if listing is None:
        return []
    default = _default_sink()
    monitors = []
    for line in listing.splitlines():
        fields = line.split("\t")
        if len(fields) >= 2 and fields[1].endswith(".monitor"):
            name = fields[1]
            monitors.append(SystemSource(name, pulse_source=name, is_default=name == f"{default}.monitor"))
    return sorted(monitors, key=lambda m: not m.is_default)


def loopback_devices(devices: list[InputDevice]) -> list[InputDevice]:
    """PortAudio inputs that are loopbacks, not microphones (by their names)."""
    return [d for d in devices if is_loopback_name(d.name)]


def resolve_system(spec: str | None) -> SystemSource:
    """The `--system-device` (a monitor source name, or a PortAudio device index/name), or the default
    output's monitor. AudioDeviceError (one line) when there is none."""
    monitors = pulse_monitors()
    if spec is None:
        default = next((m for m in monitors if m.is_default), None)
        if default is not None:
            return default
        raise AudioDeviceError(f"cannot find the system output to record the call from: {LOOPBACK_HINT}")
    wanted = spec.strip()
    for m in monitors:
        if wanted in (m.name, m.name.removesuffix(".monitor")):
            return m
    try:
        device = resolve_device(list_devices(), wanted)
    except AudioDeviceError as exc:
        raise AudioDeviceError(f"no system output device {spec!r} (see `assistant devices`)") from exc
    return SystemSource(device.name, device=device.index)
