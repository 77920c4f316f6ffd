"""Processes and their resident memory read from /proc, for the benchmarks that sample them while they run:
one process, a process and all its children, the LLM server an assistant started itself."""

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


def tree_rss_mb(root: int) -> float:
    """RSS of `root` and all its descendants (a process's children read from /proc/*/stat)."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += status_kb(pid)
        todo.extend(children.get(pid, []))
    return total / 1024


def child_server(root: int) -> int | None:
    """The embedded LLM server the assistant `root` started itself (`--own-server`), if it runs now."""
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            argv = cmdline.read_bytes().split(b"\0")
            ppid = int(Path(cmdline.parent, "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        if ppid == root and b"llama_cpp.server" in argv:
            return int(cmdline.parent.name)
    return None
