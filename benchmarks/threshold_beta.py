"""Which F-beta should the per-frame thresholds maximise? Several betas, side by side, under several fold seeds.

The thresholds are the one part of the recipe that moves every time the corpus changes, so a
choice made on one split is worth re-checking on several. For each fold seed this fits the
default pipeline once on folds 2-4 of the corpus, tunes thresholds on fold 1 for each beta, and
reports held-out fold 0 macro-F1 and real-dev micro-F1 (precision / recall), then the means.
(The same protocol as benchmarks/data_ablation.py; the length recalibration is left out.)

    .venv/bin/python benchmarks/threshold_beta.py [--betas 0.5 0.7 1.0] [--seeds 0 1 2 3]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

from framing.codebook import default_codebook
from framing.data import duplicate_groups, group_folds, near_duplicate_pairs, read_labeled_csv
from framing.paths import LABELED_SENTENCES_PATH, REAL_DEV_PATH
from training.metrics import multilabel_metrics, tune_thresholds
from training.pipeline import DEFAULT_CONFIG, fit_pipeline


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--betas", type=float, nargs="+", default=[0.5, 0.7, 1.0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2, 3])
    parser.add_argument("--data", type=Path, default=LABELED_SENTENCES_PATH)
    parser.add_argument("--dev", type=Path, default=REAL_DEV_PATH)
    args = parser.parse_args()
    if not args.dev.exists():
        print(
            f"needs the real development set at {args.dev} (it lives in ../shared/data)",
            file=sys.stderr,
        )
        return 2
    codebook = default_codebook()
    ids = codebook.ids
    data = read_labeled_csv(args.data, codebook)
    dev = read_labeled_csv(args.dev, codebook)
    texts = list(data.texts)
    groups = duplicate_groups(len(data), near_duplicate_pairs(texts))
    print(f"{len(data)} corpus sentences; dev set of {len(dev)}")
    print("| fold seed | beta | held-out macro-F1 | dev micro-P | dev micro-R | dev micro-F1 |")
    print("|---:|---:|---:|---:|---:|---:|")
    figures: dict[float, list[tuple[float, float, float, float]]] = {b: [] for b in args.betas}
    for seed in args.seeds:
        folds = group_folds(data.labels, groups, n_folds=5, seed=seed)
        train, tune, test = (
            np.flatnonzero(folds > 1),
            np.flatnonzero(folds == 1),
            np.flatnonzero(folds == 0),
        )
        pipeline = fit_pipeline(DEFAULT_CONFIG, [texts[i] for i in train], data.labels[train])
        tune_scores = pipeline.predict_proba([texts[i] for i in tune])
        test_scores = pipeline.predict_proba([texts[i] for i in test])
        dev_scores = pipeline.predict_proba(list(dev.texts))
        for beta in args.betas:
            cut = tune_thresholds(data.labels[tune], tune_scores, beta=beta)
            held_out = multilabel_metrics(data.labels[test], test_scores >= cut, ids)["macro"]["f1"]
            micro = multilabel_metrics(dev.labels, dev_scores >= cut, ids)["micro"]
            row = (held_out, micro["precision"], micro["recall"], micro["f1"])
            figures[beta].append(row)
            print(f"| {seed} | {beta} | " + " | ".join(f"{x:.3f}" for x in row) + " |", flush=True)
    for beta, rows in figures.items():
        mean = np.mean(rows, axis=0)
        print(f"| mean | {beta} | " + " | ".join(f"{x:.3f}" for x in mean) + " |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
