"""Evaluate a model on labeled data: per-frame and averaged precision, recall and F1."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from framing.data import LabeledData
from framing.model import FramingModel
from training.metrics import brier_scores, multilabel_metrics
from training.report import evaluation_report, paired_bootstrap, write_report


@dataclass
class Evaluation:
    """One model scored on one labeled data set."""

    name: str
    scores: np.ndarray  # (n_sentences, n_frames) probabilities
    thresholds: np.ndarray  # the per-frame thresholds the decisions used
    predicted: np.ndarray  # (n_sentences, n_frames) 0/1 decisions
    metrics: dict[str, Any]


def evaluate(
    model: FramingModel, data: LabeledData, *, threshold: float | None = None, name: str = ""
) -> Evaluation:
    """Score ``data`` with ``model``. The data must hold the model's frames, in any order;
    scores, thresholds and decisions come back in the data's column order."""
    ids = data.codebook.ids
    if sorted(ids) != sorted(model.frame_ids):
        raise ValueError("the data's frames must be the model's")
    order = [model.frame_ids.index(frame_id) for frame_id in ids]
    scores = model.predict_proba(data.texts)[:, order]
    thresholds = (
        np.asarray(model.thresholds, dtype=float)[order]
        if threshold is None
        else np.full(len(ids), threshold)
    )
    predicted = (scores >= thresholds).astype(np.int8)
    metrics = multilabel_metrics(data.labels, predicted, ids)
    metrics["brier"] = brier_scores(data.labels, scores, ids)
    metrics["model"] = {"name": model.name, "version": model.version}
    metrics["data"] = data.source
    return Evaluation(name or model.name, scores, thresholds, predicted, metrics)


def evaluate_model(
    model: FramingModel, data: LabeledData, *, threshold: float | None = None
) -> dict[str, Any]:
    """Metrics of ``model`` on ``data`` (which must hold the model's frames)."""
    return evaluate(model, data, threshold=threshold).metrics


def compare(evaluations: list[Evaluation], truth: np.ndarray) -> list[dict[str, Any]]:
    """Paired bootstrap of every model against the first (see ``paired_bootstrap``)."""
    first = evaluations[0]
    return [paired_bootstrap(truth, first.predicted, other.predicted) for other in evaluations[1:]]


def write_evaluation_reports(
    evaluations: list[Evaluation],
    data: LabeledData,
    directory: Path,
    paired: list[dict[str, Any]] | None = None,
) -> list[Path]:
    """Full reports (intervals, confusions, calibration; Markdown, HTML and JSON) per model, and
    with several models a comparison with paired-bootstrap intervals of the differences
    (``paired`` from ``compare``, computed here when not given)."""
    directory.mkdir(parents=True, exist_ok=True)
    ids = data.codebook.ids
    written: list[Path] = []
    letters = [chr(65 + index) for index in range(len(evaluations))]
    for letter, evaluation in zip(letters, evaluations, strict=True):
        report = evaluation_report(
            data.labels,
            evaluation.scores,
            evaluation.thresholds,
            ids,
            title=f"{evaluation.name} on {data.source} ({len(data)} sentences)",
        )
        stem = "report" if len(evaluations) == 1 else f"report_{letter}"
        written += write_report(report, directory, stem)
    if len(evaluations) > 1:
        names = [evaluation.name for evaluation in evaluations]
        results = [evaluation.metrics for evaluation in evaluations]
        paired = paired or compare(evaluations, data.labels)
        text = (
            f"# {len(evaluations)} models on {data.source} ({len(data)} sentences)\n\n"
            + compare_table(results, names, paired)
            + "\n"
        )
        path = directory / "comparison.md"
        path.write_text(text, encoding="utf-8")
        json_path = directory / "comparison.json"
        json_path.write_text(
            json.dumps({"models": names, "metrics": results, "paired": paired}, indent=2) + "\n",
            encoding="utf-8",
        )
        written += [path, json_path]
    return written


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


def compare_table(
    results: list[dict[str, Any]], names: list[str], paired: list[dict[str, Any]] | None = None
) -> str:
    """Per-frame F1 of several models side by side, with each model's difference from the first;
    macro and micro rows at the bottom. With ``paired`` (from ``compare``), the 95% interval of
    each difference and how often the model beat A across bootstrap resamples."""
    header = ["frame", "support"]
    for index in range(len(names)):
        label = f"F1 {chr(65 + index)}"
        header.append(label if index == 0 else f"{label} (Δ vs A)")
    lines = [
        "models: " + "; ".join(f"{chr(65 + i)} = {n}" for i, n in enumerate(names)),
        "",
        "| " + " | ".join(header) + " |",
        "|---|---:|" + "---:|" * len(names),
    ]
    first = results[0]
    frame_ids = list(first["per_frame"])
    for j, frame_id in enumerate(frame_ids):
        base = first["per_frame"][frame_id]
        cells = [frame_id, str(base["support"]), f"{base['f1']:.3f}"]
        for k, other in enumerate(results[1:]):
            value = other["per_frame"][frame_id]["f1"]
            cells.append(f"{value:.3f} ({value - base['f1']:+.3f}{_ci(paired, k, j)})")
        lines.append("| " + " | ".join(cells) + " |")
    for average in ("macro", "micro"):
        base = first[average]["f1"]
        cells = [f"**{average}**", "", f"{base:.3f}"]
        for k, other in enumerate(results[1:]):
            value = other[average]["f1"]
            cells.append(f"{value:.3f} ({value - base:+.3f}{_ci(paired, k, average)})")
        lines.append("| " + " | ".join(cells) + " |")
    if paired:
        lines += [
            "",
            "In brackets: the 95% paired-bootstrap interval of the difference (1,000 resamples of "
            "the sentences); an interval that excludes 0 is a difference these data can tell "
            "apart.",
        ]
        for k, pair in enumerate(paired):
            letter = chr(66 + k)
            lines.append(
                f"- {letter} beats A on micro-F1 in {pair['micro']['b_better_share']:.0%} of "
                f"resamples, on macro-F1 in {pair['macro']['b_better_share']:.0%}."
            )
    return "\n".join(lines)


def _ci(paired: list[dict[str, Any]] | None, model: int, key: int | str) -> str:
    if not paired:
        return ""
    pair = paired[model]
    entry = pair["per_label"][key] if isinstance(key, int) else pair[key]
    low, high = entry["difference_ci"]
    return f", [{low:+.3f}, {high:+.3f}]"
