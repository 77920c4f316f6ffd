"""Drive a batch: plan it, start the LLM once (the embedded server, shared by every job, or the
configured endpoint), hand recordings to the executor (local worker processes or Ray tasks) as slots
free up, record each outcome in the ledger, retry failures (bounded), stop cleanly on Ctrl-C.

The ledger is written only here, by the coordinator, under a lease it renews; a worker that dies
costs the one recording it had, which comes back as failed and is retried.
"""

from __future__ import annotations

import contextlib
import time
import uuid
from collections import deque
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from assistant.batch.inputs import collect
from assistant.batch.job import Outcome, Task, worker_id
from assistant.batch.ledger import LEASE_S, MAX_ATTEMPTS, Ledger
from assistant.batch.plan import Planned, plan
from assistant.batch.report import BatchReport
from assistant.batch.sizing import WORKER_MEMORY_MB, asr_threads, available_memory_mb, cpu_count, default_jobs
from assistant.config import Settings
from assistant.errors import LLMError

OUT_DIR = Path(".batch") / "out"


class Executor(Protocol):
    crashes: int

    @property
    def slots(self) -> int: ...

    @property
    def busy(self) -> int: ...

    def submit(self, task: Task) -> None: ...

    def wait(self, timeout: float) -> list[Outcome]: ...

    def close(self, cancel: bool = False) -> None: ...


@dataclass
class BatchOptions:
    inputs: list[Path]
    settings: Settings
    jobs: int | None = None
    ray: str | None = None
    retry_failed: bool = False
    max_attempts: int = MAX_ATTEMPTS


def run_batch(opts: BatchOptions, report: BatchReport) -> dict[str, Any]:
    """The batch's summary figures (also shown by `report`). Ctrl-C: in-flight recordings are given
    back to the ledger and KeyboardInterrupt propagates."""
    root = opts.settings.storage.sessions_root
    items, rejected = collect(opts.inputs)
    for bad in rejected:
        report.skipped(bad.path, bad.reason)
    ledger = Ledger.of(root)
    try:
        if opts.retry_failed:
            ledger.reset_attempts()
        queue = plan(items, ledger, report.skipped, opts.max_attempts)
        mode = f"ray {opts.ray}" if opts.ray else "local"
        if queue:
            mode = _run(queue, opts, ledger, report, root)
        return report.summary(mode)
    finally:
        ledger.close()


def _run(queue: list[Planned], opts: BatchOptions, ledger: Ledger, report: BatchReport, root: Path) -> str:
    cpus = cpu_count()
    with ExitStack() as stack:
        # The executor first: a missing Ray or an unreachable cluster fails before the LLM loads.
        if opts.ray:
            from assistant.batch.cluster import RayExecutor, TaskResources

            threads = opts.settings.asr.cpu_threads or 1
            gpus = 1.0 if opts.settings.asr.device == "cuda" else 0.0
            need = TaskResources(float(threads), WORKER_MEMORY_MB << 20, gpus)
            executor: Executor = RayExecutor(opts.ray, need)
            mode = f"ray {opts.ray}, {executor.slots} at once"
        else:
            jobs = opts.jobs or default_jobs(cpus, available_memory_mb(), opts.settings.llm.embedded)
            jobs = min(jobs, len(queue))
            threads = asr_threads(opts.settings, cpus, jobs)
            from assistant.batch.local import LocalExecutor

            executor = LocalExecutor(jobs)
            mode = f"local, {jobs} jobs x {threads} threads"
        stack.callback(executor.close, True)  # after an error; a second close changes nothing
        settings, server = _with_llm(opts.settings, stack)
        asr = settings.asr.model_copy(update={"cpu_threads": threads})
        task_settings = settings.model_copy(update={"asr": asr}).model_dump()
        coordinator = _Coordinator(queue, opts, ledger, report, executor, root, task_settings, server)
        coordinator.run()
    return mode


