"""Postmortem drafts of the fixture meetings, scored section by section against their expected.json.

    python -m bench.postmortem_eval [--meetings a,b] [--transcripts script|asr] [--json out]
                                    [--engine module:function]

Per meeting (default: the five long meetings of fixtures/README.md):

1. a `Transcript`: `script` = one segment per turn of turns.json (its start, end, text and speaker name);
   `asr` = `transcribe_file` on meeting.flac with the attendees as hotwords (as `assistant process` passes
   them), each segment given the speaker of the turn it overlaps most. ASR transcripts are cached in
   bench/results/postmortem_cache/, keyed by the audio's sha256 and the ASR settings.
2. the engine, `assistant.pipeline:draft_postmortem(transcript, details, settings)` unless `--engine` names
   another function with that signature; details come from the script header.
3. scores against expected.json, per section: precision, recall and F1 under strict one-to-one greedy
   matching (best pair first). Text sections match on `bench.matching.token_f1` >= TEXT_THRESHOLD; timeline
   events on their normalised incident-clock time (`normalize_time`); impact fields on their figures
   (`impact_matches`). Then: owners, unowned flags, due dates, items filed under the wrong section,
   rejected proposals drafted as decisions, answered questions drafted as open questions, and items whose
   evidence quotes words said to the assistant.

Prints a table per meeting and the pooled (micro) figures; writes JSON (default
bench/results/postmortem_eval.json). The scoring functions need no model: tests/test_bench_postmortem.py.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import importlib
import json
import re
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.config import Settings, load_settings
from assistant.domain.postmortem import (
    DUE_FLAGS,
    IMPACT_FIELDS,
    OWNER_FLAGS,
    ActionItem,
    MeetingDetails,
    Postmortem,
    TextItem,
)
from assistant.domain.transcript import Segment, Transcript
from bench.fixture_script import read_script
from bench.matching import TEXT_THRESHOLD, Counts, Span, match_items, token_f1
from bench.wer import wer

ROOT = Path(__file__).resolve().parents[1]
MEETINGS = ROOT / "fixtures" / "meetings"
RESULTS = ROOT / "bench" / "results"
CACHE = RESULTS / "postmortem_cache"
DEFAULT_JSON = RESULTS / "postmortem_eval.json"
DEFAULT_ENGINE = "assistant.pipeline:draft_postmortem"
LONG_MEETINGS = ("cdn-dns", "flag-rollout", "migration-data-loss", "payment-timeouts", "replica-failover")

Engine = Callable[[Transcript, MeetingDetails, Settings], Postmortem]

TEXT_SECTIONS = ("decisions", "action_items", "open_questions", "what_worked", "what_didnt", "whys")
SECTIONS = (*TEXT_SECTIONS, "systemic_cause", "timeline", "impact")
EXPECTED_KEY = {"what_didnt": "what_did_not_work"}
IMPACT_EXPECTED_KEY = {"tickets": "support_tickets"}
UNOWNED_KINDS = frozenset({"group", "multiple", "none"})
DURATION_TOLERANCE_MIN = 2.0
"""Minutes either way (or 3 %, whichever is more) that a drafted duration may differ from the expected one."""


# --- spoken numbers and times --------------------------------------------------------------------------

_UNIT_WORDS = """zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen
    sixteen seventeen eighteen nineteen"""
_TEN_WORDS = "twenty thirty forty fifty sixty seventy eighty ninety"
_UNITS = {w: i for i, w in enumerate(_UNIT_WORDS.split())}
_TENS = {w: 10 * i for i, w in enumerate(_TEN_WORDS.split(), start=2)}
_SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000}
_NUMBER_WORD = "|".join(sorted([*_UNITS, *_TENS, *_SCALES], key=len, reverse=True))
_NUMBER_RUN = re.compile(rf"\b(?:a\s+)?(?:{_NUMBER_WORD})(?:(?:\s+and\s+|\s+|-)(?:{_NUMBER_WORD}))*\b")


def _spell_run(run: str) -> str:
    """Digits for one run of number words; two small numbers in a row stay two ("three twelve" -> "3 12")."""
    out: list[str] = []
    total = current = 0
    last: str | None = None  # kind of the previous word: unit, teen, ten, hundred, scale

    def flush() -> None:
        nonlocal total, current, last
        if last is not None:
            out.append(str(total + current))
        total = current = 0
        last = None

    tokens = run.replace("-", " ").split()
    for i, tok in enumerate(tokens):
        if tok == "a":  # "a hundred", "a thousand": the pattern only allows it first, before a number word
            if i + 1 < len(tokens) and tokens[i + 1] in _SCALES:
                current, last = 1, "unit"
            else:
                out.append(tok)
            continue
        if tok == "and":
            if last not in {"hundred", "scale"}:
                flush()
                out.append(tok)
            continue
        if tok in _SCALES:
            if last is None:  # "1.2 million": the scale of a figure written in digits, left to `figures`
                out.append(tok)
                continue
            if tok == "hundred":
                current, last = max(current, 1) * 100, "hundred"
            else:
                total, current, last = total + max(current, 1) * _SCALES[tok], 0, "scale"
            continue
        value, kind = (_UNITS[tok], "unit" if _UNITS[tok] < 10 else "teen") if tok in _UNITS else (_TENS[tok], "ten")
        if last in {"unit", "teen"} or (last == "ten" and kind != "unit"):
            flush()  # "three twelve", "sixteen forty", "twelve thirty": a new number
        current += value
        last = kind
    flush()
    return " ".join(out)


def words_to_digits(text: str) -> str:
    """`text` lower-cased, with spelled-out numbers as digits: "two hundred and twelve" -> "212",
    "sixteen forty-two" -> "16 42", "an hour and sixteen minutes" -> "an hour and 16 minutes"."""
    return _NUMBER_RUN.sub(lambda m: _spell_run(m[0]), text.lower())


_NUMBER = re.compile(r"(?<![\d.])(\d+(?:,\d{3})*(?:\.\d+)?)(?:\s*(k|thousand|m|million|bn|billion)\b)?")
_SCALE_SUFFIX = {"k": 1e3, "thousand": 1e3, "m": 1e6, "million": 1e6, "bn": 1e9, "billion": 1e9}
_CLOCK = re.compile(r"\b\d{1,2}[:.]\d{2}\s*(?:am|pm|a\.m\.|p\.m\.)?")


def figures(text: str) -> list[float]:
    """The numbers in `text`, in order, digits or words: "$12k" -> 12000, "3,400" -> 3400, "two" -> 2.

    Clock times ("9:37") are left out: in an impact figure they are the start or end, not the figure."""
    values = []
    for m in _NUMBER.finditer(words_to_digits(_CLOCK.sub(" ", text.lower()))):
        value = float(m[1].replace(",", ""))
        if m[2]:
            value *= _SCALE_SUFFIX[m[2]]
        values.append(value)
    return values


def duration_minutes(text: str) -> float | None:
    """Minutes in a spoken or written duration: "an hour and sixteen minutes" -> 76, "2h27m" -> 147,
    "90 min" -> 90, "from 03:12 to 04:28" -> 76 (when no unit is given). None when there is none."""
    low = text.lower()
    low = re.sub(r"\bhalf an hour\b", "30 minutes", low)
    low = re.sub(r"\ban hour and a half\b", "90 minutes", low)
    low = re.sub(r"\b(?:an|a|one) hour\b", "1 hour", low)
    digits = words_to_digits(low)
    hours = [float(h) for h in re.findall(r"(\d+(?:\.\d+)?)\s*(?:hours?|hrs?|h)(?![a-z])", digits)]
    minutes = [float(m) for m in re.findall(r"(\d+(?:\.\d+)?)\s*(?:minutes?|mins?|m)(?![a-z])", digits)]
    if hours or minutes:
        return (hours[0] if hours else 0.0) * 60 + (minutes[0] if minutes else 0.0)
    clocks = [t for t in (normalize_time(c) for c in _CLOCK.findall(text)) if len(t) == 1]
    if len(clocks) >= 2:
        return _span_minutes(next(iter(clocks[0])), next(iter(clocks[1])))
    return None


def _span_minutes(start: str, end: str) -> float:
    (h1, m1), (h2, m2) = (map(int, t.split(":")) for t in (start, end))
    return float(((h2 * 60 + m2) - (h1 * 60 + m1)) % (24 * 60))


_AM = re.compile(r"\b(?:am|a\.m\.?|in the morning|at night)\b|\bmidnight\b")
_PM = re.compile(r"\b(?:pm|p\.m\.?|in the afternoon|in the evening|tonight)\b")


def normalize_time(text: str | None) -> frozenset[str]:
    """The HH:MM (24 h) times a spoken or written incident-clock time can mean; empty when it has none.

    "16:42", "16.42", "1642", "4:42 pm", "three twelve in the morning" -> one time; "0312" and "03:12" (a
    leading zero) -> 03:12 only; "2:30", "around two thirty" (no am/pm) -> {"02:30", "14:30"}; also
    "ten past four", "twelve minutes past three", "twenty to five", "quarter past twelve", "half past two",
    "3 pm", "noon", "midnight".
    Only the first time in `text` counts."""
    if not text:
        return frozenset()
    low = text.lower().replace("o'clock", "").replace("o’clock", "")
    digits = words_to_digits(low.replace(".m.", "m").replace("a.m", "am").replace("p.m", "pm"))
    found: list[tuple[int, int, int, bool]] = []  # (position, hour, minute, leading zero)
    for m in re.finditer(r"\b(\d{1,2})\s*[:.h]\s*(\d{2})\b", digits):
        found.append((m.start(), int(m[1]), int(m[2]), m[1].startswith("0") and len(m[1]) == 2))
    for m in re.finditer(r"(?<![\d:.,/-])\b(\d{3,4})\b(?![:.,/-]\d)", digits):  # "0312", not "3,400", a date
        found.append((m.start(), int(m[1]) // 100, int(m[1]) % 100, m[1].startswith("0")))
    for m in re.finditer(r"\b(quarter|half|\d{1,2})(?:\s+minutes?)?\s+(past|after|to|before)\s+(\d{1,2})\b", digits):
        minutes = {"quarter": 15, "half": 30}.get(m[1]) or int(m[1])
        if m[1] == "half" and m[2] in {"to", "before"}:
            continue
        hour = int(m[3]) if m[2] in {"past", "after"} else (int(m[3]) - 1) % 24
        minute = minutes if m[2] in {"past", "after"} else 60 - minutes
        if 0 < minutes < 60:
            found.append((m.start(), hour, minute, False))
    for m in re.finditer(r"\b(\d{1,2})\s+(\d{2})\b", digits):  # "three twelve" -> "3 12"
        if int(m[2]) >= 10:
            found.append((m.start(), int(m[1]), int(m[2]), False))
    for m in re.finditer(
        r"\b(\d{1,2})\s*(?:am|pm)\b|\b(\d{1,2})\s+(?:in the (?:morning|afternoon|evening)|at night)", digits
    ):
        found.append((m.start(), int(m[1] or m[2]), 0, False))
    for m in re.finditer(r"\b(noon|midday|midnight)\b", digits):
        found.append((m.start(), 0 if m[1] == "midnight" else 12, 0, True))
    found = [f for f in found if 0 <= f[1] <= 24 and 0 <= f[2] < 60]
    if not found:
        return frozenset()
    pos, hour, minute, zero = min(found, key=lambda f: f[0])
    rest = digits[pos:]
    if _PM.search(rest) and hour < 12:
        return frozenset({f"{hour + 12:02d}:{minute:02d}"})
    if _AM.search(rest) or zero or hour == 0 or hour >= 13:
        return frozenset({f"{hour % 12 if _AM.search(rest) else hour % 24:02d}:{minute:02d}"})
    return frozenset({f"{hour % 12:02d}:{minute:02d}", f"{hour % 12 + 12:02d}:{minute:02d}"})


# --- matching ---------------------------------------------------------------------------------------------


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
            wanted.append(_span_minutes(expected["start"], expected["end"]))
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


# --- the draft's sections -------------------------------------------------------------------------------


def predicted_texts(pm: Postmortem) -> dict[str, list[str]]:
    """The drafted text of every list section, in the order of `TEXT_SECTIONS`."""

    def texts(items: Iterable[TextItem]) -> list[str]:
        return [i.text for i in items]

    return {
        "decisions": texts(pm.decisions),
        "action_items": [a.action for a in pm.action_items],
        "open_questions": texts(pm.open_questions),
        "what_worked": texts(pm.what_worked),
        "what_didnt": texts(pm.what_didnt),
        "whys": [w.answer for w in pm.root_cause.whys],
    }


def expected_texts(expected: dict[str, Any]) -> dict[str, list[str]]:
    def texts(key: str) -> list[str]:
        return [str(x) for x in expected.get(key, [])]

    out = {s: texts(EXPECTED_KEY.get(s, s)) for s in TEXT_SECTIONS if s != "action_items"}
    out["action_items"] = [a["action"] for a in expected.get("action_items", [])]
    return {s: out[s] for s in TEXT_SECTIONS}


def cross_section_errors(
    scores: dict[str, SectionScore],
    predicted: dict[str, list[str]],
    expected: dict[str, list[str]],
    threshold: float = TEXT_THRESHOLD,
) -> list[dict[str, Any]]:
    """Expected items of section X missed there but drafted under another section Y (an action item filed as a
    decision): greedy one-to-one over the items left unmatched in their own sections."""
    candidates: list[tuple[float, str, int, str, int]] = []
    for xs in TEXT_SECTIONS:
        for g, gold in enumerate(expected[xs]):
            if g in scores[xs].matched:
                continue
            for ys in TEXT_SECTIONS:
                if ys == xs:
                    continue
                used = set(scores[ys].matched.values()) | scores[ys].negative_preds
                for p, pred in enumerate(predicted[ys]):
                    if p not in used and (f := token_f1(gold, pred)) >= threshold:
                        candidates.append((-f, xs, g, ys, p))
    candidates.sort()
    taken_g: set[tuple[str, int]] = set()
    taken_p: set[tuple[str, int]] = set()
    errors = []
    for neg_f, xs, g, ys, p in candidates:
        if (xs, g) in taken_g or (ys, p) in taken_p:
            continue
        taken_g.add((xs, g))
        taken_p.add((ys, p))
        errors.append(
            {
                "expected_section": xs,
                "predicted_section": ys,
                "expected": expected[xs][g],
                "predicted": predicted[ys][p],
                "score": round(-neg_f, 4),
            }
        )
    return errors


def _norm_words(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9']+", text.lower()))


def cites_directed(quote: str, directed: Sequence[str]) -> str | None:
    """The line spoken to the assistant that an evidence quote cites (contains, or is 3+ words of), if any."""
    q = _norm_words(quote)
    if not q:
        return None
    for line in directed:
        d = _norm_words(line)
        if d and (d in q or (len(q.split()) >= 3 and q in d)):
            return line
    return None


def owner_figures(
    matched: dict[int, int], expected_items: Sequence[dict[str, Any]], predicted_items: Sequence[ActionItem]
) -> dict[str, Any]:
    """Owners and due dates over the matched action items.

    owner right: expected owner None <=> the drafted item has an OWNER_FLAGS flag, and otherwise the drafted
    owner is the expected one. Unowned-flag recall: expected group/multiple/none items that carry such a flag;
    false owner flags: expected owned items that carry one. Due date right: the drafted due_date is the expected
    one (concrete due dates only); vague flag recall: vague/none due dates that carry a DUE_FLAGS flag."""
    owner_right = unowned = unowned_flagged = owned = false_flags = 0
    due_total = due_right = vague_total = vague_flagged = 0
    by_kind: dict[str, list[int]] = {}
    details = []
    for g, p in sorted(matched.items()):
        gold, pred = expected_items[g], predicted_items[p]
        flagged = bool(set(pred.flags) & OWNER_FLAGS)
        if gold["owner"] is None:
            right = flagged
        else:
            right = not flagged and (pred.owner or "").strip().lower() == gold["owner"].lower()
        owner_right += right
        kind = by_kind.setdefault(gold["owner_kind"], [0, 0])
        kind[0] += right
        kind[1] += 1
        if gold["owner_kind"] in UNOWNED_KINDS:
            unowned += 1
            unowned_flagged += flagged
        else:
            owned += 1
            false_flags += flagged
        due_ok: bool | None = None
        if gold["due_kind"] == "concrete":
            due_total += 1
            due_ok = pred.due_date is not None and pred.due_date == dt.date.fromisoformat(gold["due_date"])
            due_right += due_ok
        else:
            vague_total += 1
            vague_flagged += bool(set(pred.flags) & DUE_FLAGS)
        details.append(
            {
                "expected": gold["action"],
                "predicted": pred.action,
                "owner_kind": gold["owner_kind"],
                "expected_owner": gold["owner"],
                "predicted_owner": pred.owner,
                "owner_flags": sorted(str(f) for f in set(pred.flags) & OWNER_FLAGS),
                "owner_right": right,
                "expected_due": gold["due_date"],
                "predicted_due": str(pred.due_date or "") or None,
                "due_right": due_ok,
            }
        )
    return {
        "matched": len(matched),
        "owner_right": owner_right,
        "owner_by_kind": {k: {"right": v[0], "of": v[1]} for k, v in sorted(by_kind.items())},
        "unowned_flagged": unowned_flagged,
        "unowned": unowned,
        "false_owner_flags": false_flags,
        "owned": owned,
        "due_right": due_right,
        "due_concrete": due_total,
        "vague_flagged": vague_flagged,
        "vague": vague_total,
        "items": details,
    }


# --- one meeting --------------------------------------------------------------------------------------------


def score_postmortem(pm: Postmortem, expected: dict[str, Any]) -> dict[str, Any]:
    """Every figure of one draft against one expected.json (no model, no I/O)."""
    predicted = predicted_texts(pm)
    gold = expected_texts(expected)
    negatives = {
        "decisions": expected.get("rejected_proposals", []),
        "open_questions": expected.get("answered_questions", []),
    }
    scores = {s: score_texts(predicted[s], gold[s], negatives.get(s, ())) for s in TEXT_SECTIONS}
    cause = pm.root_cause.systemic_cause
    scores["systemic_cause"] = score_texts(
        [cause.text] if cause else [], [expected["systemic_cause"]] if expected.get("systemic_cause") else []
    )
    scores["timeline"] = score_timeline(
        [(e.time, e.event) for e in pm.timeline],
        [(e["time"], e["event"]) for e in expected.get("timeline", [])]
        or [(t, "") for t in expected.get("timeline_times", [])],
    )
    scores["impact"], impact_verdicts = score_impact(pm, expected.get("impact", {}))
    directed = expected.get("assistant_directed", [])
    directed_hits = []
    for item in pm.all_items():
        line = cites_directed(item.evidence.quote, directed)
        if line:
            directed_hits.append(
                {"item": item.main_text(), "type": type(item).__name__, "quote": item.evidence.quote, "directed": line}
            )
    return {
        "sections": {s: scores[s].as_dict() for s in SECTIONS},
        "impact_fields": impact_verdicts,
        "owners": owner_figures(scores["action_items"].matched, expected.get("action_items", []), pm.action_items),
        "cross_section": cross_section_errors(scores, predicted, gold),
        "rejected_as_decisions": scores["decisions"].negative_hits,
        "answered_as_open": scores["open_questions"].negative_hits,
        "assistant_directed_cited": directed_hits,
        "untimed_events": sum(1 for e in pm.timeline if not normalize_time(e.time)),
    }


def pooled(per_meeting: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """Micro-averaged P/R/F1 per section, and summed owner and error counts, over meetings."""
    rows = list(per_meeting)
    sections = {}
    for s in SECTIONS:
        c = Counts()
        for row in rows:
            sec = row["sections"][s]
            c.add(Counts(tp=sec["tp"], fp=sec["fp"], fn=sec["fn"]))
        d = c.as_dict()
        d.pop("ignored")
        sections[s] = d
    all_text = Counts()
    for s in TEXT_SECTIONS:
        all_text.add(Counts(sections[s]["tp"], sections[s]["fp"], sections[s]["fn"]))
    owner_keys = (
        "matched",
        "owner_right",
        "unowned_flagged",
        "unowned",
        "false_owner_flags",
        "owned",
        "due_right",
        "due_concrete",
        "vague_flagged",
        "vague",
    )
    owners = {k: sum(row["owners"][k] for row in rows) for k in owner_keys}
    by_kind: dict[str, dict[str, int]] = {}
    for row in rows:
        for k, v in row["owners"]["owner_by_kind"].items():
            slot = by_kind.setdefault(k, {"right": 0, "of": 0})
            slot["right"] += v["right"]
            slot["of"] += v["of"]
    owners["owner_by_kind"] = dict(sorted(by_kind.items()))
    text_sections = all_text.as_dict()
    text_sections.pop("ignored")
    return {
        "sections": sections,
        "text_sections": text_sections,
        "owners": owners,
        "cross_section": sum(len(r["cross_section"]) for r in rows),
        "rejected_as_decisions": sum(len(r["rejected_as_decisions"]) for r in rows),
        "answered_as_open": sum(len(r["answered_as_open"]) for r in rows),
        "assistant_directed_cited": sum(len(r["assistant_directed_cited"]) for r in rows),
    }


# --- transcripts ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Meeting:
    name: str
    folder: Path
    details: MeetingDetails
    turns: list[dict[str, Any]]
    duration: float
    expected: dict[str, Any]


def load_meeting(name: str, root: Path = MEETINGS) -> Meeting:
    folder = root / name
    header = read_script(folder / "script.txt").header
    timing = json.loads((folder / "turns.json").read_text(encoding="utf-8"))
    expected = json.loads((folder / "expected.json").read_text(encoding="utf-8"))
    details = MeetingDetails(
        title=header.get("title"),
        date=dt.date.fromisoformat(header["meeting_date"]) if header.get("meeting_date") else None,
        attendees=[a.strip() for a in header.get("attendees", "").split(",") if a.strip()],
        facilitator=header.get("facilitator"),
        incident_id=header.get("incident_id"),
        severity=header.get("severity"),
    )
    return Meeting(name, folder, details, timing["turns"], float(timing["duration"]), expected)


def script_transcript(meeting: Meeting) -> Transcript:
    """One segment per spoken turn, with the speaker's name: what a perfect ASR and diarizer would give."""
    segments = [
        Segment(id=i, start=float(t["start"]), end=float(t["end"]), text=str(t["text"]), speaker=str(t["speaker"]))
        for i, t in enumerate(meeting.turns)
    ]
    return Transcript(segments=segments, duration=meeting.duration)


