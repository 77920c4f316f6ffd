"""Both systems' answers as predictions, and their scores against the AMI gold: matched items per kind and
the owners of matched action items. Our answers get `apply_checks` here, at scoring time, so changed checks
need no new LLM run."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from assistant.checks.apply import apply_checks
from assistant.domain.postmortem import OWNER_FLAGS, Postmortem
from assistant.domain.transcript import Transcript
from bench.ami import ClippedMeeting, GoldItem, Kind, names_one_owner, owner_letter
from bench.extraction_baseline import BaselineAnswer
from bench.matching import TEXT_THRESHOLD, Counts, Match, count, match_items


@dataclass(frozen=True)
class Prediction:
    text: str
    span: tuple[float, float] | None
    owner: str | None
    """Speaker letter, when the owner could be mapped to one."""
    raw_owner: str | None
    no_single_owner: bool
    """Ours: an OWNER flag was raised. Baseline: its owner string names nobody, a group or several."""


def predictions_ours(record: dict[str, Any], clipped: ClippedMeeting) -> tuple[dict[Kind, list[Prediction]], float]:
    pm = Postmortem.model_validate(record["postmortem"])
    transcript = Transcript(segments=clipped.segments, duration=clipped.end)
    started = time.perf_counter()
    apply_checks(pm, transcript)
    checks_s = time.perf_counter() - started
    speakers = clipped.meeting.speakers

    def span(ev_start: float | None, ev_end: float | None, verified: bool) -> tuple[float, float] | None:
        # Only verified evidence has a place: an unverified quote's line number is the model's claim.
        return (ev_start, ev_end) if verified and ev_start is not None and ev_end is not None else None

    decisions = [
        Prediction(d.text, span(d.evidence.start, d.evidence.end, d.evidence.verified), None, None, False)
        for d in pm.decisions
    ]
    actions = [
        Prediction(
            a.action,
            span(a.evidence.start, a.evidence.end, a.evidence.verified),
            owner_letter(a.owner, speakers),
            a.owner,
            any(f in OWNER_FLAGS for f in a.flags),
        )
        for a in pm.action_items
    ]
    return {"decision": decisions, "action": actions}, checks_s


def predictions_baseline(record: dict[str, Any], clipped: ClippedMeeting) -> dict[Kind, list[Prediction]]:
    answer = BaselineAnswer.model_validate(record["answer"]) if record.get("answer") else None
    if answer is None:
        return {"decision": [], "action": []}
    speakers = clipped.meeting.speakers
    return {
        "decision": [Prediction(d, None, None, None, False) for d in answer.decisions if d.strip()],
        "action": [
            Prediction(a.text, None, owner_letter(a.owner, speakers), a.owner, not names_one_owner(a.owner))
            for a in answer.action_items
            if a.text.strip()
        ],
    }


@dataclass
class OwnerCounts:
    matched: int = 0
    correct: int = 0
    single: int = 0
    single_correct: int = 0
    single_flagged: int = 0
    """Single-owner gold items on which the system still reported an owner problem (false alarms)."""
    no_single: int = 0
    no_single_flagged: int = 0

    def add(self, other: OwnerCounts) -> None:
        for name in vars(self):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def as_dict(self) -> dict[str, Any]:
        def ratio(a: int, b: int) -> float | None:
            return round(a / b, 4) if b else None

        return {
            **vars(self),
            "accuracy": ratio(self.correct, self.matched),
            "single_accuracy": ratio(self.single_correct, self.single),
            "no_single_owner_flag_recall": ratio(self.no_single_flagged, self.no_single),
        }


def owner_counts(preds: Sequence[Prediction], golds: Sequence[GoldItem], matches: Sequence[Match]) -> OwnerCounts:
    """Owner accuracy on matched, required gold action items. A single-owner gold item is right when
    the predicted owner is the gold speaker letter; a group/several/unspecified one is right when the
    system said there is no single owner (ours: an OWNER flag)."""
    c = OwnerCounts()
    for m in matches:
        gold, pred = golds[m.gold], preds[m.pred]
        if not gold.required:
            continue
        if gold.single_owner:
            if gold.owner_letter is None:
                continue  # a single owner no speaker letter maps to: cannot be scored
            c.single += 1
            c.single_correct += pred.owner == gold.owner_letter
            c.single_flagged += pred.no_single_owner
        else:
            c.no_single += 1
            c.no_single_flagged += pred.no_single_owner
    c.matched = c.single + c.no_single
    c.correct = c.single_correct + c.no_single_flagged
    return c


@dataclass
class Tally:
    counts: dict[Kind, Counts] = field(default_factory=lambda: {"decision": Counts(), "action": Counts()})
    owners: OwnerCounts = field(default_factory=OwnerCounts)
    time_only_matches: int = 0

    def add(self, other: Tally) -> None:
        for kind in self.counts:
            self.counts[kind].add(other.counts[kind])
        self.owners.add(other.owners)
        self.time_only_matches += other.time_only_matches

    def as_dict(self) -> dict[str, Any]:
        return {
            "decisions": self.counts["decision"].as_dict(),
            "action_items": self.counts["action"].as_dict(),
            "owners": self.owners.as_dict(),
            "time_only_matches": self.time_only_matches,
        }


def score(
    preds: dict[Kind, list[Prediction]],
    clipped: ClippedMeeting,
    *,
    use_time: bool,
    threshold: float = TEXT_THRESHOLD,
    details: list[dict[str, Any]] | None = None,
) -> Tally:
    tally = Tally()
    by_kind: list[tuple[Kind, list[GoldItem]]] = [("decision", clipped.decisions), ("action", clipped.actions)]
    for kind, golds in by_kind:
        kind_preds = preds[kind]
        matches = match_items(kind_preds, golds, use_time=use_time, threshold=threshold)
        tally.counts[kind] = count(len(kind_preds), golds, matches)
        tally.time_only_matches += sum(m.time_only for m in matches)
        if kind == "action":
            tally.owners = owner_counts(kind_preds, golds, matches)
        if details is not None:
            by_pred = {m.pred: m for m in matches}
            for p, pred in enumerate(kind_preds):
                m = by_pred.get(p)
                details.append(
                    {
                        "kind": kind,
                        "prediction": pred.text,
                        "owner": pred.raw_owner,
                        "owner_letter": pred.owner,
                        "no_single_owner": pred.no_single_owner,
                        "span": pred.span,
                        "gold": golds[m.gold].text if m else None,
                        "gold_required": golds[m.gold].required if m else None,
                        "gold_owner": golds[m.gold].owner_letter if m else None,
                        "gold_owner_status": golds[m.gold].owner_status if m else None,
                        "text_score": m.text_score if m else None,
                        "time_overlap": m.time_overlap if m else None,
                    }
                )
            matched = {m.gold for m in matches}
            details.extend(
                {"kind": kind, "missed_gold": g.text, "required": g.required}
                for i, g in enumerate(golds)
                if i not in matched
            )
    return tally
