"""The accurate model against the default, side by side in one run: cost per sentence and real dev F1,
with its encoder as built (float32) and with int8 weights (onnxruntime dynamic quantisation).

Cost: the median time of ``predict_proba`` on one real dev sentence at a time (the service's case)
and per sentence in length-sorted batches of 64 (batch scoring's case), each model timed on the
same sentences in one run. Accuracy: micro- and macro-F1 on the real development set with each
model's own thresholds (the int8 variant keeps the float32 model's), and how far int8 moves the
scores and decisions on the dev set and on 2,000 corpus sentences.

    make model model-accurate install-encoder
    .venv/bin/python benchmarks/accurate_model.py [--default models/default]
        [--accurate models/accurate] [--dev ../shared/data/real_dev_sentences.csv]
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

import numpy as np
from encoder_cost import _timings as timings

from framing.artifact import load_model
from framing.data import read_labeled_csv
from framing.encoder import ENCODER_FILES, SCORER_FILE, EncoderScorer
from framing.model import FramingModel
from framing.paths import DEFAULT_MODEL_DIR, LABELED_SENTENCES_PATH, REAL_DEV_PATH
from training.metrics import multilabel_metrics


def _int8_variant(model: FramingModel) -> FramingModel:
    """The same model with its encoder's weights quantised to int8."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    assert model.encoder is not None
    folder = Path(tempfile.mkdtemp(prefix="accurate_int8_"))
    for name in ENCODER_FILES:
        if name != SCORER_FILE:
            shutil.copyfile(model.encoder.folder / name, folder / name)
    quantize_dynamic(
        model.encoder.folder / SCORER_FILE, folder / SCORER_FILE, weight_type=QuantType.QInt8
    )
    return FramingModel(
        model.pipeline,
        model.codebook,
        model.thresholds,
        card=model.card,
        calibration=model.calibration,
        pooling=model.pooling,
        encoder=EncoderScorer(folder),
        encoder_weight=model.encoder_weight,
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--default", type=Path, default=DEFAULT_MODEL_DIR)
    parser.add_argument("--accurate", type=Path, default=DEFAULT_MODEL_DIR.parent / "accurate")
    parser.add_argument("--dev", type=Path, default=REAL_DEV_PATH)
    parser.add_argument("--data", type=Path, default=LABELED_SENTENCES_PATH)
    args = parser.parse_args()
    if not args.dev.is_file():
        print(f"needs the real development set at {args.dev}", file=sys.stderr)
        return 2
    accurate = load_model(args.accurate)
    if accurate.encoder is None:
        print(
            f"{args.accurate} has no encoder: build it with 'make model-accurate'", file=sys.stderr
        )
        return 2
    models = {
        "default": load_model(args.default),
        "accurate": accurate,
        "accurate int8": _int8_variant(accurate),
    }
    dev = read_labeled_csv(args.dev, accurate.codebook)
    texts = list(dev.texts)
    print(f"{len(texts)} real dev sentences; one at a time (first 200), then batches of 64\n")
    print(
        "| model | one sentence | per sentence in batches | dev micro-F1 (P / R) | dev macro-F1 |"
    )
    print("|---|---:|---:|---:|---:|")
    scores = {}
    for name, model in models.items():
        single, batched = timings(model.predict_proba, texts, 3)
        scores[name] = model.predict_proba(texts)
        metrics = multilabel_metrics(dev.labels, scores[name] >= model.thresholds, model.frame_ids)
        micro = metrics["micro"]
        print(
            f"| {name} | {single * 1e3:.2f} ms | {batched * 1e3:.2f} ms | "
            f"{micro['f1']:.3f} ({micro['precision']:.3f} / {micro['recall']:.3f}) | "
            f"{metrics['macro']['f1']:.3f} |",
            flush=True,
        )
    corpus = read_labeled_csv(args.data, accurate.codebook)
    sample = np.random.default_rng(0).choice(len(corpus), size=2000, replace=False)
    corpus_texts = [corpus.texts[i] for i in sample]
    pairs = {
        "dev": (scores["accurate"], scores["accurate int8"]),
        "2,000 corpus sentences": (
            accurate.predict_proba(corpus_texts),
            models["accurate int8"].predict_proba(corpus_texts),
        ),
    }
    print("\nint8 against float32 (the accurate model's thresholds):")
    for name, (fp32, int8) in pairs.items():
        flips = int(((fp32 >= accurate.thresholds) != (int8 >= accurate.thresholds)).sum())
        print(
            f"  {name}: largest score change {np.abs(fp32 - int8).max():.3f}, median "
            f"{np.median(np.abs(fp32 - int8)):.4f}; {flips} of {fp32.size} decisions flip"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
