"""What would a MiniLM encoder cost per sentence, next to the shipped model? Side by side, one run.

Scores real development sentences one at a time (the service's case) and in length-sorted batches
of 64 (batch scoring's case) with the shipped model's `predict_proba` and with the MiniLM-L6
encoder of `transformer_baseline.py` (a forward pass, mean pooling and an 11-frame head); with
onnxruntime installed, also the same network exported to ONNX, in float32 and with int8 dynamic
quantisation of its weights (the head is untrained, so this measures cost, not accuracy). Needs
the encoder requirements (`make install-encoder`):

    .venv/bin/python benchmarks/encoder_cost.py [--model models/default] [--repeat 3]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from importlib.util import find_spec
from pathlib import Path

from framing.artifact import load_model
from framing.data import read_labeled_csv
from framing.paths import DEFAULT_MODEL_DIR, REAL_DEV_PATH
from training.finetune import base_model_dir, frame_scorer


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


def _onnx_scorers(torch: object, scorer: object, tokens: Callable) -> dict:
    """The scorer exported to ONNX, as float32 and with int8 weights, run by onnxruntime."""
    import numpy as np
    import onnxruntime
    from onnxruntime.quantization import QuantType, quantize_dynamic

    folder = Path(tempfile.mkdtemp(prefix="encoder_cost_"))
    example = tokens(["an example sentence", "and another"], "pt")
    axes = {0: "batch", 1: "tokens"}
    torch.onnx.export(
        scorer,
        (example["input_ids"], example["attention_mask"]),
        folder / "fp32.onnx",
        input_names=["ids", "mask"],
        output_names=["scores"],
        dynamic_axes={"ids": axes, "mask": axes},
        dynamo=False,
        opset_version=17,
    )
    quantize_dynamic(folder / "fp32.onnx", folder / "int8.onnx", weight_type=QuantType.QInt8)
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = 2

    def runner(path: Path) -> Callable[[list[str]], object]:
        session = onnxruntime.InferenceSession(str(path), options)

        def run(batch: list[str]) -> object:
            encoded = tokens(batch, "np")
            feeds = {
                "ids": encoded["input_ids"].astype(np.int64),
                "mask": encoded["attention_mask"].astype(np.int64),
            }
            return session.run(None, feeds)[0]

        return run

    return {
        "MiniLM-L6 scorer, ONNX float32": runner(folder / "fp32.onnx"),
        "MiniLM-L6 scorer, ONNX int8 weights": runner(folder / "int8.onnx"),
    }


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
    folder = base_model_dir()
    tokenizer = AutoTokenizer.from_pretrained(folder)
    scorer = frame_scorer(torch, AutoModel.from_pretrained(folder), len(model.codebook.ids))
    scorer.eval()

    def tokens(batch: list[str], kind: str) -> dict:
        return tokenizer(batch, padding=True, truncation=True, max_length=96, return_tensors=kind)

    def encode(batch: list[str]) -> object:
        with torch.no_grad():
            encoded = tokens(batch, "pt")
            return scorer(encoded["input_ids"], encoded["attention_mask"])

    scorers: dict[str, Callable[[list[str]], object]] = {
        "shipped model": model.predict_proba,
        "MiniLM-L6 scorer, torch": encode,
    }
    if find_spec("onnxruntime") is not None:
        scorers.update(_onnx_scorers(torch, scorer, tokens))
    print(
        f"{len(texts)} dev sentences; torch {torch.__version__}, {torch.get_num_threads()} threads"
    )
    print("| scorer | one sentence (median) | in batches of 64 (median of runs) |")
    print("|---|---:|---:|")
    for name, score in scorers.items():
        single, batched = _timings(score, texts, args.repeat)
        print(f"| {name} | {single * 1e3:.2f} ms | {batched * 1e3:.2f} ms |", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
