"""Keep the heap from holding on to memory the process has freed (glibc only).

glibc serves large allocations with mmap and returns them at `free`, but it raises that threshold
each time such a block is freed (up to 32 MiB), after which the same sizes come from the heap and
stay resident as fragments. The speaker model allocates tensors of a new size for every line it
embeds: with the default, the process grew by ~0.5 GB within minutes of a live meeting and kept it.
A fixed threshold turns the adaptation off (measured: +510 MB → +74 MB over 150 embeddings,
`bench/long_meeting.py` has the whole-run figures). It costs CPU: freshly mapped blocks fault in
page by page (ASR CPU x1.28, speaker embedding x1.86 in `bench/heap_threshold.py`).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import sys

M_MMAP_THRESHOLD = -3  # from glibc's malloc.h
MMAP_THRESHOLD_BYTES = 128 * 1024  # glibc's own starting value


def limit_heap_growth() -> bool:
    """Fix glibc's mmap threshold for this process. True if it was set (False on other C libraries)."""
    if not sys.platform.startswith("linux"):
        return False
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name or "libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):  # musl and others have no mallopt: nothing to tune
        return False
    return bool(mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES))
