"""One section of a postmortem draft against its expected items: text lists, the timeline, the impact.

Strict one-to-one greedy matching (best pair first) per section; the figures of the whole draft are put
together in `bench.postmortem_scoring`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from assistant.domain.postmortem import IMPACT_FIELDS, Postmortem
from bench.matching import TEXT_THRESHOLD, Counts, Span, match_items, token_f1
from bench.spoken_numbers import duration_minutes, figures, normalize_time, span_minutes

IMPACT_EXPECTED_KEY = {"tickets": "support_tickets"}
DURATION_TOLERANCE_MIN = 2.0
"""Minutes either way (or 3 %, whichever is more) that a drafted duration may differ from the expected one."""


@dataclass(frozen=True)
class _Pred:
    text: str
    span: Span | None = None


@dataclass(frozen=True)
class _Gold:
    text: str
    spans: tuple[Span, ...] = ()
    required: bool = True


@dataclass
class SectionScore:
    counts: Counts = field(default_factory=Counts)
    pairs: list[dict[str, Any]] = field(default_factory=list)
    """Matched (expected, predicted, score) pairs."""
    missed: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)
    negative_hits: list[dict[str, Any]] = field(default_factory=list)
    """Predictions matched to an item that must not be in this section (a rejected proposal as a decision)."""
    matched: dict[int, int] = field(default_factory=dict)
    """Expected index -> predicted index."""
    negative_preds: set[int] = field(default_factory=set)

    def as_dict(self) -> dict[str, Any]:
        out = self.counts.as_dict()
        out.pop("ignored")
        return {
            **out,
            "pairs": self.pairs,
            "missed": self.missed,
            "extra": self.extra,
            "negative_hits": self.negative_hits,
        }


def score_texts(
    predicted: Sequence[str], expected: Sequence[str], negatives: Sequence[str] = (), threshold: float = TEXT_THRESHOLD
) -> SectionScore:
    """One-to-one greedy text matching of one section; `negatives` compete with `expected` for the predictions,
    and a prediction that goes to a negative is a false positive and a `negative_hit`."""
    golds = [_Gold(t) for t in expected] + [_Gold(t, required=False) for t in negatives]
    matches = match_items([_Pred(t) for t in predicted], golds, use_time=False, threshold=threshold)
    score = SectionScore()
    for m in matches:
        if m.gold < len(expected):
            score.matched[m.gold] = m.pred
            score.pairs.append({"expected": expected[m.gold], "predicted": predicted[m.pred], "score": m.text_score})
        else:
            score.negative_preds.add(m.pred)
            score.negative_hits.append(
                {"negative": negatives[m.gold - len(expected)], "predicted": predicted[m.pred], "score": m.text_score}
            )
    used = set(score.matched.values()) | score.negative_preds
    score.counts = Counts(
        tp=len(score.matched), fp=len(predicted) - len(score.matched), fn=len(expected) - len(score.matched)
    )
    score.missed = [t for g, t in enumerate(expected) if g not in score.matched]
    score.extra = [t for p, t in enumerate(predicted) if p not in used]
    return score


def score_timeline(predicted: Sequence[tuple[str | None, str]], expected: Sequence[tuple[str, str]]) -> SectionScore:
    """(time, event) pairs: a prediction matches an expected event when one of the HH:MM times its time string
    can mean equals the expected time. Unambiguous times and then similar event texts are paired first."""
    candidates: list[tuple[bool, float, int, int]] = []
    for p, (ptime, pevent) in enumerate(predicted):
        times = normalize_time(ptime)
        for g, (gtime, gevent) in enumerate(expected):
            if gtime in times:
                candidates.append((len(times) > 1, -token_f1(gevent, pevent), p, g))
    candidates.sort()
    score = SectionScore()
    used_p: set[int] = set()
    for ambiguous, neg_text, p, g in candidates:
        if p in used_p or g in score.matched:
            continue
        used_p.add(p)
        score.matched[g] = p
        score.pairs.append(
            {
                "expected": f"{expected[g][0]} {expected[g][1]}",
                "predicted": f"{predicted[p][0]} {predicted[p][1]}",
                "score": round(-neg_text, 4),
                "ambiguous_time": ambiguous,
            }
        )
    score.counts = Counts(
        tp=len(score.matched), fp=len(predicted) - len(score.matched), fn=len(expected) - len(score.matched)
    )
    score.missed = [f"{t} {e}" for g, (t, e) in enumerate(expected) if g not in score.matched]
    score.extra = [f"{t} {e}" for p, (t, e) in enumerate(predicted) if p not in used_p]
    return score


def impact_matches(field_name: str, expected: dict[str, Any], predicted: str) -> bool:
    """Whether a drafted impact value says the expected figure.

    duration: the minutes agree (within DURATION_TOLERANCE_MIN or 3 %) with the spoken duration or with the
    expected start-end span; other fields: the expected value's first figure is among the predicted figures;
    sla (or a field whose expected value has no figure): that, or content-token F1 >= TEXT_THRESHOLD."""
    gold = expected.get(IMPACT_EXPECTED_KEY.get(field_name, field_name))
    if not gold:
        return False
    gold = str(gold)
    if field_name == "duration":
        got = duration_minutes(predicted)
        wanted = [m for m in (duration_minutes(gold),) if m is not None]
        if expected.get("start") and expected.get("end"):
            wanted.append(span_minutes(expected["start"], expected["end"]))
        return got is not None and any(abs(got - w) <= max(DURATION_TOLERANCE_MIN, 0.03 * w) for w in wanted)
    gold_figures = figures(gold)
    by_figure = bool(gold_figures) and any(abs(v - gold_figures[0]) < 1e-6 for v in figures(predicted))
    if by_figure:
        return True
    return (field_name == "sla" or not gold_figures) and token_f1(gold, predicted) >= TEXT_THRESHOLD


def score_impact(pm: Postmortem, expected: dict[str, Any]) -> tuple[SectionScore, dict[str, str]]:
    """Per field of expected.json's `impact`: right (tp), wrong (fp + fn), missing (fn), or drafted where
    nothing was expected (fp)."""
    score = SectionScore()
    verdicts: dict[str, str] = {}
    for name in IMPACT_FIELDS:
        fact = getattr(pm.impact, name)
        gold = expected.get(IMPACT_EXPECTED_KEY.get(name, name))
        if fact is None:
            verdicts[name] = "missing" if gold else "absent"
            score.counts.fn += bool(gold)
        elif impact_matches(name, expected, fact.value):
            verdicts[name] = "right"
            score.counts.tp += 1
            score.pairs.append({"expected": f"{name}: {gold}", "predicted": fact.value, "score": 1.0})
        else:
            verdicts[name] = "wrong" if gold else "unexpected"
            score.counts.fp += 1
            score.counts.fn += bool(gold)
            score.extra.append(f"{name}: {fact.value}")
        if gold and verdicts[name] != "right":
            score.missed.append(f"{name}: {gold}")
    return score, verdicts
