"""The postmortem bench's console tables: one per meeting, and the pooled one."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from bench.postmortem_scoring import SECTIONS


def _fmt(x: float | None) -> str:
    return "  –  " if x is None else f"{x:5.2f}"


def _section_rows(rows: Iterable[tuple[str, dict[str, Any]]]) -> None:
    print(f"  {'section':<15} {'tp':>3} {'fp':>3} {'fn':>3}  {'P':>5} {'R':>5} {'F1':>5}")
    for s, d in rows:
        counts = f"{d['tp']:>3} {d['fp']:>3} {d['fn']:>3}"
        print(f"  {s:<15} {counts}  {_fmt(d['precision'])} {_fmt(d['recall'])} {_fmt(d['f1'])}")


def _owner_line(o: dict[str, Any]) -> str:
    parts = {
        "owners right": (o["owner_right"], o["matched"]),
        "unowned flagged": (o["unowned_flagged"], o["unowned"]),
        "false owner flags": (o["false_owner_flags"], o["owned"]),
        "due dates right": (o["due_right"], o["due_concrete"]),
        "vague flagged": (o["vague_flagged"], o["vague"]),
    }
    return ", ".join(f"{k} {a}/{b}" for k, (a, b) in parts.items())


def _error_line(cross: int, rejected: int, answered: int, directed: int) -> str:
    return (
        f"cross-section {cross}, rejected→decision {rejected}, answered→open {answered}, "
        f"cites assistant line {directed}"
    )


def print_table(name: str, result: dict[str, Any]) -> None:
    run = result["run"]
    pace = _fmt(run["s_per_meeting_min"]).strip()
    windows = f"{run['windows']} windows, {run['failed_windows']} failed"
    print(f"\n{name}: {run['draft_s']:.1f} s draft ({pace} s per meeting-minute), {windows}")
    _section_rows((s, result["sections"][s]) for s in SECTIONS)
    print(f"  {_owner_line(result['owners'])}")
    counts = (
        len(result[k])
        for k in ("cross_section", "rejected_as_decisions", "answered_as_open", "assistant_directed_cited")
    )
    print(f"  errors: {_error_line(*counts)}")


def print_pooled(pool: dict[str, Any]) -> None:
    print("\npooled (micro) over meetings:")
    _section_rows([*pool["sections"].items(), ("text sections", pool["text_sections"])])
    print(f"  {_owner_line(pool['owners'])}")
    counts = (
        pool[k] for k in ("cross_section", "rejected_as_decisions", "answered_as_open", "assistant_directed_cited")
    )
    print(f"  errors: {_error_line(*counts)}")
