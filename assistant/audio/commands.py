"""`assistant devices`: the microphones live capture can use, and apart from them the system-output
(monitor / loopback) inputs that `record --call --system-device` can read the call from."""

from __future__ import annotations

import argparse

from assistant.audio.capture import list_devices
from assistant.audio.system import LOOPBACK_HINT, is_loopback_name, pulse_monitors


def cmd_devices(args: argparse.Namespace) -> int:
    """Print index, name, channels and default rate of every input device; `*` marks the default.

    No PortAudio or no device raises AudioDeviceError, which the CLI turns into one line + exit 6.
    """
    devices = list_devices()
    microphones = [d for d in devices if not is_loopback_name(d.name)]
    loopbacks = [d for d in devices if is_loopback_name(d.name)]
    width = max(len(d.name) for d in devices)
    print("Audio input devices (* = default):")
    for d in microphones:
        mark = "*" if d.is_default else " "
        print(f"{mark} {d.index:>3}  {d.name:<{width}}  {d.channels:>2} ch  {d.default_samplerate:>6g} Hz")
    monitors = pulse_monitors()
    print("\nSystem output, for `record --call --system-device NAME` (* = the default output's monitor):")
    for m in monitors:
        print(f"{'*' if m.is_default else ' '}       {m.name}")
    for d in loopbacks:
        print(f"{'*' if d.is_default else ' '} {d.index:>3}  {d.name}")
    if not monitors and not loopbacks:
        print(f"  none found: {LOOPBACK_HINT}")
    return 0
