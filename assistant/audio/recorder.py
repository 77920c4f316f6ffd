"""The durable recording: 16-bit PCM mono WAV appended as audio arrives, readable after a crash.

Crash model: every block goes straight to the kernel with os.write (no userspace buffer), so after
`kill -9` the only audio lost is what had not reached `write` yet (the capture queue, ~0.1 s). The
RIFF/data sizes in the header are patched and the file fsynced every `sync_interval` (0.5 s), so
after a power cut at most ~0.5 s is lost *and* the header is at most that stale. A header that is
stale anyway (crash between patches) is repaired by `recover_wav` from the real file size.
"""

from __future__ import annotations

import contextlib
import errno
import os
import struct
import time
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import BinaryIO

import numpy as np

from assistant.audio.decode import SAMPLE_RATE, Audio
from assistant.errors import RecordingError

HEADER_SIZE = 44
_PCM = 1
_MAX_RIFF = 0xFFFFFFFF  # sizes are u32: a WAV tops out at 4 GiB (~37 h of 16 kHz mono 16-bit)
_MAX_CHUNKS = 64  # a header never has more; bounds the scan of a damaged file


_REASONS = {
    errno.ENOSPC: "disk full",
    errno.EDQUOT: "disk quota exceeded",
    errno.EROFS: "read-only file system",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.ENOENT: "the folder does not exist",
    errno.EISDIR: "is a directory",
    errno.EIO: "I/O error (failing disk?)",
}


def describe_os_error(exc: OSError) -> str:
    """A short, actionable reason for an OSError (no path: callers put it first)."""
    if exc.errno in _REASONS:
        return _REASONS[exc.errno]
    return " ".join(str(exc.strerror or exc).split())[:120]


_why = describe_os_error


def pcm16(block: Audio) -> bytes:
    """float32 [-1, 1] → little-endian int16.

    Scaled by 32768 (not 32767) so that 16-bit input decoded as x/32768 round-trips bit-exactly;
    +1.0 clips to 32767.
    """
    x = np.nan_to_num(np.asarray(block, dtype=np.float32).reshape(-1), nan=0.0)
    pcm: bytes = np.clip(np.rint(x * 32768.0), -32768, 32767).astype("<i2").tobytes()
    return pcm


def wav_header(sample_rate: int, data_bytes: int, channels: int = 1) -> bytes:
    return struct.pack(
        "<4sI4s4sIHHIIHH4sI",
        b"RIFF", HEADER_SIZE - 8 + data_bytes, b"WAVE",
        b"fmt ", 16, _PCM, channels, sample_rate, sample_rate * 2 * channels, 2 * channels, 16,
        b"data", data_bytes,
    )  # fmt: skip


@dataclass(frozen=True)
class _Scan:
    """What a WAV file's header says, next to what the file really holds."""

    format_tag: int
    channels: int
    sample_rate: int
    bits: int
    block_align: int
    data_offset: int
    declared_riff: int
    declared_data: int
    file_size: int
    # A declared data size shorter than the file is right when well-formed chunks (e.g. LIST) follow
    # it up to EOF; otherwise the header is stale and the audio runs to the end of the file.
    declared_is_consistent: bool

    def usable_data(self) -> int:
        """Bytes of audio the file really holds (what the data chunk should declare)."""
        avail = self.file_size - self.data_offset
        if self.declared_data == avail or self.declared_is_consistent:
            return self.declared_data
        return avail - avail % max(1, self.block_align)


def _is_chunk_id(raw: bytes) -> bool:
    return len(raw) == 4 and all(0x20 <= c <= 0x7E for c in raw)


def _trailing_chunks_ok(f: BinaryIO, pos: int, size: int) -> bool:
    for _ in range(_MAX_CHUNKS):
        if pos >= size:
            return pos <= size + 1  # writers sometimes omit the final pad byte
        f.seek(pos)
        head = f.read(8)
        if len(head) < 8 or not _is_chunk_id(head[:4]):
            return False
        (length,) = struct.unpack("<I", head[4:])
        pos += 8 + length + (length & 1)
    return False


def _scan(f: BinaryIO, path: Path) -> _Scan:
    size = os.fstat(f.fileno()).st_size
    f.seek(0)
    riff = f.read(12)
    if len(riff) < 12 or riff[:4] != b"RIFF" or riff[8:] != b"WAVE":
        raise RecordingError(f"{path} is not a WAV recording")
    (declared_riff,) = struct.unpack("<I", riff[4:8])
    fmt: tuple[int, int, int, int, int] | None = None
    pos = 12
    for _ in range(_MAX_CHUNKS):
        f.seek(pos)
        head = f.read(8)
        if len(head) < 8:
            break
        cid, length = head[:4], struct.unpack("<I", head[4:])[0]
        if cid == b"fmt ":
            body = f.read(16)
            if len(body) < 16:
                break
            tag, channels, rate, _byte_rate, align, bits = struct.unpack("<HHIIHH", body)
            fmt = (tag, channels, rate, align, bits)
        elif cid == b"data":
            if fmt is None:
                break
            data_offset = pos + 8
            end = data_offset + length + (length & 1)
            consistent = 0 < length < size - data_offset and _trailing_chunks_ok(f, end, size)
            tag, channels, rate, align, bits = fmt
            return _Scan(tag, channels, rate, bits, align, data_offset, declared_riff, length, size, consistent)
        elif not _is_chunk_id(cid):
            break
        pos += 8 + length + (length & 1)
    raise RecordingError(f"{path} is not a WAV recording (no usable fmt/data header)")