def _with_llm(settings: Settings, stack: ExitStack) -> tuple[Settings, Any]:
    """Settings whose LLM every job reaches: the configured endpoint, or one embedded server started
    here for the whole batch (llama.cpp's single slot serves the jobs' requests one after another)."""
    if not settings.llm.embedded:
        return settings, None
    from assistant.extraction.embedded import EMBEDDED_MODEL_NAME, EmbeddedServer

    server = stack.enter_context(EmbeddedServer(settings.llm, settings.storage.cache_dir))
    auto = settings.llm.structured_output == "auto"
    llm = settings.llm.model_copy(
        update={
            "base_url": server.base_url,
            "model": EMBEDDED_MODEL_NAME,
            # As `open_llm` talks to the embedded server: llama_cpp.server knows json_object + schema;
            # the embedded timeout (several jobs' requests queue for its one slot).
            "structured_output": "json_object" if auto else settings.llm.structured_output,
            "timeout_s": settings.llm.request_timeout_s,
        }
    )
    return settings.model_copy(update={"llm": llm}), server


class _Coordinator:
    def __init__(
        self,
        queue: list[Planned],
        opts: BatchOptions,
        ledger: Ledger,
        report: BatchReport,
        executor: Executor,
        root: Path,
        task_settings: dict[str, Any],
        server: Any,
    ) -> None:
        self.todo = deque(queue)
        self.opts = opts
        self.ledger = ledger
        self.report = report
        self.executor = executor
        self.root = root
        self.task_settings = task_settings
        self.server = server
        self.owner = f"{worker_id()}:{uuid.uuid4().hex[:8]}"
        self.inflight: dict[str, Planned] = {}

    def run(self) -> None:
        self.report.start(len(self.todo), sum(p.audio_s for p in self.todo))
        renewed = time.monotonic()
        try:
            while self.todo or self.inflight:
                self._fill()
                for outcome in self.executor.wait(1.0):
                    self._record(outcome)
                if time.monotonic() - renewed > LEASE_S / 4:
                    self.ledger.renew(self.owner)
                    renewed = time.monotonic()
                self._keep_llm()
        except KeyboardInterrupt:
            self.executor.close(cancel=True)
            for key in list(self.inflight):
                self.ledger.release(key, self.owner)
            self.report.stop()
            self.report.interrupted(len(self.todo) + len(self.inflight))
            raise
        self.executor.close()

    def _fill(self) -> None:
        while self.todo and self.executor.slots:
            p = self.todo.popleft()
            row = self.ledger.claim(p.key, self.owner, self.opts.max_attempts)
            if row is None:
                now = self.ledger.get(p.key)
                if now is not None and now.state == "done":
                    self.report.skipped(p.path, f"done meanwhile: session {now.session}", "done_before")
                else:
                    self.report.failed(p.path, "being processed by another batch run", p.audio_s, bad=True)
                continue
            item = p.item
            details = {k: v.isoformat() if k == "date" else v for k, v in item.details.items()}
            task = Task(
                key=p.key, path=str(item.path.resolve()), session=p.session, root=str(self.root),
                out_dir=str(self.root / OUT_DIR / p.session), settings=self.task_settings,
                details=details, speaker_names=dict(item.speaker_names),
                ledger=str(self.ledger.path), last_attempt=row.attempts >= self.opts.max_attempts,
            )  # fmt: skip
            self.executor.submit(task)
            self.inflight[p.key] = p

    def _record(self, outcome: Outcome) -> None:
        p = self.inflight.pop(outcome.key)
        self.ledger.finish(outcome.key, self.owner, outcome.state, outcome.error, outcome.wall_s)
        error = outcome.error or "unknown error"
        if outcome.state == "done":
            audio = outcome.audio_s if outcome.audio_s is not None else p.audio_s
            self.report.done(p.path, outcome.session or p.session, audio, outcome.wall_s, outcome.items,
                             worker=outcome.worker, peak_rss_mb=outcome.peak_rss_mb)  # fmt: skip
        elif outcome.state == "bad":
            self.report.failed(p.path, error, p.audio_s, bad=True)
        else:
            row = self.ledger.get(p.key)
            attempts = row.attempts if row else self.opts.max_attempts
            if attempts < self.opts.max_attempts:
                self.report.retry(p.path, error, attempts)
                self.todo.append(p)
            else:
                self.report.failed(p.path, error, p.audio_s)

    def _keep_llm(self) -> None:
        """The shared embedded server restarted if it died, so the next jobs find it again."""
        if self.server is None:
            return
        # On failure the jobs' requests fail and are retried; the next tick tries the restart again.
        with contextlib.suppress(LLMError):
            self.server.ensure_running()
