"""Every benchmark still runs: each module in bench/ imports, each entry point parses its arguments, and the
cheap parts (the fixture header, the scoring and summary functions) run on tiny inputs without a model.

A bench that needs a model (Whisper, the LLM, CAM++) gets at most a slow smoke run here; its figures are
its own business. New modules in bench/ are picked up by the glob.
"""

from __future__ import annotations

import ast
import datetime as dt
import importlib
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from bench.fixture_script import MEETINGS, attendees_of, meeting_script, parse_script, read_script

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
MODULES = sorted(p.stem for p in BENCH.glob("*.py") if p.stem != "__init__")


def _is_entry_point(name: str) -> bool:
    """Has `if __name__ == "__main__":` (a `python -m bench.<name>` command)."""
    tree = ast.parse((BENCH / f"{name}.py").read_text(encoding="utf-8"))
    return any(
        isinstance(node, ast.If) and isinstance(node.test, ast.Compare) and ast.unparse(node.test).count("__main__")
        for node in tree.body
    )


ENTRY_POINTS = [name for name in MODULES if _is_entry_point(name)]


def _module(name: str) -> ModuleType:
    return importlib.import_module(f"bench.{name}")


@pytest.mark.parametrize("name", MODULES)
def test_every_bench_module_imports(name: str) -> None:
    _module(name)


@pytest.mark.parametrize("name", ENTRY_POINTS)
def test_every_bench_command_parses_its_arguments(
    name: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    module = _module(name)
    main = getattr(module, "main", None)
    assert callable(main), f"bench/{name}.py runs as a command but has no main()"
    monkeypatch.setattr(sys, "argv", [f"python -m bench.{name}", "--help"])
    with pytest.raises(SystemExit) as exited:
        main()
    assert exited.value.code == 0
    assert "usage:" in capsys.readouterr().out


def test_a_bench_command_runs_as_python_dash_m() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bench.live_latency", "--help"], capture_output=True, text=True, timeout=120, cwd=ROOT
    )
    assert done.returncode == 0 and "--no-llm" in done.stdout, done.stderr[-2000:]


# --- the fixture scripts: one parser for every reader ------------------------------------------------------


@pytest.mark.parametrize("folder", sorted(p.parent for p in ROOT.glob("fixtures/*/*/script.txt")), ids=str)
def test_every_fixture_script_parses_with_clean_keys_and_names(folder: Path) -> None:
    script = read_script(folder / "script.txt")
    assert "attendees" in script.header and script.attendees
    for key, value in script.header.items():
        assert key == key.strip() and value == value.strip()
    assert all(name == name.strip() and name for name in script.attendees)
    assert script.turns and {speaker for speaker, _ in script.turns} <= set(script.attendees)
    assert attendees_of(folder / "meeting.flac") == script.attendees


def test_script_parser_strips_and_refuses_malformed_lines() -> None:
    script = parse_script("#  attendees :  Ana ,Ben\n# meeting_date: 2025-01-01\n\nAna: Hello: there\nBen:  Hi\n")
    assert script.header == {"attendees": "Ana ,Ben", "meeting_date": "2025-01-01"}
    assert script.attendees == ["Ana", "Ben"]
    assert script.meeting_date == dt.date(2025, 1, 1)
    assert script.turns == [("Ana", "Hello: there"), ("Ben", "Hi")]
    assert script.text == "Hello: there Hi"
    for bad in ("# no colon\n", "Ana: hi\n# title: late\n", "just words\n", "Ana:\n"):
        with pytest.raises(ValueError, match=r"script\.txt:\d"):
            parse_script(bad)
    assert attendees_of(ROOT / "nowhere" / "x.flac") == []


# --- cheap paths of the benches ---------------------------------------------------------------------------


class _FakeRecord:
    """`assistant record --headless` as bench.live_latency reads it: JSON lines on stdout."""

    def __init__(self) -> None:
        lines: list[dict[str, Any]] = [
            {"type": "session", "name": "bench"},
            {"type": "segment", "id": 0, "text": "We rolled back."},
            {"type": "lag", "lag_s": 1.5},
            {"type": "lag", "lag_s": 2.5},
            {"type": "proposal", "kind": "decision", "text": "Roll back", "latency_s": 4.0},
            {"type": "stats", "segments": 1},
        ]
        self.stdout: Iterator[str] = iter(json.dumps(line) + "\n" for line in lines)

    def wait(self) -> int:
        return 0


