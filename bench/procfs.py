"""Resident memory read from /proc, for the benchmarks that sample processes while they run."""

from __future__ import annotations

from pathlib import Path


def status_kb(pid: int | None = None, field: str = "VmRSS") -> int:
    """A kB field of /proc/<pid>/status (this process when pid is None); 0 once the process is gone."""
    try:
        for line in Path(f"/proc/{pid or 'self'}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def rss_mb(pid: int | None = None) -> float:
    return status_kb(pid) / 1024
