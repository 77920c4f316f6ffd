"""Match predicted decisions / action items to AMI gold items, and the calibration of the threshold.

Gold items are paraphrased summary sentences ("The remote will feature an LCD screen."), so exact
matching is useless. Two signals, each enough on its own:

1. text: token F1 over *content* tokens (lowercase, stopwords, meeting-summary boilerplate and AMI
   role names removed, plural "s" stripped) ≥ TEXT_THRESHOLD. Content tokens matter because AMI
   gold sentences are formulaic: "The remote will have a power button" and "The remote will have a
   small joystick" share half their words but are different decisions; difflib ratio on the whole
   sentence cannot tell them apart (see `calibrate`).
2. time (only for predictions with verified evidence times): the prediction's evidence range
   overlaps one of the gold item's linked dialogue acts, with TIME_SLACK_S of slack either side.

Matching is one-to-one and greedy, best pair first; the ranking score is the text F1, plus
TIME_BONUS when the times overlap (so a strong text match still beats a bare time coincidence).

    python -m bench.matching --calibrate /work/shared/data/ami/train.jsonl
"""

from __future__ import annotations

import argparse
import json
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

TEXT_THRESHOLD = 0.35
"""Calibrated on AMI *train* (`python -m bench.matching --calibrate`): the lowest threshold at which
fewer than 5 % of pairs of *different* gold items of the same meeting match each other. At 0.35:
3.8 % of those hard negatives and 0.9 % of (gold item, another item's spoken evidence) pairs match,
while 52 % of (gold item, its own spoken evidence) pairs still do — a lower bound for a real prediction,
which is a short summary like the gold, not raw disfluent speech."""
TIME_SLACK_S = 15.0
TIME_BONUS = 0.3
HARD_NEGATIVE_RATE = 0.05

_STOPWORDS = frozenset(
    """a an the and or but if then of to in on at by for with from as is are was were be been being will
    would shall should can could may might must do does did done have has had it its this that these
    those there their they them we our us you your i me my he she his her him not no so than too very
    just also all any some each which who whom what when where why how into out up down over about after
    before more most other such only own same again once here both few further off under until while
    during through yes okay ok um uh mm yeah right well like really sort kind thing things gonna get got
    go going lot""".split()  # noqa: SIM905  (a word list reads better as prose than as 130 literals)
)
# Words every meeting-summary sentence uses ("the group decided to use…"): they say nothing about which
# decision it is.
_BOILERPLATE = frozenset(
    "use using used feature include decide decided group team member work make need want think".split()  # noqa: SIM905
)
_ROLES = re.compile(
    r"\b(?:project manager|marketing expert|industrial designer|user interface designer|"
    r"interface designer|designer)s?\b",
    re.I,
)
_ROLE_ABBREVIATIONS = re.compile(r"\b(?:PM|ME|ID|UI)\b")  # case-sensitive: "me" and "id" are words
_TOKEN = re.compile(r"[a-z0-9]+")
_NUMBERS = {
    "one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6", "seven": "7",
    "eight": "8", "nine": "9", "ten": "10", "twelve": "12", "twenty": "20", "fifty": "50",
}  # fmt: skip


def content_tokens(text: str) -> list[str]:
    """Tokens that identify what an item is about; owners (roles, speaker letters) are dropped
    because ownership is scored separately."""
    text = _ROLE_ABBREVIATIONS.sub(" ", _ROLES.sub(" ", text))
    out = []
    for token in _TOKEN.findall(text.lower().replace("'", "")):
        token = _NUMBERS.get(token, token)
        if token in _STOPWORDS or token in _BOILERPLATE or (len(token) == 1 and not token.isdigit()):
            continue
        if len(token) > 3 and token.endswith("s") and not token.endswith("ss"):
            token = token[:-1]
        out.append(token)
    return out


def token_f1(a: str, b: str) -> float:
    """F1 of the content tokens of `a` and `b` (multiset overlap).

    Not IDF-weighted: tried with per-meeting IDF over transcript lines, it changed no smoke-run
    decision and hardly moved the calibration (a meeting of ~100 lines gives "remote" 2.6 and
    "ergonomic" 4.2: too flat to matter)."""
    ta, tb = Counter(content_tokens(a)), Counter(content_tokens(b))
    common = sum((ta & tb).values())
    if not common:
        return 0.0
    precision, recall = common / sum(tb.values()), common / sum(ta.values())
    return 2 * precision * recall / (precision + recall)


Span = tuple[float, float]


def time_overlaps(span: Span | None, gold_spans: Sequence[Span], slack: float = TIME_SLACK_S) -> bool:
    if span is None:
        return False
    start, end = span
    return any(start <= g_end + slack and end >= g_start - slack for g_start, g_end in gold_spans)


class Predicted(Protocol):
    @property
    def text(self) -> str: ...
    @property
    def span(self) -> Span | None: ...


class Gold(Protocol):
    @property
    def text(self) -> str: ...
    @property
    def spans(self) -> tuple[Span, ...]: ...
    @property
    def required(self) -> bool: ...