def test_live_latency_runs_on_canned_json_lines(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    live_latency = _module("live_latency")
    commands: list[list[str]] = []

    def popen(cmd: list[str], **_: Any) -> _FakeRecord:
        commands.append(cmd)
        return _FakeRecord()

    monkeypatch.setattr(live_latency.subprocess, "Popen", popen)
    out = tmp_path / "result.json"
    live_latency.main(["--meeting", "tls-cert", "--no-llm", "--speed", "4", "--out", str(out)])
    (cmd,) = commands
    assert cmd[cmd.index("--attendees") + 1] == ",".join(meeting_script("tls-cert").attendees)
    assert cmd[cmd.index("--speed") + 1] == "4.0" and "--no-llm" in cmd
    result = json.loads(out.read_text())
    assert result["lag_samples"] == 2 and result["proposal_latency_p50_s"] == 4.0
    assert result["engine_stats"] == {"type": "stats", "segments": 1}


def test_long_meeting_summaries() -> None:
    long_meeting = _module("long_meeting")
    assert long_meeting._attendees("tls-cert") == ",".join(meeting_script("tls-cert").attendees)
    assert long_meeting._fifths([]) == (None, None)
    assert long_meeting._fifths([1.0, 2.0, 3.0, 4.0, 5.0]) == (1.0, 5.0)
    memory = long_meeting._memory([(0.0, 100.0, 50.0), (5.0, 120.0, 60.0)])
    assert memory["peak_total_mb"] == 180.0 and memory["samples"] == 2
    tokens = long_meeting._tokens([{"prompt_tokens": 10, "completion_tokens": 3}, {"prompt_tokens": 20}])
    assert tokens["prompt_tokens_total"] == 30 and tokens["completion_tokens_total"] == 3


def test_live_speakers_scoring() -> None:
    live_speakers = _module("live_speakers")
    assert live_speakers._tally([("Ana", "Ana"), (None, "Ben"), ("Ana", None)]) == (1, 1, 1)
    turns = [{"speaker": "Ana", "start": 0.0, "end": 2.0}, {"speaker": "Ben", "start": 2.0, "end": 5.0}]
    assert live_speakers._truth_at(turns, 1.5, 4.0) == "Ben"
    scored = live_speakers._attribution(turns, [(0, 0.0, 1.0), (1, 3.0, 4.0)], {0: "Ana", 1: "S2"}, {"Ana"})
    assert scored["accuracy"] == 1.0 and scored["lines"] == 2


def test_asr_and_streaming_summaries() -> None:
    asr = _module("asr_overhead")
    sample = asr.Sample(wall_s=2.0, cpu_s=2.0)
    slower = asr.Sample(wall_s=2.1, cpu_s=2.1)
    result = asr.FileResult(audio="a.flac", audio_s=10.0, hotwords=[], raw=[sample], pipeline=[slower])
    total = asr.summary([result])
    assert total["ratio_wall"] == 1.05 and total["meets_goal"]
    streaming = _module("streaming_wer")
    clip = streaming.ClipResult("c", 10, 1, 2, 5.0, 1.0, 2.0, 4, 1, lags=[0.5, 1.0])
    row, ratio = streaming.pooled("all", [clip])
    assert ratio == 2.0 and row.startswith("all")


def test_speaker_scoring_and_references() -> None:
    speakers = _module("speakers")
    metrics = _module("speaker_metrics")
    reference = speakers.reference(MEETINGS / "tls-cert" / "meeting.flac")
    assert reference and metrics.der(reference, reference)["der"] == 0.0
    assert metrics.mapping(reference, reference) == {t.speaker: t.speaker for t in reference}


def test_wer_and_procfs() -> None:
    wer = _module("wer")
    assert wer.wer("the cat sat", "the hat sat") == pytest.approx(1 / 3)
    # The normalisation is the bench's own (case, punctuation, fillers, small numbers); jiwer only aligns.
    assert wer.wer("Um, the CAT sat on two mats.", "the cat, uh, sat on 2 mats") == 0.0
    assert wer.edit_distance(["a", "b", "c"], ["a", "x", "c", "d"]) == 2
    assert (wer.wer("", ""), wer.wer("uh", "two words")) == (0.0, 1.0)  # an empty reference: 0 or 1
    assert _module("procfs").rss_mb() > 0


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_live_latency_smoke_run_with_whisper(tmp_path: Path) -> None:
    """The bench that rotted unseen, for real: 30 s of a fixture through `record --headless` (no LLM)."""
    out = tmp_path / "live_latency.json"
    cmd = [sys.executable, "-m", "bench.live_latency", "--no-llm", "--minutes", "0.5", "--speed", "2"]
    cmd += ["--out", str(out)]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=800, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(out.read_text())
    assert result["engine_stats"]["type"] == "stats" and not result["llm"]
