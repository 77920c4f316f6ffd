"""Run `assistant record --headless` in a child and collect its JSON lines with arrival times."""

from __future__ import annotations

import json
import subprocess
import threading
import time
from pathlib import Path
from typing import Any

from tests.support.cli import ROOT, cli_command, cli_env


class RecordChild:
    def __init__(self, args: list[str], env: dict[str, str] | None = None, cwd: Path = ROOT) -> None:
        """`env` adds to the cleaned environment every CLI test runs in (tests/support/cli.py)."""
        self.proc = subprocess.Popen(
            cli_command("record", "--headless", *args),
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=cli_env(env), cwd=cwd,
            stdin=subprocess.DEVNULL,
        )  # fmt: skip
        self.records: list[tuple[float, dict[str, Any]]] = []
        self.stderr = ""
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        self._err = threading.Thread(target=self._read_err, daemon=True)
        self._err.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.records.append((time.monotonic(), json.loads(line)))

    def _read_err(self) -> None:
        assert self.proc.stderr is not None
        self.stderr = self.proc.stderr.read()

    def of_type(self, kind: str) -> list[dict[str, Any]]:
        return [r for _, r in self.records if r.get("type") == kind]

    def wait_for(self, kind: str, timeout: float) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.of_type(kind)
            if found:
                return found[0]
            if self.proc.poll() is not None:
                self._reader.join(2)
                found = self.of_type(kind)
                if found:
                    return found[0]
                raise AssertionError(f"child exited {self.proc.returncode} before {kind!r}: {self.stderr[-1500:]}")
            time.sleep(0.1)
        raise AssertionError(f"no {kind!r} record within {timeout} s")

    def finish(self, timeout: float) -> int:
        rc = self.proc.wait(timeout=timeout)
        self._reader.join(5)
        self._err.join(5)
        return rc
