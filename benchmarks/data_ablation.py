"""Would these labeled sentences help? The corpus with and without them, under several fold seeds.

A change of ±0.02 dev micro-F1 is within the noise of the real development set's 131 labels, and
the same change can move it either way depending on which sentences the folds put where. This
fits the default pipeline on folds 2-4 of the committed corpus, with and without the extra files
(which only ever join the training rows), tunes thresholds on fold 1, and reports held-out fold 0
macro-F1 and dev micro-F1 side by side, for each fold seed and on average.

    .venv/bin/python benchmarks/data_ablation.py --extra new_round.csv [--extra more.csv] \\
        [--seeds 0 1 2 3]

Session 4 used it to decide on corpus rounds 5 and 6 (see models/README.md).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
from fold_seeds import Corpus, parse_and_load

from framing.data import read_labeled_csv
from training.metrics import multilabel_metrics, tune_thresholds
from training.pipeline import DEFAULT_CONFIG, fit_pipeline


def _figures(
    corpus: Corpus, seed: int, extra_texts: list[str], extra_labels: np.ndarray
) -> tuple[float, float]:
    """Held-out macro-F1 and dev micro-F1 of the default pipeline fitted on the training folds
    plus the extra rows."""
    texts, labels, ids = corpus.texts, corpus.data.labels, corpus.codebook.ids
    train, tune, test = corpus.split(seed)
    pipeline = fit_pipeline(
        DEFAULT_CONFIG,
        [texts[i] for i in train] + extra_texts,
        np.vstack([labels[train], extra_labels]),
    )
    cut = tune_thresholds(
        labels[tune],
        pipeline.predict_proba([texts[i] for i in tune]),
        beta=DEFAULT_CONFIG.threshold_beta,
    )
    held_out = pipeline.predict_proba([texts[i] for i in test]) >= cut
    dev = pipeline.predict_proba(list(corpus.dev.texts)) >= cut
    return (
        multilabel_metrics(labels[test], held_out, ids)["macro"]["f1"],
        multilabel_metrics(corpus.dev.labels, dev, ids)["micro"]["f1"],
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--extra",
        type=Path,
        action="append",
        required=True,
        help="labeled CSV to add to the training folds (repeatable)",
    )
    args, corpus = parse_and_load(parser)
    if corpus is None:
        return 2
    extras = [read_labeled_csv(path, corpus.codebook) for path in args.extra]
    extra_texts = [text for extra in extras for text in extra.texts]
    extra_labels = np.vstack([extra.labels for extra in extras])
    already = len(set(extra_texts) & set(corpus.texts))
    if already:
        print(
            f"warning: {already} extra sentences are already in {args.data}; they count twice",
            file=sys.stderr,
        )
    empty = np.zeros((0, len(corpus.codebook.ids)), dtype=extra_labels.dtype)
    print(
        f"{len(corpus.data)} corpus sentences; {len(extra_texts)} extra sentences from "
        f"{len(extras)} file(s); dev set of {len(corpus.dev)}"
    )
    print("| fold seed | held-out without | with | change | dev without | with | change |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    changes = []
    for seed in args.seeds:
        base = _figures(corpus, seed, [], empty)
        more = _figures(corpus, seed, extra_texts, extra_labels)
        changes.append((more[0] - base[0], more[1] - base[1]))
        print(
            f"| {seed} | {base[0]:.3f} | {more[0]:.3f} | {changes[-1][0]:+.3f} | "
            f"{base[1]:.3f} | {more[1]:.3f} | {changes[-1][1]:+.3f} |",
            flush=True,
        )
    mean = np.mean(changes, axis=0)
    print(
        f"mean change: held-out macro-F1 {mean[0]:+.3f}, dev micro-F1 {mean[1]:+.3f}; "
        f"dev better under {sum(c[1] > 0 for c in changes)} of {len(changes)} seeds"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
