"""Matching of predicted items to paraphrased gold items (bench.matching)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from bench.matching import TEXT_THRESHOLD, content_tokens, count, match_items, time_overlaps, token_f1


@dataclass(frozen=True)
class P:
    text: str
    span: tuple[float, float] | None = None


@dataclass(frozen=True)
class G:
    text: str
    spans: tuple[tuple[float, float], ...] = ()
    required: bool = True


def test_content_tokens_drop_boilerplate_roles_and_letters() -> None:
    assert content_tokens("The Marketing Expert will research the user requirements.") == [
        "research",
        "user",
        "requirement",
    ]
    assert content_tokens("B will present the PM slides") == ["present", "slide"]
    assert content_tokens("The group decided to use five buttons") == ["5", "button"]


def test_token_f1_separates_formulaic_decisions() -> None:
    same = token_f1("The remote will cost 12.50 Euro to produce.", "Production cost is 12.50 euros per remote")
    different = token_f1("The remote will have a power button.", "The remote will have a small joystick.")
    assert same >= TEXT_THRESHOLD
    assert different < TEXT_THRESHOLD
    assert token_f1("", "anything") == 0.0


def test_time_overlap_with_slack() -> None:
    assert time_overlaps((100.0, 110.0), [(120.0, 130.0)], slack=15)
    assert not time_overlaps((100.0, 110.0), [(126.0, 130.0)], slack=15)
    assert not time_overlaps(None, [(0.0, 1.0)])


def test_matching_is_one_to_one_and_best_first() -> None:
    golds = [G("The remote will have a yellow rubber case."), G("The remote will be yellow.")]
    preds = [P("Make the remote yellow"), P("Rubber case, yellow")]
    matches = match_items(preds, golds, use_time=False)
    assert {(m.pred, m.gold) for m in matches} == {(0, 1), (1, 0)}


def test_time_match_only_when_enabled_and_text_beats_bare_time() -> None:
    golds = [G("Buy a new chip.", spans=((100.0, 105.0),)), G("Order the battery.", spans=((900.0, 905.0),))]
    preds = [P("Order the battery", span=(101.0, 104.0))]
    # Text wins over a coincidence in time.
    assert [(m.pred, m.gold) for m in match_items(preds, golds, use_time=True)] == [(0, 1)]
    only_time = [P("Something unrelated", span=(101.0, 104.0))]
    assert match_items(only_time, golds, use_time=False) == []
    [m] = match_items(only_time, golds, use_time=True)
    assert m.gold == 0 and m.time_only


def test_count_ignores_optional_gold() -> None:
    golds = [G("alpha beta"), G("gamma delta", required=False), G("epsilon zeta")]
    preds = [P("alpha beta"), P("gamma delta"), P("omega")]
    c = count(len(preds), golds, match_items(preds, golds, use_time=False))
    assert (c.tp, c.fp, c.fn, c.ignored) == (1, 1, 1, 1)
    assert c.precision == pytest.approx(0.5)
    assert c.recall == pytest.approx(0.5)
