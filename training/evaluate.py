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


def compare_table(results: list[dict[str, Any]], names: list[str]) -> str:
    """Per-frame F1 (and precision/recall) of several models side by side, with each model's
    difference from the first; macro and micro rows at the bottom."""
    header = ["frame", "support"]
    for index in range(len(names)):
        label = f"F1 {chr(65 + index)}"
        header.append(label if index == 0 else f"{label} (Δ vs A)")
    lines = [
        "models: " + "; ".join(f"{chr(65 + i)} = {n}" for i, n in enumerate(names)),
        "| " + " | ".join(header) + " |",
        "|---|---:|" + "---:|" * len(names),
    ]
    first = results[0]
    for frame_id, base in first["per_frame"].items():
        cells = [frame_id, str(base["support"]), f"{base['f1']:.3f}"]
        for other in results[1:]:
            value = other["per_frame"][frame_id]["f1"]
            cells.append(f"{value:.3f} ({value - base['f1']:+.3f})")
        lines.append("| " + " | ".join(cells) + " |")
    for average in ("macro", "micro"):
        base = first[average]["f1"]
        cells = [f"**{average}**", "", f"{base:.3f}"]
        for other in results[1:]:
            value = other[average]["f1"]
            cells.append(f"{value:.3f} ({value - base:+.3f})")
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)
