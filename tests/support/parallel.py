"""How `make test` spreads the suite over two pytest-xdist workers (`-n 2 --dist loadgroup`).

Most of the slow tier waits on the wall clock (meetings played in real time, children started, killed
and resumed) while one core idles, so two workers overlap those waits with other work. Whatever two
tests must not do at the same time stays on one worker, through an `xdist_group` per module:

- every module that uses the virtual PulseAudio microphone shares one group: one daemon for the run,
  and two recordings never hear each other's playback;
- every module that uses the session's embedded LLM server shares another: one server (1.1 GB, both
  cores while it answers) instead of one per worker;
- every other module with a slow or llm test is its own group, so its module fixtures (a meeting
  processed end to end, a wheel built and installed) are built once, not once per worker.

The grouped modules are put first: xdist hands out the largest groups first, and the ~1,200 short
fast-tier tests then fill in behind them on whichever worker is free, so neither waits for the other.
Serial runs (`make check`, a plain `pytest`) are left exactly as they are.
"""

from __future__ import annotations

import pytest

RESOURCE_GROUPS = {"virtual_mic": "virtual-mic", "embedded_server": "embedded-llm"}
"""Fixture -> the group of every module that uses it (fixtures reached through others count too)."""
MODEL_TIERS = ("slow", "llm")


def _module_group(items: list[pytest.Item]) -> str | None:
    resources = {
        group for item in items for name, group in RESOURCE_GROUPS.items() if name in getattr(item, "fixturenames", ())
    }
    if len(resources) > 1:  # one group per test: xdist would join the names into a third group
        raise pytest.UsageError(f"{items[0].path.name} uses {sorted(resources)}: keep them in separate modules")
    if resources:
        return resources.pop()
    if any(item.get_closest_marker(tier) for item in items for tier in MODEL_TIERS):
        return items[0].path.stem
    return None


def group_for_workers(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark and order `items` in place for `--dist loadgroup`; anything else is left untouched."""
    # In a worker, xdist has already turned `--dist` into "no" and kept the choice in `loadgroup`.
    if not getattr(config.option, "loadgroup", False):
        return
    modules: dict[str, list[pytest.Item]] = {}
    for item in items:
        modules.setdefault(str(item.path), []).append(item)
    grouped: list[pytest.Item] = []
    rest: list[pytest.Item] = []
    for members in modules.values():
        group = _module_group(members)
        if group is None:
            rest.extend(members)
            continue
        for item in members:
            item.add_marker(pytest.mark.xdist_group(group))
        grouped.extend(members)
    items[:] = grouped + rest
