"""Does a second stage that reads all eleven frame scores beat per-frame thresholds? Under several fold seeds.

Frames co-occur (nato_aggression with security_interests, war_of_aggression with
diplomacy_needed in UN speeches), and the shipped model scores each frame on its own. This fits
the default pipeline on folds 2-4, gets out-of-fold scores for those rows from a 3-fold split of
them, and fits one logistic regression per frame on the eleven out-of-fold logits (the stack).
Thresholds for both the plain and the stacked scores are tuned on fold 1; held-out fold 0
macro-F1 and real-dev micro-F1 are reported side by side (the protocol of fold_seeds.py, without
length recalibration).

    .venv/bin/python benchmarks/stacked_frames.py [--seeds 0 1 2] [--C 0.1 1.0]
"""

from __future__ import annotations

import argparse

import numpy as np
from fold_seeds import parse_and_load
from sklearn.linear_model import LogisticRegression

from framing.data import group_folds
from training.metrics import multilabel_metrics, tune_thresholds
from training.pipeline import DEFAULT_CONFIG, fit_pipeline
from training.train import out_of_fold_scores


def _logit(scores: np.ndarray) -> np.ndarray:
    clipped = np.clip(scores, 1e-4, 1 - 1e-4)
    return np.log(clipped / (1 - clipped))


def _figures(
    truth: dict[str, np.ndarray], scores: dict[str, np.ndarray], ids: list[str], beta: float
) -> tuple[float, float]:
    """Held-out macro-F1 and dev micro-F1 at thresholds tuned on the tuning fold."""
    cut = tune_thresholds(truth["tune"], scores["tune"], beta=beta)
    held_out = multilabel_metrics(truth["test"], scores["test"] >= cut, ids)["macro"]["f1"]
    dev = multilabel_metrics(truth["dev"], scores["dev"] >= cut, ids)["micro"]["f1"]
    return held_out, dev


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--C", type=float, nargs="+", default=[0.1, 1.0])
    args, corpus = parse_and_load(parser)
    if corpus is None:
        return 2
    texts, labels, ids = corpus.texts, corpus.data.labels, corpus.codebook.ids
    beta = DEFAULT_CONFIG.threshold_beta
    print(f"{len(corpus.data)} corpus sentences; dev set of {len(corpus.dev)}")
    header = " | ".join(f"stack C={c} held-out | dev" for c in args.C)
    print(f"| fold seed | plain held-out | dev | {header} |")
    rows = []
    for seed in args.seeds:
        train, tune, test = corpus.split(seed)
        pipeline = fit_pipeline(DEFAULT_CONFIG, [texts[i] for i in train], labels[train])
        parts = {"tune": tune, "test": test}
        scores = {k: pipeline.predict_proba([texts[i] for i in v]) for k, v in parts.items()}
        scores["dev"] = pipeline.predict_proba(list(corpus.dev.texts))
        training = corpus.data.subset(train)
        inner = group_folds(training.labels, corpus.groups[train], n_folds=3, seed=seed + 1)
        stack_inputs = _logit(out_of_fold_scores(DEFAULT_CONFIG, training, inner, seed=0))

        truth = {"tune": labels[tune], "test": labels[test], "dev": corpus.dev.labels}
        row = list(_figures(truth, scores, ids, beta))
        for c in args.C:
            stacked = {k: np.zeros_like(v) for k, v in scores.items()}
            for j in range(len(ids)):
                model = LogisticRegression(C=c, max_iter=1000)
                model.fit(stack_inputs, training.labels[:, j])
                for k, v in scores.items():
                    stacked[k][:, j] = model.predict_proba(_logit(v))[:, 1]
            row.extend(_figures(truth, stacked, ids, beta))
        rows.append(row)
        print(f"| {seed} | " + " | ".join(f"{x:.3f}" for x in row) + " |", flush=True)
    print("| mean | " + " | ".join(f"{x:.3f}" for x in np.mean(rows, axis=0)) + " |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