def assign_speakers(transcript: Transcript, turns: Sequence[dict[str, Any]]) -> Transcript:
    """Each segment gets the speaker of the turn it overlaps most (the nearest turn when it overlaps none)."""
    segments = []
    for seg in transcript.segments:
        best, best_key = None, (-1.0, 0.0)
        for t in turns:
            overlap = min(seg.end, t["end"]) - max(seg.start, t["start"])
            distance = abs((seg.start + seg.end) / 2 - (t["start"] + t["end"]) / 2)
            key = (max(overlap, 0.0), -distance)
            if best is None or key > best_key:
                best, best_key = t["speaker"], key
        segments.append(seg.model_copy(update={"speaker": best}))
    return transcript.model_copy(update={"segments": segments})


def hotwords(details: MeetingDetails, settings: Settings) -> list[str]:
    """What `assistant process` passes to Whisper: the attendees, then the configured vocabulary."""
    return [*details.attendees, *settings.asr.vocabulary]


def asr_cache_path(meeting: Meeting, settings: Settings) -> Path:
    audio = hashlib.sha256((meeting.folder / "meeting.flac").read_bytes()).hexdigest()
    asr = hashlib.sha1(
        (settings.asr.model_dump_json() + "|" + ",".join(hotwords(meeting.details, settings))).encode()
    ).hexdigest()[:10]
    return CACHE / f"{meeting.name}.{audio[:16]}.{asr}.json"


