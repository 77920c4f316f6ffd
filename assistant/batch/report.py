"""What a batch shows: one progress bar on stderr (recordings done / total, minutes of audio, ETA),
one line per failure or skipped input, a summary table at the end; or, with `--json`, one JSON object
per line on stdout for scripts (`event`: skipped, done, retry, failed, interrupted, summary).

Paths and reasons are untrusted text (file names, transcript words in errors): shown as plain
`Text`, never as Rich markup.
"""

from __future__ import annotations

import json
import sys
import time
from collections import Counter
from typing import Any, TextIO

from rich.console import Console
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeRemainingColumn
from rich.table import Table
from rich.text import Text

JSON_VERSION = 1


class BatchReport:
    def __init__(self, as_json: bool, out: TextIO | None = None, err: TextIO | None = None) -> None:
        self.as_json = as_json
        self.out = out or sys.stdout
        self.counts: Counter[str] = Counter()
        self.audio_s = 0.0
        self.started = time.monotonic()
        self._err = Console(file=err or sys.stderr, highlight=False, soft_wrap=True)
        self._progress: Progress | None = None
        self._task: TaskID | None = None
        self._total = 0
        self._done = 0

    # --- the run ---------------------------------------------------------------------------------

    def start(self, recordings: int, audio_s: float) -> None:
        """The progress bar, in audio seconds (recordings differ in length: the ETA follows the audio)."""
        self._total = recordings
        if self.as_json or recordings == 0:
            return
        self._progress = Progress(
            TextColumn("batch"),
            BarColumn(),
            TextColumn("{task.fields[recordings]} recordings"),
            TextColumn("{task.fields[minutes]} min audio"),
            TextColumn("ETA"),
            TimeRemainingColumn(),
            console=self._err,
            transient=False,
        )
        self._progress.start()
        self._task = self._progress.add_task("batch", total=max(audio_s, 1.0), **self._fields(0.0, audio_s))

    def _fields(self, done_s: float, total_s: float) -> dict[str, Any]:
        return {"recordings": f"{self._done}/{self._total}", "minutes": f"{done_s / 60:.1f}/{total_s / 60:.1f}"}

    def advance(self, audio_s: float) -> None:
        self._done += 1
        if self._progress is not None and self._task is not None:
            task = self._progress.tasks[0]
            done = task.completed + audio_s
            self._progress.update(self._task, completed=done, **self._fields(done, task.total or 0.0))

    def stop(self) -> None:
        if self._progress is not None:
            self._progress.stop()
            self._progress = None

    # --- events ----------------------------------------------------------------------------------

    def skipped(self, path: str, reason: str, kind: str = "skipped") -> None:
        """An input not processed: bad, duplicate, already done (`kind` "done_before": no line shown)."""
        self.counts[kind] += 1
        self._event(kind if kind != "done_before" else "skipped", path=path, reason=reason)
        if kind != "done_before":
            self._line(f"skipped {path}: {reason}")

    def done(self, path: str, session: str, audio_s: float, wall_s: float, items: int, **more: Any) -> None:
        self.counts["done"] += 1
        self.audio_s += audio_s
        self._event("done", path=path, session=session, audio_s=round(audio_s, 1), wall_s=round(wall_s, 1),
                    items=items, **more)  # fmt: skip
        self.advance(audio_s)

    def retry(self, path: str, reason: str, attempt: int) -> None:
        self._event("retry", path=path, reason=reason, attempt=attempt)
        self._line(f"retrying {path} (attempt {attempt} failed: {reason})")

    def failed(self, path: str, reason: str, audio_s: float, *, bad: bool = False) -> None:
        self.counts["bad" if bad else "failed"] += 1
        self._event("skipped" if bad else "failed", path=path, reason=reason)
        self._line(f"{'skipped' if bad else 'failed'} {path}: {reason}")
        self.advance(audio_s)

    def interrupted(self, left: int) -> None:
        self._event("interrupted", left=left)
        self._line(f"interrupted: {left} recordings left; run the same command again to continue")

    def _event(self, event: str, **fields: Any) -> None:
        if self.as_json:
            print(json.dumps({"version": JSON_VERSION, "event": event, **fields}), file=self.out, flush=True)

    def _line(self, text: str) -> None:
        if not self.as_json:
            console = self._progress.console if self._progress is not None else self._err
            console.print(Text(f"assistant: {text}"))  # above the bar, which keeps redrawing below

    # --- the end ---------------------------------------------------------------------------------

    def summary(self, mode: str) -> dict[str, Any]:
        self.stop()
        wall = time.monotonic() - self.started
        figures = {
            "mode": mode,
            "done": self.counts["done"],
            "done_before": self.counts["done_before"],
            "failed": self.counts["failed"],
            "skipped": self.counts["bad"] + self.counts["skipped"],
            "audio_min": round(self.audio_s / 60, 2),
            "wall_s": round(wall, 1),
            "recordings_per_hour": round(self.counts["done"] * 3600 / wall, 1) if wall > 0 else 0.0,
        }
        if self.as_json:
            self._event("summary", **figures)
            return figures
        table = Table(title=f"batch ({mode})", show_header=True)
        table.add_column("result")
        table.add_column("recordings", justify="right")
        for label, key in (("processed now", "done"), ("done before", "done_before"), ("failed", "failed"),
                           ("skipped (bad, duplicate, busy)", "skipped")):  # fmt: skip
            table.add_row(label, str(figures[key]))
        table.add_row("audio processed", f"{figures['audio_min']:.1f} min")
        table.add_row("wall time", f"{wall:.0f} s")
        Console(file=self.out, highlight=False).print(table)
        return figures
