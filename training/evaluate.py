"""Evaluate a model on labeled data: per-frame and averaged precision, recall and F1."""

from __future__ import annotations

from typing import Any

import numpy as np

from framing.data import LabeledData
from framing.model import FramingModel
from training.metrics import brier_scores, multilabel_metrics


def evaluate_model(
    model: FramingModel, data: LabeledData, *, threshold: float | None = None
) -> dict[str, Any]:
    """Metrics of ``model`` on ``data`` (whose codebook must be the model's, in order)."""
    if data.codebook.ids != model.frame_ids:
        raise ValueError("the data's frames must be read with the model's codebook")
    scores = model.predict_proba(data.texts)
    predicted = model.decide(scores, threshold)
    metrics = multilabel_metrics(data.labels, predicted, model.frame_ids)
    metrics["brier"] = brier_scores(data.labels, scores, model.frame_ids)
    metrics["model"] = {"name": model.name, "version": model.version}
    metrics["data"] = data.source
    return metrics


def metrics_table(metrics: dict[str, Any]) -> str:
    """A Markdown table of per-frame metrics with macro and micro rows."""
    lines = [
        "| frame | precision | recall | F1 | support |",
        "|---|---:|---:|---:|---:|",
    ]
    for frame_id, m in metrics["per_frame"].items():
        lines.append(
            f"| {frame_id} | {m['precision']:.3f} | {m['recall']:.3f} | {m['f1']:.3f} | {m['support']} |"
        )
    macro, micro = metrics["macro"], metrics["micro"]
    lines.append(
        f"| **macro** ({metrics.get('macro_frames', '?')} frames) | {macro['precision']:.3f} | "
        f"{macro['recall']:.3f} | {macro['f1']:.3f} | |"
    )
    total = int(np.sum([m["support"] for m in metrics["per_frame"].values()]))
    lines.append(
        f"| **micro** | {micro['precision']:.3f} | {micro['recall']:.3f} | {micro['f1']:.3f} | {total} |"
    )
    return "\n".join(lines)
