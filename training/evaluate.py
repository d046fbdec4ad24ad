"""Evaluate a model on labeled data: per-frame and averaged precision, recall and F1."""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from framing.data import LabeledData
from framing.errors import DataError
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


MISSING_GROUP = "(missing)"
UNMATCHED_GROUP = "(no match)"


def group_keys(data: LabeledData, column: str, pattern: str | None = None) -> list[str]:
    """One group name per row of ``data``: the value of its ``column`` (an extra column of the
    table, such as a source or register), or with ``pattern`` the part of that value the regular
    expression matches (its first capture group if it has one), e.g. ``^[^/]+`` to group
    ``putin/67657`` under ``putin``. Empty values become "(missing)", values the pattern does not
    match "(no match)"."""
    columns = [str(c) for c in data.extra.columns]
    if column not in columns:
        close = difflib.get_close_matches(column, columns, n=1, cutoff=0.6)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        found = ", ".join(columns) or "none besides the text and labels"
        raise DataError(
            f"{data.source}: no column {column!r} to group by (other columns: {found}){hint}"
        )
    regex = None
    if pattern is not None:
        try:
            regex = re.compile(pattern)
        except re.error as exc:
            raise DataError(
                f"--group-pattern {pattern!r} is not a valid regular expression: {exc}"
            ) from None
    keys = []
    for value in data.extra[column].tolist():
        text = "" if pd.isna(value) else str(value).strip()
        if not text:
            keys.append(MISSING_GROUP)
        elif regex is None:
            keys.append(text)
        else:
            match = regex.search(text)
            keys.append(
                UNMATCHED_GROUP
                if match is None
                else (match.group(1) if regex.groups else match.group(0))
            )
    return keys


def group_metrics(
    truth: np.ndarray, predicted: np.ndarray, ids: list[str], keys: Sequence[str]
) -> list[dict[str, Any]]:
    """Metrics within each group of rows (``keys``, one per row), the largest group first: its
    sentences, gold labels and predicted labels, micro precision, recall and F1, and macro-F1."""
    keys_array = np.asarray(keys, dtype=str)
    names, counts = np.unique(keys_array, return_counts=True)
    order = sorted(range(len(names)), key=lambda i: (-counts[i], names[i]))
    out = []
    for i in order:
        rows = keys_array == names[i]
        metrics = multilabel_metrics(truth[rows], predicted[rows], ids)
        out.append(
            {
                "group": str(names[i]),
                "n_sentences": int(rows.sum()),
                "n_labels": int(truth[rows].sum()),
                "n_predicted": int(predicted[rows].sum()),
                "micro": metrics["micro"],
                "macro_f1": metrics["macro"]["f1"],
            }
        )
    return out


def groups_table(groups: list[list[dict[str, Any]]], names: list[str]) -> str:
    """Markdown table of ``group_metrics`` results: full figures for one model, micro-F1 per
    model side by side for several (each list in the order of the first)."""
    if len(groups) == 1:
        lines = [
            "| group | sentences | labels | predicted | micro P | micro R | micro F1 | macro F1 |",
            "|---|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for g in groups[0]:
            m = g["micro"]
            lines.append(
                f"| {g['group']} | {g['n_sentences']} | {g['n_labels']} | {g['n_predicted']} | "
                f"{m['precision']:.3f} | {m['recall']:.3f} | {m['f1']:.3f} | {g['macro_f1']:.3f} |"
            )
        return "\n".join(lines)
    letters = [chr(65 + index) for index in range(len(groups))]
    lines = [
        "| group | sentences | labels | " + " | ".join(f"micro F1 {x}" for x in letters) + " |",
        "|---|---:|---:|" + "---:|" * len(groups),
    ]
    by_name = [{g["group"]: g for g in model} for model in groups]
    for g in groups[0]:
        cells = [f"{model[g['group']]['micro']['f1']:.3f}" for model in by_name]
        lines.append(
            f"| {g['group']} | {g['n_sentences']} | {g['n_labels']} | " + " | ".join(cells) + " |"
        )
    legend = "; ".join(f"{x} = {name}" for x, name in zip(letters, names, strict=True))
    return "\n".join(lines) + f"\n\nmodels: {legend}"


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
