"""A whole postmortem draft against its expected.json, and the pooled figures over meetings.

Puts the section scores (`bench.postmortem_sections`) and the owner figures (`bench.postmortem_owners`)
together with the errors that span sections: items filed under the wrong section, and evidence that
quotes words said to the assistant. No model, no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from assistant.domain.postmortem import Postmortem, TextItem
from bench.matching import TEXT_THRESHOLD, Counts, token_f1
from bench.postmortem_owners import owner_figures
from bench.postmortem_sections import SectionScore, score_impact, score_texts, score_timeline
from bench.spoken_numbers import normalize_time

TEXT_SECTIONS = ("decisions", "action_items", "open_questions", "what_worked", "what_didnt", "whys")
SECTIONS = (*TEXT_SECTIONS, "systemic_cause", "timeline", "impact")
EXPECTED_KEY = {"what_didnt": "what_did_not_work"}


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
