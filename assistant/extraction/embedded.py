"""Start and stop the embedded OpenAI-compatible llama.cpp server on 127.0.0.1 (a free port)."""

from __future__ import annotations

import atexit
import logging
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import TracebackType

from assistant.config import LlmSettings
from assistant.errors import LLMError
from assistant.extraction.llm import LLMUnavailable
from assistant.extraction.weights import bundled_gguf

log = logging.getLogger(__name__)

EMBEDDED_MODEL_NAME = "qwen2.5-coder-1.5b-instruct"


def _die_with_parent() -> None:
    """Runs in the child before exec: on Linux, ask the kernel to kill the server when we die,
    even by kill -9, so a crashed assistant never leaves a 2 GB model server behind. The kernel's
    "parent" is the *thread* that forked it, hence `_LAUNCHER`."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        # SIGKILL, not SIGTERM: uvicorn would first finish the request in flight, for minutes.
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


# Every server process is forked from this one long-lived thread: with PR_SET_PDEATHSIG a server
# (re)started by a live-mode worker thread was killed as soon as that worker ended (~10 s to reload
# on the next request). The pool's thread lives until the interpreter shuts down.
_LAUNCHER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="llm-server-launcher")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class EmbeddedServer:
    """`with EmbeddedServer(settings, cache_dir) as server: server.base_url` — stopped on exit, always."""

    def __init__(self, settings: LlmSettings, cache_dir: Path, startup_timeout_s: float = 180.0) -> None:
        self.settings = settings
        self.cache_dir = cache_dir
        self.startup_timeout_s = startup_timeout_s
        self.proc: subprocess.Popen[bytes] | None = None
        self.port = 0
        self.log_path = cache_dir / "logs" / "llm-server.log"
        self.restarts = 0
        self._wanted = False
        """Started and not stopped: a dead process is then a crash to recover from."""
        self._paused = False
        """Stopped by `pause` to free its memory: the next request starts it again, not a crash."""
        self._atexit_registered = False

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def start(self) -> EmbeddedServer:
        try:
            import llama_cpp  # noqa: F401  (checked here so the message names the missing package)
        except ImportError as exc:
            raise LLMError("embedded LLM runtime missing: pip install 'llama-cpp-python[server]==0.3.36'") from exc
        gguf = self.settings.gguf or bundled_gguf(self.cache_dir)
        if not gguf.is_file():
            raise LLMError(f"LLM weights not found: {gguf}")
        self._launch(gguf, free_port())
        self._wanted = True
        if not self._atexit_registered:
            atexit.register(self.stop)
            self._atexit_registered = True
        self._wait_ready()
        return self

    def ensure_running(self) -> None:
        """Restart the server if it died under us (OOM killer, crash, kill -9), on the same port so
        clients keep their URL. Called before every request; a no-op while it runs or once stopped."""
        proc = self.proc
        if not self._wanted or (proc is not None and proc.poll() is None):
            return
        if self._paused:
            log.info("starting the paused embedded LLM server again")
        else:
            log.warning("embedded LLM server exited (code %s); restarting it", proc.returncode if proc else None)
            self.restarts += 1
        self._paused = False
        try:
            self._launch(self.settings.gguf or bundled_gguf(self.cache_dir), self.port)
            self._wait_ready()
        except LLMError as exc:
            # Worth retrying later (the port may still be held): the caller backs off and calls again.
            self._wanted = True
            raise LLMUnavailable(f"embedded LLM server died and did not restart: {exc.message}") from exc

    def _launch(self, gguf: Path, port: int) -> None:
        self.port = port
        # One log per server: several assistants (or tests) may run at once.
        self.log_path = self.cache_dir / "logs" / f"llm-server-{self.port}.log"
        threads = self.settings.threads or (os.cpu_count() or 1)
        cmd = [
            sys.executable, "-m", "llama_cpp.server",
            "--model", str(gguf),
            "--model_alias", EMBEDDED_MODEL_NAME,
            "--host", "127.0.0.1",
            "--port", str(self.port),
            "--n_ctx", str(self.settings.n_ctx),
            "--n_threads", str(threads),
            "--n_threads_batch", str(threads),
            # llama.cpp repacks the Q4_K weights for AVX2; with mmap the original pages stay resident
            # too. Reading into memory instead measured 1.4 GB RSS against 2.0 GB.
            "--use_mmap", "False",
            # The server defaults to logits for EVERY token (for logprobs, which we never ask for): an
            # n_ctx × vocabulary float32 array (4096 × 151,936 × 4 B = 2.5 GB) that fills as the context
            # does, plus the output projection computed for every prompt token. Off: last token only.
            "--logits_all", "False",
            # The compute buffer is sized for a worst-case micro-batch, whose logits alone are
            # n_ubatch × vocabulary floats: 306 MiB at the default 512, 76 MiB at 128 (pages touched as
            # prompts grow, so a long meeting's server grew by that much). bench/server_ubatch.py, 2 cores,
            # 545-3,832-token prompts: peak 1,545 MB against 1,641 MB, wall x 0.99.
            "--n_ubatch", "128",
        ]  # fmt: skip
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        out = open(self.log_path, "wb")  # noqa: SIM115  (owned by the child for its lifetime)
        # start_new_session: a Ctrl-C in the terminal reaches us, not the server; we stop it ourselves.
        env = dict(os.environ)
        # llama.cpp's OpenMP threads spin while waiting for each other; when the cores are shared (live
        # mode runs Whisper at the same time) spinning made generation 4-6x slower in measurements.
        env.setdefault("OMP_WAIT_POLICY", "PASSIVE")
        self.proc = _LAUNCHER.submit(
            subprocess.Popen,
            cmd,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
            env=env,
            preexec_fn=_die_with_parent,
        ).result()
        out.close()

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + self.startup_timeout_s
        while time.monotonic() < deadline:
            assert self.proc is not None
            if self.proc.poll() is not None:
                tail = self._log_tail()
                self.proc = None
                raise LLMError(f"embedded LLM server exited during start-up: {tail}")
            try:
                with urllib.request.urlopen(f"{self.base_url}/models", timeout=2) as resp:
                    if resp.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.25)
        self.stop()
        raise LLMError(f"embedded LLM server did not become ready in {self.startup_timeout_s:.0f} s")

    def _log_tail(self) -> str:
        try:
            lines = [ln for ln in self.log_path.read_text(errors="replace").splitlines() if ln.strip()]
        except OSError:
            return "no log"
        return lines[-1][:200] if lines else "no output"

    def pause(self) -> None:
        """Stop the process while no request is expected, e.g. during the final speaker pass, whose
        diarization of a long meeting otherwise runs beside an idle 1.5 GB server. The next request
        (`ensure_running`) starts it again on the same port, ~10 s later; a stopped server stays stopped."""
        if not self._wanted or self.proc is None:
            return
        self._paused = True
        self._terminate()
        log.info("embedded LLM server paused")

    def stop(self) -> None:
        self._wanted = False
        self._terminate()

    def _terminate(self) -> None:
        proc, self.proc = self.proc, None
        if proc is None or proc.poll() is not None:
            return
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)
        self.log_path.unlink(missing_ok=True)  # kept only when start-up failed (its tail is in the error)

    def __enter__(self) -> EmbeddedServer:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
