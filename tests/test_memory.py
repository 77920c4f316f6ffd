"""Memory that long meetings depend on: glibc's mmap threshold stays fixed, and a played file is
decoded as it plays (not held whole). The long-run figures are in bench/long_meeting.py."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import tracemalloc
from pathlib import Path

import numpy as np
import pytest

from assistant.audio.decode import decode_file, iter_decoded
from assistant.audio.filesource import FileSource
from assistant.memory import limit_heap_growth
from tests.support.children import noise, write_wav

# Run in a fresh interpreter: the setting is process-wide and the parent's heap history is unknown.
# mallinfo2().hblkhd = bytes held in mmapped blocks. After a 4 MiB block is freed, glibc's default
# raises its mmap threshold to 4 MiB, so a 1 MiB block then comes from the heap (hblkhd unchanged)
# and can stay resident after it is freed. With the threshold fixed it is mmapped (and unmapped at free).
PROBE = textwrap.dedent(
    """
    import ctypes, sys
    class MallInfo2(ctypes.Structure):
        _fields_ = [(n, ctypes.c_size_t) for n in
                    ("arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks",
                     "fordblks", "keepcost")]
    libc = ctypes.CDLL("libc.so.6")
    libc.mallinfo2.restype = MallInfo2
    libc.malloc.restype = ctypes.c_void_p
    libc.free.argtypes = [ctypes.c_void_p]
    if sys.argv[1] == "fixed":
        from assistant.memory import limit_heap_growth
        assert limit_heap_growth()
    libc.free(libc.malloc(4 << 20))
    before = libc.mallinfo2().hblkhd
    block = libc.malloc(1 << 20)
    print(libc.mallinfo2().hblkhd - before)
    libc.free(block)
    """
)


def _mmapped_growth(mode: str) -> int:
    out = subprocess.run([sys.executable, "-c", PROBE, mode], capture_output=True, text=True, check=True)
    return int(out.stdout)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc tuning")
def test_fixed_threshold_keeps_large_blocks_out_of_the_heap() -> None:
    assert _mmapped_growth("default") == 0  # the adaptation this guards against (proves the probe)
    assert _mmapped_growth("fixed") >= 1 << 20


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc tuning")
def test_limit_heap_growth_reports_that_it_applied() -> None:
    assert limit_heap_growth() is True


def test_streamed_decode_equals_whole_decode(tmp_path: Path) -> None:
    write_wav(tmp_path / "a.wav", noise(7.3, seed=3))
    whole = decode_file(tmp_path / "a.wav")
    streamed = np.concatenate(list(iter_decoded(tmp_path / "a.wav")))
    assert np.array_equal(whole, streamed)


def test_file_source_does_not_hold_the_whole_file(tmp_path: Path) -> None:
    write_wav(tmp_path / "long.wav", noise(300, seed=4))  # 5 min: 19 MB as float32
    tracemalloc.start()
    try:
        with FileSource(tmp_path / "long.wav", realtime=False) as src:
            total = 0
            while not src.finished:
                block = src.read(0.1)
                total += 0 if block is None else block.size
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert total == 300 * 16000
    assert peak < 4 << 20, f"peak {peak / 2**20:.1f} MiB while playing a 19 MiB recording"
