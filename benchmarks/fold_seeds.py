"""The protocol shared by the benchmarks that compare choices under several fold seeds
(data_ablation.py, threshold_beta.py, stacked_frames.py, window_pooling.py,
transformer_baseline.py): the committed corpus is split into
five stratified folds over near-duplicate groups; a pipeline is fitted on folds 2-4, thresholds
are tuned on fold 1, and fold 0 is the held-out test, scored next to the real development set."""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from framing.codebook import Codebook, default_codebook
from framing.data import (
    LabeledData,
    duplicate_groups,
    group_folds,
    near_duplicate_pairs,
    read_labeled_csv,
)
from framing.model import FramingModel, predict_scores
from framing.paths import LABELED_SENTENCES_PATH, REAL_DEV_PATH
from training.pipeline import DEFAULT_CONFIG, fit_pipeline
from training.train import calibrated_thresholds


@dataclass
class Corpus:
    """The corpus, its near-duplicate groups and the real development set."""

    codebook: Codebook
    data: LabeledData
    texts: list[str]
    groups: np.ndarray
    dev: LabeledData

    def split(self, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Row indices of the training folds (2-4), the tuning fold (1) and the test fold (0)."""
        folds = group_folds(self.data.labels, self.groups, n_folds=5, seed=seed)
        return np.flatnonzero(folds > 1), np.flatnonzero(folds == 1), np.flatnonzero(folds == 0)


def recipe_scores(
    corpus: Corpus, seed: int, parts: dict[str, list[str]]
) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Plain and shipped-recipe scores of the texts in ``parts``, from the default pipeline fitted
    on folds 2-4 of ``seed``.

    The shipped recipe scores through ``FramingModel`` with the default window pooling and the
    length recalibration, fitted as ``framing train`` fits it (``calibrated_thresholds``) on
    out-of-fold scores of the training folds (three inner folds here).
    """
    rows = corpus.split(seed)[0]
    train = corpus.data.subset(rows)
    inner = group_folds(train.labels, corpus.groups[rows], n_folds=3, seed=seed + 1)
    _, calibration, _ = calibrated_thresholds(DEFAULT_CONFIG, train, inner, seed=0)
    pipeline = fit_pipeline(DEFAULT_CONFIG, list(train.texts), train.labels)
    unthresholded = np.zeros(len(corpus.codebook))
    model = FramingModel(
        pipeline,
        corpus.codebook,
        unthresholded,
        calibration=calibration,
        pooling=DEFAULT_CONFIG.window_pooling,
    )
    plain = {name: predict_scores(pipeline, batch) for name, batch in parts.items()}
    shipped = {name: model.predict_proba(batch) for name, batch in parts.items()}
    return plain, shipped


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """--seeds, --data and --dev."""
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2, 3])
    parser.add_argument("--data", type=Path, default=LABELED_SENTENCES_PATH)
    parser.add_argument("--dev", type=Path, default=REAL_DEV_PATH)


def parse_and_load(parser: argparse.ArgumentParser) -> tuple[argparse.Namespace, Corpus | None]:
    """Add the shared arguments to ``parser``, parse the command line and load the corpus
    (None, with a message, without the dev set)."""
    add_arguments(parser)
    args = parser.parse_args()
    return args, load(args)


def load(args: argparse.Namespace) -> Corpus | None:
    """The corpus and dev set named by the arguments; None (with a message) without the dev set."""
    if not args.dev.exists():
        print(
            f"needs the real development set at {args.dev} (it lives in ../shared/data)",
            file=sys.stderr,
        )
        return None
    codebook = default_codebook()
    data = read_labeled_csv(args.data, codebook)
    texts = list(data.texts)
    groups = duplicate_groups(len(data), near_duplicate_pairs(texts))
    return Corpus(codebook, data, texts, groups, read_labeled_csv(args.dev, codebook))
