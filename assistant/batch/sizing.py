"""How many recordings run at once, and what one needs (bench/batch_throughput.py measures both).

One job transcribes with faster-whisper on `cpus // jobs` threads and drafts through the LLM server.
Its peak resident memory with the bundled Whisper base: 455 MB without speaker attribution, 898 MB
with it (torch + CAM++) on a 90 s clip, 1,464 MB in a Ray worker after two 3-minute fixture meetings
(diarization grows with the meeting; Ray adds its own): WORKER_MEMORY_MB rounds that up. The shared
embedded LLM server needs LLM_SERVER_MB more. On 2 cores, two 1-thread jobs did 1.61x the recordings
per hour of one 2-thread job (same run): CTranslate2 gains little from its second thread on these
short pieces, and the single-core parts of a job (decoding, diarization, rules, saving) overlap. So the
default is one job per core, as far as memory allows.
"""

from __future__ import annotations

import os

from assistant.config import Settings

WORKER_MEMORY_MB = 1600
"""One job's peak RSS with Whisper base and speaker attribution on (measured up to 1,464 MB; rounded up)."""
LLM_SERVER_MB = 1700
"""The embedded llama.cpp server's peak RSS (measured 1,545 MB in bench/server_ubatch.py; rounded up)."""


def available_memory_mb() -> int:
    """MemAvailable from /proc/meminfo (Linux); elsewhere the physical memory."""
    try:
        with open("/proc/meminfo", encoding="ascii") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) // 1024
    except OSError:
        pass
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // (1 << 20)
    except (ValueError, OSError, AttributeError):
        return 4096


def cpu_count() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def default_jobs(cpus: int, memory_mb: int, embedded_llm: bool) -> int:
    """One job per core, as many as fit in memory beside the embedded LLM server; at least one."""
    budget = memory_mb - (LLM_SERVER_MB if embedded_llm else 0)
    return max(1, min(cpus, budget // WORKER_MEMORY_MB))


def asr_threads(settings: Settings, cpus: int, jobs: int) -> int:
    """Threads per job's Whisper: the configured number, else the cores shared out (never oversubscribed)."""
    return settings.asr.cpu_threads or max(1, cpus // jobs)
