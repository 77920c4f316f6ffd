"""A private PulseAudio daemon whose default source hears whatever is played: a virtual microphone.

Recipe (docs/testing-recipes.md): a 16 kHz mono null sink, its monitor remapped as the default
source `virtmic`, a silent keep-alive playback stream (an idle null sink renders in ~2 s bursts),
and a settle wait until a short read arrives promptly. `play(wav)` is "speaking into the mic".

PortAudio enumerates devices once per process, at `import sounddevice`. The fixture sets
PULSE_SERVER in os.environ too, but that only helps code that has not imported sounddevice yet:
run capture code in a child process (pass `mic.env`), which is what these tests do.

Usage: the session-scoped pytest fixture `virtual_mic` (import it into conftest.py), or
`with VirtualMic(tmp_dir) as mic: ...` outside pytest.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType

import pytest

RATE = 16_000
_CONFIG = """\
load-module module-native-protocol-unix auth-anonymous=1 socket={dir}/native
load-module module-null-sink sink_name=virt_speaker rate={rate} channels=1
load-module module-remap-source source_name=virtmic master=virt_speaker.monitor
set-default-sink virt_speaker
set-default-source virtmic
"""
_RAW = ["--raw", "--format=s16le", f"--rate={RATE}", "--channels=1", "--latency-msec=20"]


class VirtualMicError(RuntimeError):
    pass


class VirtualMic:
    """Start/stop the daemon and its keep-alive stream; everything is stopped by the PIDs saved here."""

    def __init__(self, workdir: Path, *, settle_timeout: float = 15.0) -> None:
        self.dir = Path(workdir)
        self.server = f"unix:{self.dir}/native"
        self._settle_timeout = settle_timeout
        self._daemon: subprocess.Popen[bytes] | None = None
        self._keepalive: subprocess.Popen[bytes] | None = None
        self._players: list[subprocess.Popen[bytes]] = []
        self._saved_env: str | None = None

    @property
    def env(self) -> dict[str, str]:
        """Environment for child processes: the private server, nothing else changed."""
        env = dict(os.environ)
        env["PULSE_SERVER"] = self.server
        env.pop("PULSE_SOURCE", None)
        env.pop("PULSE_SINK", None)
        return env

    def start(self) -> None:
        self.dir.mkdir(parents=True, exist_ok=True)
        (self.dir / "virtmic.pa").write_text(_CONFIG.format(dir=self.dir, rate=RATE))
        daemon_env = self.env
        # Keep the daemon's state (cookie, runtime dir) out of $HOME and away from other daemons.
        daemon_env["PULSE_RUNTIME_PATH"] = str(self.dir / "runtime")
        daemon_env["PULSE_STATE_PATH"] = str(self.dir / "state")
        daemon_env.pop("PULSE_SERVER")
        with open(self.dir / "pulse.out", "wb") as out:
            # Foreground mode (--daemonize=no) so the Popen PID *is* the daemon's PID.
            self._daemon = subprocess.Popen(
                [
                    "pulseaudio", "-n", "--daemonize=no", "--exit-idle-time=-1", "--disallow-exit=yes",
                    "--use-pid-file=no", "--disable-shm=yes", "-F", str(self.dir / "virtmic.pa"),
                    f"--log-target=file:{self.dir / 'pulse.log'}",
                ],
                stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT, env=daemon_env,
            )  # fmt: skip
        try:
            self._wait_for_server()
            # Silent playback for the daemon's lifetime: /dev/zero never ends. Without it an idle null
            # sink renders in ~2 s bursts and capture starts late and short.
            with open("/dev/zero", "rb") as zero, open(self.dir / "keepalive.out", "wb") as out:
                self._keepalive = subprocess.Popen(
                    ["pacat", "--playback", *_RAW],
                    stdin=zero,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    env=self.env,
                )
            self._wait_for_settle()
        except BaseException:
            self.stop()
            raise
        self._saved_env = os.environ.get("PULSE_SERVER")
        os.environ["PULSE_SERVER"] = self.server
        if "sounddevice" in sys.modules:
            warnings.warn(
                "sounddevice was imported before the virtual mic started: PortAudio in this process "
                "will not see it; run capture code in a subprocess with mic.env",
                stacklevel=2,
            )

    def _wait_for_server(self) -> None:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            assert self._daemon is not None
            if self._daemon.poll() is not None:
                raise VirtualMicError(f"pulseaudio exited with {self._daemon.returncode}: {self._log_tail()}")
            ok = subprocess.run(["pactl", "info"], env=self.env, capture_output=True, timeout=5)
            if ok.returncode == 0:
                return
            time.sleep(0.05)
        raise VirtualMicError(f"pulseaudio did not answer within 10 s: {self._log_tail()}")

    def _wait_for_settle(self) -> None:
        # Right after start the source delivers late; wait until 0.1 s of audio arrives within 0.5 s.
        probe = f"parec {' '.join(_RAW)} | head -c 3200 >/dev/null"
        deadline = time.monotonic() + self._settle_timeout
        while time.monotonic() < deadline:
            r = subprocess.run(["timeout", "0.5", "sh", "-c", probe], env=self.env, capture_output=True)
            if r.returncode == 0:
                return
        raise VirtualMicError(f"virtual mic did not settle within {self._settle_timeout:.0f} s: {self._log_tail()}")

    def play(self, path: Path) -> subprocess.Popen[bytes]:
        """Start playing a sound file into the mic; wait() on the result to know when it ended."""
        p = subprocess.Popen(["paplay", str(path)], env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        self._players.append(p)
        return p

    def stop(self) -> None:
        for p in [*self._players, self._keepalive, self._daemon]:
            if p is not None:
                _stop(p)
        self._players.clear()
        self._keepalive = self._daemon = None
        if os.environ.get("PULSE_SERVER") == self.server:
            if self._saved_env is None:
                os.environ.pop("PULSE_SERVER", None)
            else:
                os.environ["PULSE_SERVER"] = self._saved_env

    def _log_tail(self) -> str:
        text = ""
        for name in ("pulse.log", "pulse.out"):
            with contextlib.suppress(OSError):
                text += (self.dir / name).read_text(errors="replace")
        return " | ".join(text.strip().splitlines()[-5:])

    def __enter__(self) -> VirtualMic:
        self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


def _stop(p: subprocess.Popen[bytes]) -> None:
    if p.poll() is not None:
        return
    p.send_signal(signal.SIGTERM)
    try:
        p.wait(timeout=5)
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait(timeout=5)


@pytest.fixture(scope="session")
def virtual_mic() -> Iterator[VirtualMic]:
    """A running virtual microphone for the whole test session (skipped only without `pulseaudio`)."""
    if shutil.which("pulseaudio") is None:
        pytest.skip("pulseaudio is not installed (apt install pulseaudio pulseaudio-utils libasound2-plugins)")
    # A short private path: the socket path must fit in sun_path (108 bytes).
    with tempfile.TemporaryDirectory(prefix="virtmic-") as tmp, VirtualMic(Path(tmp)) as mic:
        yield mic
