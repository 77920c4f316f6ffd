"""The trained heads on the project's own incident postmortems: a report of domain transfer, never a choice."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from assistant.extraction.detector import KINDS, Heads, split_sentences
from detector_training.ami import tokens
from detector_training.embeddings import EmbeddingCache

ROOT = Path(__file__).resolve().parents[2]


def fixture_check(heads: Heads, thresholds: dict[str, dict[str, float]], cache: EmbeddingCache) -> dict[str, Any]:
    """Domain transfer, report only (never used to choose anything): the project's synthetic incident
    postmortems (fixtures/meetings/*/script.txt). A gold item's line is the script line holding most of
    its words (>= half); recall = share of those lines at or above each threshold."""
    found = {k: [0, 0, 0] for k in KINDS}
    flagged = {k: [0, 0] for k in KINDS}
    n_lines = 0
    for script in sorted((ROOT / "fixtures" / "meetings").glob("*/script.txt")):
        expected = json.loads((script.parent / "expected.json").read_text())
        lines = [
            line.split(":", 1)[1].strip()
            for line in script.read_text().splitlines()
            if line.strip() and not line.startswith("#") and ":" in line
        ]
        pieces, owner = [], []
        for i, line in enumerate(lines):
            for a, b in split_sentences(line) or [(0, len(line))]:
                pieces.append(line[a:b])
                owner.append(i)
        probs = np.zeros((len(lines), len(heads.kinds)))
        np.maximum.at(probs, np.array(owner), heads.probabilities(pieces, cache.get(pieces)))
        n_lines += len(lines)
        gold = {
            "decision": expected.get("decisions", []),
            "action": [a["action"] for a in expected.get("action_items", [])],
            "question": expected.get("open_questions", []),
        }
        for j, kind in enumerate(heads.kinds):
            t = thresholds[kind]
            flagged[kind][0] += int((probs[:, j] >= t["recall"]).sum())
            flagged[kind][1] += int((probs[:, j] >= t["f1"]).sum())
            for item in gold[kind]:
                want = set(tokens(item))
                overlap = [len(want & set(tokens(line))) / max(len(want), 1) for line in lines]
                best = int(np.argmax(overlap))
                if overlap[best] < 0.5:
                    continue
                found[kind][0] += 1
                found[kind][1] += int(probs[best, j] >= t["recall"])
                found[kind][2] += int(probs[best, j] >= t["f1"])
    out: dict[str, Any] = {"lines": n_lines}
    for kind in KINDS:
        n = max(found[kind][0], 1)
        out[kind] = {
            "gold_lines": found[kind][0],
            "recall_mode": {"recall": found[kind][1] / n, "flagged": flagged[kind][0] / max(n_lines, 1)},
            "f1_mode": {"recall": found[kind][2] / n, "flagged": flagged[kind][1] / max(n_lines, 1)},
        }
        r, f = out[kind]["recall_mode"], out[kind]["f1_mode"]
        print(
            f"  fixtures {kind:9s} gold lines {found[kind][0]:3d}"
            f" | recall mode: R {r['recall']:.2f} flag {r['flagged']:.1%}"
            f" | f1 mode: R {f['recall']:.2f} flag {f['flagged']:.1%}"
        )
    return out
