"""Which F-beta should the per-frame thresholds maximise? Several betas, side by side, under several fold seeds.

The thresholds are the one part of the recipe that moves every time the corpus changes, so a
choice made on one split is worth re-checking on several. For each fold seed this fits the
default pipeline once on folds 2-4 of the corpus, tunes thresholds on fold 1 for each beta, and
reports held-out fold 0 macro-F1 and real-dev micro-F1 (precision / recall), then the means.
(The protocol of benchmarks/fold_seeds.py, as in data_ablation.py; no length recalibration.)

    .venv/bin/python benchmarks/threshold_beta.py [--betas 0.5 0.7 1.0] [--seeds 0 1 2 3]
"""

from __future__ import annotations

import argparse

import numpy as np
from fold_seeds import parse_and_load

from training.metrics import multilabel_metrics, tune_thresholds
from training.pipeline import DEFAULT_CONFIG, fit_pipeline


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--betas", type=float, nargs="+", default=[0.5, 0.7, 1.0])
    args, corpus = parse_and_load(parser)
    if corpus is None:
        return 2
    texts, labels, ids = corpus.texts, corpus.data.labels, corpus.codebook.ids
    print(f"{len(corpus.data)} corpus sentences; dev set of {len(corpus.dev)}")
    print("| fold seed | beta | held-out macro-F1 | dev micro-P | dev micro-R | dev micro-F1 |")
    print("|---:|---:|---:|---:|---:|---:|")
    figures: dict[float, list[tuple[float, float, float, float]]] = {b: [] for b in args.betas}
    for seed in args.seeds:
        train, tune, test = corpus.split(seed)
        pipeline = fit_pipeline(DEFAULT_CONFIG, [texts[i] for i in train], labels[train])
        tune_scores = pipeline.predict_proba([texts[i] for i in tune])
        test_scores = pipeline.predict_proba([texts[i] for i in test])
        dev_scores = pipeline.predict_proba(list(corpus.dev.texts))
        for beta in args.betas:
            cut = tune_thresholds(labels[tune], tune_scores, beta=beta)
            held_out = multilabel_metrics(labels[test], test_scores >= cut, ids)["macro"]["f1"]
            micro = multilabel_metrics(corpus.dev.labels, dev_scores >= cut, ids)["micro"]
            row = (held_out, micro["precision"], micro["recall"], micro["f1"])
            figures[beta].append(row)
            print(f"| {seed} | {beta} | " + " | ".join(f"{x:.3f}" for x in row) + " |", flush=True)
    for beta, rows in figures.items():
        mean = np.mean(rows, axis=0)
        print(f"| mean | {beta} | " + " | ".join(f"{x:.3f}" for x in mean) + " |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