def _patch_sizes(fd: int, data_offset: int, data_bytes: int, file_end: int) -> None:
    os.pwrite(fd, struct.pack("<I", file_end - 8), 4)
    os.pwrite(fd, struct.pack("<I", data_bytes), data_offset - 4)


def recover_wav(path: Path) -> float:
    """Make a WAV whose header sizes are stale or zero (a crashed recording) readable again.

    The data chunk is taken to run to the end of the file unless the header is consistent; a
    trailing partial sample is cut off. Writes only when something needs fixing (so a correct file on
    a read-only disk is fine). Returns the duration in seconds.
    """
    path = Path(path)
    try:
        with open(path, "rb") as f:
            scan = _scan(f, path)
    except OSError as exc:
        raise RecordingError(f"cannot read the recording {path}: {_why(exc)}") from exc
    data = scan.usable_data()
    end = scan.data_offset + data
    # Keep trailing chunks (only possible when the header was trusted) in the RIFF size.
    file_end = scan.file_size if data == scan.declared_data else end
    if data != scan.declared_data or scan.declared_riff != file_end - 8 or file_end != scan.file_size:
        try:
            fd = os.open(path, os.O_RDWR | os.O_CLOEXEC)
            try:
                if file_end != scan.file_size:
                    os.ftruncate(fd, file_end)
                _patch_sizes(fd, scan.data_offset, data, file_end)
                os.fsync(fd)
            finally:
                os.close(fd)
        except OSError as exc:
            raise RecordingError(f"cannot repair the recording {path}: {_why(exc)}") from exc
    if scan.sample_rate <= 0 or scan.block_align <= 0:
        raise RecordingError(f"{path} is not a WAV recording (bad fmt header)")
    return (data // scan.block_align) / scan.sample_rate


class WavRecorder:
    """Append 16 kHz 16-bit PCM to a WAV file, crash-safely. One writer thread. Mono, or `channels`
    interleaved (a call: microphone left, call right), written frame-whole so both stay in step.

    An existing non-empty file is never truncated: without `resume` that is an error, with it the
    file is repaired (`recover_wav`) and extended. New files are created with mode 0o600 (a meeting
    recording is private). Any OSError (disk full, read-only, I/O) becomes a RecordingError; what was
    written before stays a valid WAV, and later calls raise the same error.
    """

    def __init__(
        self,
        path: Path,
        *,
        resume: bool = False,
        sample_rate: int = SAMPLE_RATE,
        sync_interval: float = 0.5,
        channels: int = 1,
    ) -> None:
        self.path = Path(path)
        self.sample_rate = sample_rate
        self.channels, self._align = channels, 2 * channels
        self._sync_interval = sync_interval
        self._fd, self._data_offset = -1, HEADER_SIZE
        self._data_bytes = self._resumed_bytes = 0
        self._error: RecordingError | None = None
        state = self._existing()
        if state == "missing":
            self._create(overwrite=False)
        elif state == "empty":
            self._create(overwrite=True)
        elif resume:
            self._resume()
        else:
            raise RecordingError(
                f"{self.path} already holds a recording; refusing to overwrite it (resume it or pick another name)"
            )
        self._last_sync = time.monotonic()

    # --- opening ----------------------------------------------------------------------------------
    def _existing(self) -> str:
        try:
            size = self.path.stat().st_size
        except FileNotFoundError:
            return "missing"
        except OSError as exc:
            raise RecordingError(f"cannot open the recording {self.path}: {_why(exc)}") from exc
        if size == 0:
            return "empty"
        try:
            with open(self.path, "rb") as f:
                if size < HEADER_SIZE and f.read(4) == b"RIFF":
                    return "empty"  # killed while writing the header: holds no audio
                return "empty" if _scan(f, self.path).usable_data() == 0 else "recording"
        except OSError as exc:
            raise RecordingError(f"cannot open the recording {self.path}: {_why(exc)}") from exc

    def _create(self, *, overwrite: bool) -> None:
        # O_EXCL: if someone created the file since we looked, fail rather than clobber it.
        flags = os.O_WRONLY | os.O_CREAT | os.O_CLOEXEC | (os.O_TRUNC if overwrite else os.O_EXCL)
        try:
            self._fd = os.open(self.path, flags, 0o600)
            if overwrite:
                os.fchmod(self._fd, 0o600)
            _write_all(self._fd, wav_header(self.sample_rate, 0, self.channels))
            os.fsync(self._fd)
        except OSError as exc:
            self._close_quietly()
            raise RecordingError(f"cannot create the recording {self.path}: {_why(exc)}") from exc
        _fsync_dir(self.path.parent)

    def _resume(self) -> None:
        recover_wav(self.path)
        try:
            with open(self.path, "rb") as f:
                scan = _scan(f, self.path)
            layout = (scan.format_tag, scan.channels, scan.bits, scan.sample_rate)
            if layout != (_PCM, self.channels, 16, self.sample_rate):
                raise RecordingError(
                    f"cannot resume {self.path}: it is {scan.sample_rate} Hz, {scan.channels} channel(s), "
                    f"{scan.bits}-bit; expected {self.sample_rate} Hz {self.channels} channel(s) 16-bit PCM"
                )
            if scan.data_offset + scan.declared_data != scan.file_size:
                raise RecordingError(f"cannot resume {self.path}: audio is not the last part of the file")
            # No O_APPEND: on Linux pwrite() ignores its offset under O_APPEND, and the header patch needs it.
            self._fd = os.open(self.path, os.O_WRONLY | os.O_CLOEXEC)
            os.lseek(self._fd, 0, os.SEEK_END)
        except OSError as exc:
            self._close_quietly()
            raise RecordingError(f"cannot resume the recording {self.path}: {_why(exc)}") from exc
        self._data_offset = scan.data_offset
        self._data_bytes = self._resumed_bytes = scan.declared_data

    # --- writing ----------------------------------------------------------------------------------
    def write(self, block: Audio) -> None:
        """Append a block of float32 samples in [-1, 1] (clipped outside); shape (n, channels) if several."""
        self._check_open()
        data = pcm16(block)
        if self._data_offset + self._data_bytes + len(data) - 8 > _MAX_RIFF:
            self._error = RecordingError(
                f"{self.path} reached the 4 GiB WAV size limit ({self.duration / 3600:.1f} h); start a new recording"
            )
            self.sync()
            raise self._error
        try:
            view = memoryview(data)
            while view:
                # A short write (disk filling up) is followed by an OSError on the next call.
                n = os.write(self._fd, view)
                self._data_bytes += n
                view = view[n:]
        except OSError as exc:
            self._fail(exc)
        if time.monotonic() - self._last_sync >= self._sync_interval:
            self.sync()

    def sync(self) -> None:
        """Patch the header sizes and fsync: everything written so far survives a crash."""
        if self._fd < 0:
            return
        try:
            self._patch_header()
            os.fsync(self._fd)
        except OSError as exc:
            self._fail(exc)
        self._last_sync = time.monotonic()

    def close(self) -> None:
        if self._fd < 0:
            return
        try:
            self.sync()
        finally:
            self._close_quietly()

    def __enter__(self) -> WavRecorder:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    # --- state ------------------------------------------------------------------------------------
    @property
    def frames(self) -> int:
        return self._data_bytes // self._align

    @property
    def duration(self) -> float:
        """Seconds in the file, including what a resumed recording already held."""
        return self.frames / self.sample_rate

    @property
    def resumed_duration(self) -> float:
        """Seconds the file held when it was resumed (0 for a new recording)."""
        return self._resumed_bytes // self._align / self.sample_rate

    @property
    def error(self) -> RecordingError | None:
        return self._error

    # --- internals --------------------------------------------------------------------------------
    def _check_open(self) -> None:
        if self._error is not None:
            raise self._error
        if self._fd < 0:
            raise RecordingError(f"the recording {self.path} is closed")

    def _patch_header(self) -> None:
        even = self._data_bytes - self._data_bytes % self._align
        _patch_sizes(self._fd, self._data_offset, even, self._data_offset + even)

    def _fail(self, exc: OSError) -> None:
        """Turn an OSError into the sticky RecordingError, leaving a valid WAV behind if possible."""
        if partial := self._data_bytes % self._align:  # a short write can end mid-frame; cutting it frees space
            with contextlib.suppress(OSError):
                os.ftruncate(self._fd, self._data_offset + self._data_bytes - partial)
                self._data_bytes -= partial
        with contextlib.suppress(OSError):
            self._patch_header()
        with contextlib.suppress(OSError):
            os.fsync(self._fd)
        self._close_quietly()
        self._error = RecordingError(
            f"cannot write the recording {self.path}: {_why(exc)} ({self.duration:.1f} s saved)"
        )
        raise self._error from exc

    def _close_quietly(self) -> None:
        if self._fd >= 0:
            with contextlib.suppress(OSError):
                os.close(self._fd)
            self._fd = -1


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _fsync_dir(folder: Path) -> None:
    # Makes the new directory entry durable; some filesystems refuse fsync on a directory.
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
