"""What would a MiniLM encoder cost per sentence, next to the shipped model? Side by side, one run.

Scores real development sentences one at a time (the service's case) and in length-sorted batches
of 64 (batch scoring's case) with the shipped model's `predict_proba` and with the MiniLM-L6
encoder of `transformer_baseline.py` (a forward pass and mean pooling; a fine-tuned head adds a
negligible 384x11 product). Needs the same separate venv as transformer_baseline.py:

    /tmp/tv/bin/python benchmarks/encoder_cost.py [--model models/default] [--repeat 3]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

from transformer_baseline import _model_dir

from framing.artifact import load_model
from framing.data import read_labeled_csv
from framing.paths import DEFAULT_MODEL_DIR, REAL_DEV_PATH


def _timings(score: Callable[[list[str]], object], texts: list[str], repeat: int) -> tuple:
    """Median seconds per sentence one at a time, and per sentence in batches of 64."""
    single = []
    for text in texts[:200]:
        started = time.perf_counter()
        score([text])
        single.append(time.perf_counter() - started)
    ordered = sorted(texts, key=len)
    batched = []
    for _ in range(repeat):
        started = time.perf_counter()
        for start in range(0, len(ordered), 64):
            score(ordered[start : start + 64])
        batched.append((time.perf_counter() - started) / len(ordered))
    return statistics.median(single), statistics.median(batched)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=DEFAULT_MODEL_DIR)
    parser.add_argument("--dev", type=Path, default=REAL_DEV_PATH)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    try:
        import torch
        from transformers import AutoModel, AutoTokenizer
    except ImportError:
        print("needs torch and transformers (see the docstring)", file=sys.stderr)
        return 2
    if not args.dev.exists():
        print(f"needs the real development set at {args.dev}", file=sys.stderr)
        return 2
    model = load_model(args.model)
    texts = list(read_labeled_csv(args.dev, model.codebook).texts)
    folder = _model_dir()
    tokenizer = AutoTokenizer.from_pretrained(folder)
    encoder = AutoModel.from_pretrained(folder).eval()

    def encode(batch: list[str]) -> object:
        with torch.no_grad():
            encoded = tokenizer(
                batch, padding=True, truncation=True, max_length=96, return_tensors="pt"
            )
            hidden = encoder(**encoded).last_hidden_state
            mask = encoded["attention_mask"].unsqueeze(-1).float()
            return (hidden * mask).sum(1) / mask.sum(1)

    print(
        f"{len(texts)} dev sentences; torch {torch.__version__}, {torch.get_num_threads()} threads"
    )
    print("| scorer | one sentence (median) | in batches of 64 (median of runs) |")
    print("|---|---:|---:|")
    for name, score in (("shipped model", model.predict_proba), ("MiniLM-L6 encoder", encode)):
        single, batched = _timings(score, texts, args.repeat)
        print(f"| {name} | {single * 1e3:.2f} ms | {batched * 1e3:.2f} ms |", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