def asr_transcript(meeting: Meeting, settings: Settings) -> tuple[Transcript, bool]:
    """(transcript with speaker names, whether it came from the cache)."""
    path = asr_cache_path(meeting, settings)
    if path.is_file():
        try:
            return Transcript.model_validate_json(path.read_text(encoding="utf-8")), True
        except ValueError:
            pass
    from assistant.transcription.file import transcribe_file

    raw = transcribe_file(meeting.folder / "meeting.flac", settings, hotwords(meeting.details, settings))
    transcript = assign_speakers(raw, meeting.turns)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(transcript.model_dump_json(indent=1), encoding="utf-8")
    tmp.replace(path)
    return transcript, False


def no_draft(transcript: Transcript, details: MeetingDetails, settings: Settings) -> Postmortem:
    """An engine that drafts nothing (`--engine bench.postmortem_eval:no_draft`): fills the ASR cache and
    shows the floor of every figure without starting the LLM."""
    return Postmortem(details=details)


def load_engine(spec: str) -> Engine:
    module, sep, name = spec.partition(":")
    if not sep or not module or not name:
        raise SystemExit(f"--engine must be module:function, got {spec!r}")
    engine: Engine = getattr(importlib.import_module(module), name)
    return engine


# --- running ----------------------------------------------------------------------------------------------


