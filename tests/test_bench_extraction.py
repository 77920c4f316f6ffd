"""Pure parts of bench.extraction_eval: scoring, owner rules, prompt fitting, cache digests."""

from __future__ import annotations

from pathlib import Path

from bench.ami import clip_meeting, parse_meeting
from bench.extraction_eval import (
    Prediction,
    baseline_messages,
    fit_lines,
    predictions_baseline,
    prompts_digest,
    score,
)
from tests.test_bench_ami import row


def pred(text: str, owner: str | None = None, no_single: bool = False) -> Prediction:
    return Prediction(text, None, owner, owner, no_single)


def test_owner_scoring_single_and_group() -> None:
    clipped = clip_meeting(parse_meeting(row()), None)
    preds = {
        "decision": [pred("Make the case from rubber")],
        "action": [
            pred("Marketing expert does the evaluation", owner="C"),  # wrong letter (gold B)
            pred("Everyone meets again", no_single=True),  # group item, flagged: right
        ],
    }
    tally = score(preds, clipped, use_time=False)  # type: ignore[arg-type]
    assert tally.counts["decision"].tp == 1
    assert tally.counts["action"].tp == 2
    o = tally.owners
    assert (o.matched, o.correct, o.single, o.single_correct, o.no_single, o.no_single_flagged) == (2, 1, 1, 0, 1, 1)


def test_baseline_predictions_map_owner_letters_and_groups() -> None:
    clipped = clip_meeting(parse_meeting(row()), None)
    record = {
        "answer": {
            "decisions": ["Rubber case", " "],
            "action_items": [{"text": "Evaluate", "owner": "B"}, {"text": "Meet", "owner": "A and C"}],
        }
    }
    preds = predictions_baseline(record, clipped)
    assert [p.text for p in preds["decision"]] == ["Rubber case"]
    assert [(p.owner, p.no_single_owner) for p in preds["action"]] == [("B", False), (None, True)]
    assert predictions_baseline({"answer": None, "error": "timeout"}, clipped) == {"decision": [], "action": []}


def test_fit_lines_keeps_the_longest_prefix_that_fits() -> None:
    lines = [f"[00:0{i}] A: word word word" for i in range(8)]

    def words(text: str) -> int:
        return len(text.split())

    overhead = sum(words(m["content"]) for m in baseline_messages([])) + 48
    assert fit_lines(lines, overhead + 5 * 5, words) == 5  # each line costs 5 "tokens"
    assert fit_lines(lines, 10_000, words) == 8
    assert fit_lines(lines, 0, words) == 0


def test_prompts_digest_changes_with_any_prompt_file(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("one")
    first = prompts_digest(tmp_path)
    assert prompts_digest(tmp_path) == first
    (tmp_path / "b.txt").write_text("two")
    assert prompts_digest(tmp_path) != first