@dataclass(frozen=True)
class Match:
    pred: int
    gold: int
    text_score: float
    time_overlap: bool

    @property
    def time_only(self) -> bool:
        return self.time_overlap and self.text_score < TEXT_THRESHOLD


def match_items(
    preds: Sequence[Predicted],
    golds: Sequence[Gold],
    *,
    use_time: bool,
    threshold: float = TEXT_THRESHOLD,
    slack: float = TIME_SLACK_S,
) -> list[Match]:
    """One-to-one greedy matching, best-ranked pair first (ties: earlier prediction, earlier gold)."""
    candidates: list[tuple[float, int, int, Match]] = []
    for p, pred in enumerate(preds):
        for g, gold in enumerate(golds):
            text = token_f1(gold.text, pred.text)
            overlap = use_time and time_overlaps(pred.span, gold.spans, slack)
            if text >= threshold or overlap:
                rank = text + (TIME_BONUS if overlap else 0.0)
                candidates.append((-rank, p, g, Match(p, g, round(text, 4), overlap)))
    candidates.sort(key=lambda c: c[:3])
    used_p: set[int] = set()
    used_g: set[int] = set()
    matches = []
    for _, p, g, match in candidates:
        if p not in used_p and g not in used_g:
            used_p.add(p)
            used_g.add(g)
            matches.append(match)
    return sorted(matches, key=lambda m: m.pred)


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    ignored: int = 0
    """Predictions matched to optional gold items (partly outside the clip): neither right nor wrong."""

    def add(self, other: Counts) -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn
        self.ignored += other.ignored

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None

    @property
    def f1(self) -> float | None:
        p, r = self.precision, self.recall
        if p is None or r is None:
            return None
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, Any]:
        def rnd(x: float | None) -> float | None:
            return None if x is None else round(x, 4)

        return {"tp": self.tp, "fp": self.fp, "fn": self.fn, "ignored": self.ignored,
                "precision": rnd(self.precision), "recall": rnd(self.recall), "f1": rnd(self.f1)}  # fmt: skip


def count(n_preds: int, golds: Sequence[Gold], matches: Sequence[Match]) -> Counts:
    matched_gold = {m.gold for m in matches}
    tp = sum(1 for m in matches if golds[m.gold].required)
    ignored = len(matches) - tp
    fn = sum(1 for g, gold in enumerate(golds) if gold.required and g not in matched_gold)
    return Counts(tp=tp, fp=n_preds - len(matches), fn=fn, ignored=ignored)


# --- calibration ----------------------------------------------------------------------------------


def calibration_pairs(gold_path: Path) -> dict[str, list[float]]:
    """Scores of three kinds of pairs over every meeting of `gold_path` (use train, not dev):
    positive = a gold item vs the words of the dialogue acts it summarises;
    negative = a gold item vs another item's dialogue acts (same meeting);
    hard negative = a gold item vs another gold item of the same meeting (what a prediction of a
    different decision looks like)."""
    scores: dict[str, list[float]] = {"positive": [], "negative": [], "hard_negative": []}
    for raw in gold_path.read_text(encoding="utf-8").splitlines():
        if not raw.strip():
            continue
        row = json.loads(raw)
        items = [
            (d["text"], " ".join(e["text"] for e in d["evidence"]))
            for d in [*row.get("decisions_detail", []), *row.get("action_items", [])]
            if d.get("evidence")
        ]
        for i, (text, evidence) in enumerate(items):
            scores["positive"].append(token_f1(text, evidence))
            for j, (other_text, other_evidence) in enumerate(items):
                if i != j:
                    scores["negative"].append(token_f1(text, other_evidence))
                    scores["hard_negative"].append(token_f1(text, other_text))
    return scores


def calibrate(gold_path: Path) -> float:
    scores = calibration_pairs(gold_path)
    sizes = ", ".join(f"{k} {len(v)}" for k, v in scores.items())
    print(f"token-F1 calibration on {gold_path} ({sizes} pairs)")
    print(f"{'threshold':>9} {'positive≥':>10} {'negative≥':>10} {'hard neg≥':>10}")
    chosen = None
    for step in range(10, 65, 5):
        t = step / 100
        rates = {k: sum(s >= t for s in v) / len(v) for k, v in scores.items() if v}
        print(f"{t:9.2f} {rates['positive']:10.3f} {rates['negative']:10.3f} {rates['hard_negative']:10.3f}")
        if chosen is None and rates["hard_negative"] < HARD_NEGATIVE_RATE:
            chosen = t
    assert chosen is not None
    print(f"lowest threshold with < {HARD_NEGATIVE_RATE:.0%} hard-negative matches: {chosen:.2f}")
    return chosen


def main() -> None:
    parser = argparse.ArgumentParser(description="Calibrate the text-match threshold on AMI train.")
    parser.add_argument("--calibrate", type=Path, required=True, metavar="GOLD_JSONL")
    calibrate(parser.parse_args().calibrate)


if __name__ == "__main__":
    main()