def run_meeting(meeting: Meeting, source: str, engine: Engine, settings: Settings) -> dict[str, Any]:
    cached = None
    asr_s = None
    if source == "asr":
        started = time.perf_counter()
        transcript, cached = asr_transcript(meeting, settings)
        asr_s = round(time.perf_counter() - started, 2)
    else:
        transcript = script_transcript(meeting)
    started = time.perf_counter()
    pm = engine(transcript, meeting.details, settings)
    elapsed = time.perf_counter() - started
    minutes = meeting.duration / 60
    result = score_postmortem(pm, meeting.expected)
    reference = " ".join(str(t["text"]) for t in meeting.turns)
    result["run"] = {
        "transcript": source,
        "segments": len(transcript.segments),
        "wer": round(wer(reference, transcript.text), 4) if source == "asr" else None,
        "asr_cached": cached,
        "asr_s": asr_s,
        "draft_s": round(elapsed, 2),
        "meeting_min": round(minutes, 2),
        "s_per_meeting_min": round(elapsed / minutes, 2) if minutes else None,
        "windows": len(pm.windows),
        "failed_windows": len(pm.failed_windows),
        "attempts": sum(w.attempts for w in pm.windows),
        "window_errors": [w.error for w in pm.windows if w.error],
    }
    return result


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


