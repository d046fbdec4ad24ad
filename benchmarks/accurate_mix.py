"""The accurate recipe's average, measured for several encoder weights and threshold objectives
side by side in one run: tuning-fold, held-out and real-dev figures for each.

One run of the recipe itself (``train_model`` with the accurate recipe: the cached fine-tune is
reused, so this costs the default recipe's time) keeps the two scorers' scores apart on the
tuning fold and on the held-out test (``TrainResult.mix_parts``). For each encoder weight and
F-beta, the per-frame thresholds are tuned on the tuning fold's average, as the recipe does, and
applied to the held-out test (the recipe's split model) and to the real development set (the
shipped model: TF-IDF refitted on all rows, the same encoder). Weight 0 is the TF-IDF part alone
and weight 1 the encoder alone, with thresholds tuned the same way. The row the recipe keeps
(best tuning macro-F1 among its candidate weights, at the pipeline's beta) is marked. With
``--refit`` the recipe fine-tunes the encoder again on the whole training split, and both
encoders are shown with the thresholds tuned on the first one's tuning-fold scores.

    make install-encoder model-accurate   # model-accurate leaves the fine-tune in its cache
    .venv/bin/python benchmarks/accurate_mix.py [--refit] [--betas 0.7 1.0] [--weights 0 0.3 ... 1]
        [--data labeled_data/sentences.csv] [--dev ../shared/data/real_dev_sentences.csv]
        [--cache models/.finetune-cache]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from framing.codebook import default_codebook
from framing.data import read_labeled_csv
from framing.paths import LABELED_SENTENCES_PATH, REAL_DEV_PATH
from training.metrics import multilabel_metrics, tune_thresholds
from training.pipeline import DEFAULT_CONFIG
from training.train import ENCODER_WEIGHTS, EncoderRecipe, train_model


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=LABELED_SENTENCES_PATH)
    parser.add_argument("--dev", type=Path, default=REAL_DEV_PATH)
    parser.add_argument("--cache", type=Path, default=Path("models/.finetune-cache"))
    parser.add_argument("--betas", type=float, nargs="+", default=[0.7, 1.0])
    parser.add_argument("--weights", type=float, nargs="+", default=[0.0, *ENCODER_WEIGHTS, 1.0])
    parser.add_argument(
        "--refit",
        action="store_true",
        help="run the recipe with its refit on the whole training split, and show both encoders",
    )
    args = parser.parse_args()
    if not args.dev.is_file():
        print(f"the real development set is not at {args.dev}; pass --dev", file=sys.stderr)
        return 2
    codebook = default_codebook()
    data = read_labeled_csv(args.data, codebook)
    dev = read_labeled_csv(args.dev, codebook)
    result = train_model(
        data,
        encoder=EncoderRecipe(cache=args.cache, refit=args.refit),
        progress=lambda message: print(message, file=sys.stderr),
    )
    parts, model, ids = result.mix_parts, result.model, codebook.ids
    assert model.encoder is not None
    dev_tfidf = model.tfidf_proba(dev.texts)
    encoders = {"as shipped": (parts["test_encoder"], model.encoder.predict_proba(dev.texts))}
    if "first_encoder" in parts:
        encoders = {
            "first (tuning fold unseen)": (
                parts["test_encoder_first"],
                parts["first_encoder"].predict_proba(dev.texts),
            ),
            "refitted (whole training split)": encoders["as shipped"],
        }
    kept = model.encoder_weight

    print(
        f"{len(data)} corpus sentences; tuning fold {len(parts['tuning_truth'])}, held-out "
        f"{len(parts['test_truth'])}; dev set {len(dev)}. The recipe kept weight {kept:g} at "
        f"beta {DEFAULT_CONFIG.threshold_beta:g} (marked *).\n"
    )
    print(
        "| encoder | weight | beta | tuning macro-F1 | held-out macro-F1 | held-out micro-F1 "
        "| dev micro-F1 (P / R) | dev macro-F1 |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for name, (test_encoder, dev_encoder) in encoders.items():
        for beta in args.betas:
            for weight in args.weights:
                tuning = (1 - weight) * parts["tuning_tfidf"] + weight * parts["tuning_encoder"]
                thresholds = tune_thresholds(parts["tuning_truth"], tuning, beta=beta)
                tuned = multilabel_metrics(parts["tuning_truth"], tuning >= thresholds, ids)
                test_scores = (1 - weight) * parts["test_tfidf"] + weight * test_encoder
                test = multilabel_metrics(parts["test_truth"], test_scores >= thresholds, ids)
                dev_scores = (1 - weight) * dev_tfidf + weight * dev_encoder
                on_dev = multilabel_metrics(dev.labels, dev_scores >= thresholds, ids)
                mark = "*" if weight == kept and beta == DEFAULT_CONFIG.threshold_beta else ""
                micro = on_dev["micro"]
                print(
                    f"| {name} | {weight:g}{mark} | {beta:g} | {tuned['macro']['f1']:.3f} | "
                    f"{test['macro']['f1']:.3f} | {test['micro']['f1']:.3f} | "
                    f"{micro['f1']:.3f} ({micro['precision']:.3f} / {micro['recall']:.3f}) | "
                    f"{on_dev['macro']['f1']:.3f} |"
                )
    return 0


if __name__ == "__main__":
    sys.exit(main())
