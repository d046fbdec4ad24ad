"""Choose the pipeline by measurement: held-out test on our corpus and the real development set.

For every candidate, the same honest protocol as `framing train`: near-duplicate groups never
straddle a split; fold 0 of five stratified group folds is the held-out test; thresholds are tuned
on out-of-fold scores of the other four folds; a model fitted on those four folds is scored on the
test fold and on ../shared/data/real_dev_sentences.csv (never trained on).

    .venv/bin/python benchmarks/select_model.py [--data labeled_data/sentences.csv]
        [--out benchmarks/results/model_selection.md]

Takes a few minutes per candidate with character n-grams on two cores.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

from framing.codebook import default_codebook
from framing.data import duplicate_groups, group_folds, near_duplicate_pairs, read_labeled_csv
from framing.paths import LABELED_SENTENCES_PATH, REAL_DEV_PATH
from training.metrics import multilabel_metrics
from training.pipeline import DEFAULT_CONFIG, PipelineConfig
from training.train import held_out_model

CANDIDATES: dict[str, PipelineConfig] = {
    "default": DEFAULT_CONFIG,
    "no length calibration": replace(DEFAULT_CONFIG, length_calibration=False),
    "no NB-LR blend": replace(DEFAULT_CONFIG, nb_blend_C=None),
    "thresholds for F1 (beta=1)": replace(DEFAULT_CONFIG, threshold_beta=1.0),
    "words 1-2 only": replace(DEFAULT_CONFIG, char_ngrams=None),
    "chars 3-5 only": replace(DEFAULT_CONFIG, word_ngrams=None),
    "words 1-2 + chars 2-5": replace(DEFAULT_CONFIG, char_ngrams=(2, 5)),
    "min_df=3": replace(DEFAULT_CONFIG, min_df=3),
    "C=0.5": replace(DEFAULT_CONFIG, C=0.5),
    "C=8": replace(DEFAULT_CONFIG, C=8.0),
    "no class weights": replace(DEFAULT_CONFIG, class_weight=None),
    "linear SVM + sigmoid": replace(DEFAULT_CONFIG, classifier="svm_sigmoid", C=0.25),
}


def evaluate_candidate(config, data, dev, folds, groups, seed=0):
    model = held_out_model(config, data, folds, groups, seed=seed)
    ids = data.codebook.ids
    test_part = data.subset(np.flatnonzero(folds == 0))
    test_decisions = model.decide(model.predict_proba(test_part.texts))
    return {
        "test": multilabel_metrics(test_part.labels, test_decisions, ids),
        "dev": multilabel_metrics(dev.labels, model.decide(model.predict_proba(dev.texts)), ids),
        "thresholds": dict(zip(ids, map(float, model.thresholds), strict=True)),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=LABELED_SENTENCES_PATH)
    parser.add_argument("--dev", type=Path, default=REAL_DEV_PATH)
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results/model_selection.md"))
    parser.add_argument("--only", nargs="*", help="candidate names to run (default: all)")
    args = parser.parse_args()
    if not args.dev.is_file():
        print(
            f"real development set not found at {args.dev}; it lives in ../shared/data",
            file=sys.stderr,
        )
        return 2
    codebook = default_codebook()
    data = read_labeled_csv(args.data, codebook)
    dev = read_labeled_csv(args.dev, codebook)
    groups = duplicate_groups(len(data), near_duplicate_pairs(data.texts))
    folds = group_folds(data.labels, groups, n_folds=5, seed=0)
    rows, details = [], {}
    for name, config in CANDIDATES.items():
        if args.only and name not in args.only:
            continue
        started = time.perf_counter()
        result = evaluate_candidate(config, data, dev, folds, groups)
        seconds = time.perf_counter() - started
        details[name] = {"config": config.to_dict(), **result, "seconds": round(seconds, 1)}
        t, d = result["test"], result["dev"]
        rows.append(
            f"| {name} | {t['macro']['f1']:.3f} | {t['micro']['f1']:.3f} | {d['macro']['f1']:.3f} | "
            f"{d['micro']['precision']:.3f} | {d['micro']['recall']:.3f} | {d['micro']['f1']:.3f} | {seconds:.0f} |"
        )
        print(rows[-1], flush=True)
    header = [
        f"# Model selection ({len(data)} labeled sentences; real dev set of {len(dev)})",
        "",
        "Held-out test = fold 0 of our corpus; dev = the real development set. Thresholds tuned on",
        "out-of-fold scores of the training folds. Produced by `benchmarks/select_model.py`.",
        "",
        "| candidate | test macro-F1 | test micro-F1 | dev macro-F1 | dev micro-P | dev micro-R | dev micro-F1 | seconds |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("\n".join(header + rows) + "\n", encoding="utf-8")
    args.out.with_suffix(".json").write_text(json.dumps(details, indent=2) + "\n", encoding="utf-8")
    print(f"written {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