def git_revision() -> str | None:
    """HEAD's commit, with "+dirty" when the working tree has changes (others may be editing the engine)."""
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no", "--", "assistant", "prompts"],
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
    except OSError:
        return None
    if head.returncode:
        return None
    return head.stdout.strip() + ("+dirty" if dirty.stdout.strip() else "")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--meetings", default=",".join(LONG_MEETINGS), help="comma-separated fixture meetings")
    parser.add_argument("--transcripts", choices=("script", "asr"), default="script")
    parser.add_argument("--json", type=Path, default=DEFAULT_JSON, help=f"default {DEFAULT_JSON.relative_to(ROOT)}")
    parser.add_argument("--engine", default=DEFAULT_ENGINE, help="module:function(transcript, details, settings)")
    args = parser.parse_args(argv)
    names = [n.strip() for n in args.meetings.split(",") if n.strip()]
    unknown = [n for n in names if not (MEETINGS / n / "expected.json").is_file()]
    if unknown:
        print(f"error: no fixture meeting {unknown} in {MEETINGS}", file=sys.stderr)
        return 2
    engine = load_engine(args.engine)
    settings = load_settings()
    results: dict[str, Any] = {}
    for name in names:
        print(f"{name}: drafting from the {args.transcripts} transcript…", flush=True)
        results[name] = run_meeting(load_meeting(name), args.transcripts, engine, settings)
        print_table(name, results[name])
    pool = pooled(results.values())
    print_pooled(pool)
    report = {
        "date": dt.date.today().isoformat(),
        "engine": args.engine,
        "revision": git_revision(),
        "transcripts": args.transcripts,
        "text_threshold": TEXT_THRESHOLD,
        "settings": {
            "asr_model": settings.asr.model,
            "llm_model": settings.llm.model or settings.llm.gguf,
            "window_tokens": settings.llm.window_tokens,
        },
        "pooled": pool,
        "meetings": results,
    }
    args.json.parent.mkdir(parents=True, exist_ok=True)
    tmp = args.json.with_suffix(".tmp")
    tmp.write_text(json.dumps(report, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8")
    tmp.replace(args.json)
    print(f"\nwrote {args.json}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
