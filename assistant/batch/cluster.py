"""Jobs on a Ray cluster: each recording one Ray task, with the resources it needs declared (CPUs,
memory, a GPU when the speech model runs on CUDA), so Ray places as many per node as fit.

The only module that imports Ray (the optional extra `postmortem-assistant[cluster]`). Ray's own task
retries are off: the batch ledger counts attempts, so a recording whose worker died is retried the
same bounded number of times locally and on a cluster.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from typing import Any

from assistant.batch.job import Outcome, Task, run_task
from assistant.errors import ConfigError

MISSING = "Ray is not installed: pip install 'postmortem-assistant[cluster]'"


@dataclass(frozen=True)
class TaskResources:
    num_cpus: float
    memory_bytes: int
    num_gpus: float = 0.0


def _ray() -> Any:
    try:
        import ray
    except ImportError as exc:
        raise ConfigError(MISSING) from exc
    return ray


class RayExecutor:
    def __init__(self, address: str, resources: TaskResources) -> None:
        ray = _ray()
        self._ray = ray
        # Ray's deduplicated log lines and token-auth notices are not ours to show on every run.
        os.environ.setdefault("RAY_DEDUP_LOGS", "0")
        try:
            # "auto": the cluster this machine belongs to (RAY_ADDRESS, or one started with `ray start`),
            # else a Ray instance started here for this batch and stopped with it.
            ray.init(
                address=None if address == "auto" else address,
                include_dashboard=False,
                log_to_driver=False,
                logging_level=logging.ERROR,
                ignore_reinit_error=True,
            )
        except (ConnectionError, RuntimeError, ValueError) as exc:
            raise ConfigError(f"cannot reach the Ray cluster at {address}: {' '.join(str(exc).split())[:200]}") from exc
        self._remote = ray.remote(run_task).options(
            num_cpus=resources.num_cpus,
            memory=resources.memory_bytes,
            num_gpus=resources.num_gpus,
            max_retries=0,  # the ledger retries, bounded, and knows which attempt this is
        )
        self.capacity = self._capacity(resources)
        self._pending: dict[Any, Task] = {}
        self.crashes = 0

    def _capacity(self, need: TaskResources) -> int:
        """How many tasks the cluster runs at once; 0 means none fits on any node (a one-line error)."""
        total = 0
        for node in self._ray.nodes():
            if not node.get("Alive"):
                continue
            have = node.get("Resources", {})
            fits = [have.get("CPU", 0.0) // need.num_cpus, have.get("memory", 0.0) // need.memory_bytes]
            if need.num_gpus:
                fits.append(have.get("GPU", 0.0) // need.num_gpus)
            total += int(min(fits))
        if total == 0:
            gb = need.memory_bytes / 1e9
            raise ConfigError(
                f"no node of the Ray cluster has {need.num_cpus:g} CPU, {gb:.1f} GB memory"
                + (f" and {need.num_gpus:g} GPU" if need.num_gpus else "")
                + " free for one recording"
            )
        return total

    @property
    def slots(self) -> int:
        return max(0, self.capacity - len(self._pending))

    @property
    def busy(self) -> int:
        return len(self._pending)

    def submit(self, task: Task) -> None:
        self._pending[self._remote.remote(task)] = task

    def wait(self, timeout: float) -> list[Outcome]:
        if not self._pending:
            return []
        ready, _ = self._ray.wait(list(self._pending), num_returns=len(self._pending), timeout=timeout)
        outcomes = []
        for ref in ready:
            task = self._pending.pop(ref)
            try:
                outcomes.append(self._ray.get(ref))
            except self._ray.exceptions.RayError as exc:  # the worker or its node died mid-task
                self.crashes += 1
                first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
                outcomes.append(Outcome(task.key, "failed", error=f"Ray task failed: {first[:200]}"))
        return outcomes

    def close(self, cancel: bool = False) -> None:
        if cancel:
            for ref in self._pending:
                self._ray.cancel(ref, force=True)
        self._pending.clear()
        self._ray.shutdown()
