"""Does scoring long sentences by their word windows too help? Under several fold seeds.

Real sentences from press releases and speeches often carry a frame in one clause of a long
sentence, where l2-normalised TF-IDF gives its words little weight. Window pooling
(``framing.windows``) raises each frame's score towards the best word window's. This fits the
default pipeline on folds 2-4 once per seed, tunes thresholds on fold 1 and reports held-out
fold 0 macro-F1 and real-dev micro-F1 for plain scores and for every pooling setting, side by
side (the protocol of fold_seeds.py, without length recalibration; the shipped model also
recalibrates, so check the choice with `make model` and `make dev-eval`).

    .venv/bin/python benchmarks/window_pooling.py [--seeds 0 1 2 3]
"""

from __future__ import annotations

import argparse
import itertools
from functools import partial

import numpy as np
from fold_seeds import parse_and_load

from framing.data import group_folds
from framing.model import predict_scores
from framing.windows import WindowPooling
from training.calibration import fit_length_calibration
from training.metrics import multilabel_metrics, tune_thresholds
from training.pipeline import DEFAULT_CONFIG, fit_pipeline

# (words, stride, min_words, weight); the shipped setting is WindowPooling()'s defaults
SETTINGS = [
    *itertools.product([(8, 4), (10, 5), (12, 6), (14, 7)], [15], [0.3, 0.5, 0.7, 1.0]),
    ((10, 5), 12, 0.5),
    ((10, 5), 20, 0.5),
]


def _figures(truth: dict[str, np.ndarray], scores: dict[str, np.ndarray], ids: list[str]) -> tuple:
    cut = tune_thresholds(truth["tune"], scores["tune"], beta=DEFAULT_CONFIG.threshold_beta)
    held_out = multilabel_metrics(truth["test"], scores["test"] >= cut, ids)["macro"]["f1"]
    dev = multilabel_metrics(truth["dev"], scores["dev"] >= cut, ids)["micro"]["f1"]
    return held_out, dev


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calibrate", action="store_true", help="add the length recalibration")
    parser.add_argument(
        "--only",
        nargs="+",
        type=float,
        metavar="WEIGHT",
        help="only the 10/5, 15+ words settings with these weights (and plain)",
    )
    args, corpus = parse_and_load(parser)
    if corpus is None:
        return 2
    texts, labels, ids = corpus.texts, corpus.data.labels, corpus.codebook.ids
    poolings = {"plain": None}
    settings = SETTINGS if args.only is None else [((10, 5), 15, w) for w in args.only]
    for (words, stride), min_words, weight in settings:
        name = f"{words}/{stride}, {min_words}+ words, weight {weight}"
        poolings[name] = WindowPooling(words, stride, min_words, weight)
    results: dict[str, list[tuple[float, float]]] = {name: [] for name in poolings}
    print(f"{len(corpus.data)} corpus sentences; dev set of {len(corpus.dev)}", flush=True)
    for seed in args.seeds:
        train, tune, test = corpus.split(seed)
        pipeline = fit_pipeline(DEFAULT_CONFIG, [texts[i] for i in train], labels[train])
        parts = {"tune": [texts[i] for i in tune], "test": [texts[i] for i in test]}
        parts["dev"] = list(corpus.dev.texts)
        truth = {"tune": labels[tune], "test": labels[test], "dev": corpus.dev.labels}
        pipelines = {k: pipeline for k in parts}
        if args.calibrate:  # out-of-fold scores of the training folds, for the recalibration
            inner = group_folds(labels[train], corpus.groups[train], n_folds=3, seed=seed + 1)
            for fold in range(3):
                rows = train[inner != fold]
                parts[f"oof{fold}"] = [texts[i] for i in train[inner == fold]]
                pipelines[f"oof{fold}"] = fit_pipeline(
                    DEFAULT_CONFIG, [texts[i] for i in rows], labels[rows]
                )
        whole = {k: predict_scores(pipelines[k], v) for k, v in parts.items()}
        best: dict[tuple[int, int, int], dict[str, np.ndarray]] = {}  # windows scored once
        for name, pooling in poolings.items():
            scores = whole
            if pooling is not None:
                key = (pooling.words, pooling.stride, pooling.min_words)
                if key not in best:
                    full = WindowPooling(*key, weight=1.0)  # max(whole, best window)
                    best[key] = {
                        k: full.apply(v, whole[k], partial(predict_scores, pipelines[k]))
                        for k, v in parts.items()
                    }
                scores = {k: pooling.pool(whole[k], best[key][k]) for k in parts}
            if args.calibrate:
                oof_texts = [t for fold in range(3) for t in parts[f"oof{fold}"]]
                oof_labels = np.vstack([labels[train[inner == fold]] for fold in range(3)])
                oof = np.vstack([scores[f"oof{fold}"] for fold in range(3)])
                calibration = fit_length_calibration(oof_texts, oof_labels, oof)
                scores = {k: calibration.apply(parts[k], scores[k]) for k in truth}
            results[name].append(_figures(truth, scores, ids))
        print(f"fold seed {seed} done", flush=True)
    plain = np.mean(results["plain"], axis=0)
    print(
        f"\n| windows (words/stride, min length, weight) | held-out macro-F1 | change | "
        f"dev micro-F1 | change | dev by seed ({', '.join(map(str, args.seeds))}) |"
    )
    print("|---|---:|---:|---:|---:|---|")
    for name, rows in results.items():
        held_out, dev = np.mean(rows, axis=0)
        by_seed = " ".join(f"{row[1]:.3f}" for row in rows)
        print(
            f"| {name} | {held_out:.3f} | {held_out - plain[0]:+.3f} | {dev:.3f} | "
            f"{dev - plain[1]:+.3f} | {by_seed} |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
