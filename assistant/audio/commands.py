"""`assistant devices`: list the microphones live capture can use."""

from __future__ import annotations

import argparse

from assistant.audio.capture import list_devices


def cmd_devices(args: argparse.Namespace) -> int:
    """Print index, name, channels and default rate of every input device; `*` marks the default.

    No PortAudio or no device raises AudioDeviceError, which the CLI turns into one line + exit 6.
    """
    devices = list_devices()
    width = max(len(d.name) for d in devices)
    print("Audio input devices (* = default):")
    for d in devices:
        mark = "*" if d.is_default else " "
        print(f"{mark} {d.index:>3}  {d.name:<{width}}  {d.channels:>2} ch  {d.default_samplerate:>6g} Hz")
    return 0
