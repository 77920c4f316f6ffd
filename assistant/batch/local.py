"""Jobs on this machine: N worker processes, one recording at a time each.

Each worker has its own pipe, so when one dies (OOM killer, kill -9, a crash in native code) the
coordinator knows exactly which recording it had: that one comes back as failed and is retried;
the others carry on, and a new worker takes the dead one's place. Workers ignore SIGINT: Ctrl-C in
the terminal reaches the whole process group, and the coordinator decides how the batch stops.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import signal
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess

from assistant.batch.job import Outcome, Task, run_task


def _die_with_parent() -> None:
    """Linux: the kernel kills this worker when the coordinator dies, even by kill -9, so no orphan
    goes on writing a session the next run's ledger has already given to someone else."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _worker_main(conn: Connection) -> None:
    _die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    from assistant.memory import limit_heap_growth

    limit_heap_growth()  # as `assistant` does for itself: long meetings must not grow the process
    while True:
        try:
            task = conn.recv()
        except EOFError:
            return
        if task is None:
            return
        conn.send(run_task(task))


class _Worker:
    def __init__(self, ctx: multiprocessing.context.SpawnContext) -> None:
        self.conn, child = ctx.Pipe()
        self.proc: BaseProcess = ctx.Process(target=_worker_main, args=(child,), daemon=True)
        self.proc.start()
        child.close()
        self.task: Task | None = None


class LocalExecutor:
    """`submit` a task to an idle worker (`slots` free ones), `wait` for outcomes."""

    def __init__(self, jobs: int) -> None:
        # spawn, not fork: the coordinator has threads (the LLM server's launcher) and a SQLite handle.
        self._ctx = multiprocessing.get_context("spawn")
        self._workers = [_Worker(self._ctx) for _ in range(jobs)]
        self.crashes = 0

    @property
    def slots(self) -> int:
        return sum(1 for w in self._workers if w.task is None)

    @property
    def busy(self) -> int:
        return len(self._workers) - self.slots

    def submit(self, task: Task) -> None:
        worker = next(w for w in self._workers if w.task is None)
        worker.task = task
        worker.conn.send(task)

    def wait(self, timeout: float) -> list[Outcome]:
        busy = [w for w in self._workers if w.task is not None]
        if not busy:
            return []
        ready = set(wait([w.conn for w in busy] + [w.proc.sentinel for w in busy], timeout))
        outcomes = []
        for i, worker in enumerate(self._workers):
            task = worker.task
            if task is None:
                continue
            if worker.conn in ready:
                try:
                    outcomes.append(worker.conn.recv())
                    worker.task = None
                    continue
                except (EOFError, OSError):
                    pass  # died while answering: handled as a death below
            elif worker.proc.sentinel not in ready:
                continue
            worker.proc.join(5)
            code = worker.proc.exitcode
            outcomes.append(Outcome(task.key, "failed", error=f"worker process died (exit code {code})"))
            self.crashes += 1
            worker.conn.close()
            self._workers[i] = _Worker(self._ctx)
        return outcomes

    def close(self, cancel: bool = False) -> None:
        """Stop the workers: at once with `cancel` (Ctrl-C), else after telling idle ones to quit."""
        for worker in self._workers:
            if cancel:
                worker.proc.terminate()
            else:
                with contextlib.suppress(OSError):
                    worker.conn.send(None)
        for worker in self._workers:
            worker.proc.join(10)
            if worker.proc.is_alive():
                worker.proc.kill()
                worker.proc.join(5)
            worker.conn.close()
