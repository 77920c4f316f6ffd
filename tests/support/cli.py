"""Run the `assistant` command as a user would, and check its one-line errors.

Every test that runs the CLI in a child goes through `run_cli`: the caller's ASSISTANT_* / OPENAI_*
variables and any user config file never leak into a test (ASSISTANT_CONFIG points at a file that
does not exist on purpose: defaults only), stdin is closed, and the child runs from the repository.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NO_CONFIG = ROOT / "tests" / "no-config.toml"
ERROR_PREFIX = "assistant: error: "


def cli_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """This process's environment without the assistant's own settings, plus `extra`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ASSISTANT_", "OPENAI_"))}
    env["ASSISTANT_CONFIG"] = str(NO_CONFIG)
    return env | dict(extra or {})


def cli_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "assistant", *args]


def run_cli(
    *args: str,
    env: Mapping[str, str] | None = None,
    cwd: Path = ROOT,
    timeout: float = 300,
    prefix: Sequence[str] = (),
) -> subprocess.CompletedProcess[str]:
    """`assistant ARGS...` in a child (after `prefix`, e.g. a privilege-dropping wrapper); `env` adds to
    or overrides the cleaned environment."""
    return subprocess.run(
        [*prefix, *cli_command(*args)],
        capture_output=True, text=True, env=cli_env(env), cwd=cwd, timeout=timeout, stdin=subprocess.DEVNULL,
    )  # fmt: skip


def assert_one_error_line(proc: subprocess.CompletedProcess[str], *needles: str, exit_code: int | None = None) -> str:
    """The command failed the way every user-facing error must: a non-zero exit (`exit_code` when
    given), no traceback, exactly one line on stderr, "assistant: error: ..." holding every needle.
    Returns that line."""
    if exit_code is None:
        assert proc.returncode != 0, (proc.returncode, proc.stderr)
    else:
        assert proc.returncode == exit_code, (proc.returncode, proc.stderr)
    assert "Traceback" not in proc.stderr, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    line = lines[0]
    assert line.startswith(ERROR_PREFIX), line
    for needle in needles:
        assert needle in line, (needle, line)
    return line
