"""The evaluation report a researcher can trust: metrics with bootstrap confidence intervals, the
most-confused label pairs, calibration (Brier score, reliability table), as Markdown, HTML (with a
reliability plot and per-label bars, inline SVG) and JSON."""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any

import numpy as np

from training.metrics import multilabel_metrics


def _resample_weights(n: int, rounds: int, seed: int) -> np.ndarray:
    """``(rounds, n)`` counts: how often each sentence is drawn in each bootstrap resample."""
    rng = np.random.default_rng(seed)
    return np.stack(
        [np.bincount(rng.integers(0, n, n), minlength=n) for _ in range(rounds)]
    ).astype(float)


def _f1_per_round(
    weights: np.ndarray, truth: np.ndarray, predicted: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per-label ``(rounds, labels)``, macro and micro ``(rounds,)`` F1 of each resample."""
    tp = weights @ (truth & predicted)
    fp = weights @ (~truth & predicted)
    fn = weights @ (truth & ~predicted)
    with np.errstate(invalid="ignore", divide="ignore"):
        f1 = np.where(2 * tp + fp + fn > 0, 2 * tp / (2 * tp + fp + fn), 0.0)
        present = (tp + fn) > 0
        macro = np.where(present.any(axis=1), (f1 * present).sum(axis=1) / present.sum(axis=1), 0.0)
        micro_tp, micro_fp, micro_fn = tp.sum(axis=1), fp.sum(axis=1), fn.sum(axis=1)
        micro = np.where(micro_tp > 0, 2 * micro_tp / (2 * micro_tp + micro_fp + micro_fn), 0.0)
    return f1, macro, micro


def _interval(values: np.ndarray, level: float) -> list[float]:
    low, high = (1 - level) / 2 * 100, (1 + level) / 2 * 100
    return [
        round(float(np.percentile(values, low)), 4),
        round(float(np.percentile(values, high)), 4),
    ]


def bootstrap_f1(
    truth: np.ndarray,
    predicted: np.ndarray,
    *,
    rounds: int = 1000,
    seed: int = 0,
    level: float = 0.95,
) -> dict[str, Any]:
    """Percentile bootstrap intervals (resampling sentences) for per-label, macro and micro F1."""
    truth = truth.astype(bool)
    weights = _resample_weights(len(truth), rounds, seed)
    f1, macro, micro = _f1_per_round(weights, truth, predicted.astype(bool))
    return {
        "level": level,
        "rounds": rounds,
        "per_label": [_interval(f1[:, j], level) for j in range(truth.shape[1])],
        "macro": _interval(macro, level),
        "micro": _interval(micro, level),
    }


def paired_bootstrap(
    truth: np.ndarray,
    predicted_a: np.ndarray,
    predicted_b: np.ndarray,
    *,
    rounds: int = 1000,
    seed: int = 0,
    level: float = 0.95,
) -> dict[str, Any]:
    """How much better B is than A, on the same resamples of the same sentences.

    For per-label, macro and micro F1: the interval of B - A and the share of resamples in which
    B beats A. An interval that excludes 0 is a difference these data can tell apart.
    """
    truth = truth.astype(bool)
    weights = _resample_weights(len(truth), rounds, seed)
    f1_a, macro_a, micro_a = _f1_per_round(weights, truth, predicted_a.astype(bool))
    f1_b, macro_b, micro_b = _f1_per_round(weights, truth, predicted_b.astype(bool))

    def summary(a: np.ndarray, b: np.ndarray) -> dict[str, Any]:
        return {
            "difference_ci": _interval(b - a, level),
            "b_better_share": round(float(np.mean(b > a)), 3),
        }

    return {
        "level": level,
        "rounds": rounds,
        "per_label": [summary(f1_a[:, j], f1_b[:, j]) for j in range(truth.shape[1])],
        "macro": summary(macro_a, macro_b),
        "micro": summary(micro_a, micro_b),
    }


def confused_pairs(
    truth: np.ndarray, predicted: np.ndarray, ids: list[str], top: int = 10
) -> list[dict[str, Any]]:
    """Label pairs (a, b) where sentences of a (not b) were tagged b (not a), most frequent first."""
    truth = truth.astype(bool)
    predicted = predicted.astype(bool)
    pairs = []
    for a in range(len(ids)):
        for b in range(len(ids)):
            if a == b:
                continue
            count = int(np.sum(truth[:, a] & ~truth[:, b] & predicted[:, b] & ~predicted[:, a]))
            if count:
                pairs.append({"true": ids[a], "predicted": ids[b], "count": count})
    pairs.sort(key=lambda p: (-p["count"], p["true"], p["predicted"]))
    return pairs[:top]


def reliability(truth: np.ndarray, scores: np.ndarray, bins: int = 10) -> dict[str, Any]:
    """Pooled over labels: per score bin, the mean score, the observed frequency and the count;
    the expected calibration error; Brier score per label and overall."""
    flat_scores, flat_truth = scores.ravel(), truth.ravel().astype(float)
    edges = np.linspace(0, 1, bins + 1)
    which = np.clip(np.digitize(flat_scores, edges[1:-1]), 0, bins - 1)
    table, ece = [], 0.0
    for b in range(bins):
        inside = which == b
        count = int(inside.sum())
        if not count:
            continue
        mean_score = float(flat_scores[inside].mean())
        observed = float(flat_truth[inside].mean())
        ece += count / len(flat_scores) * abs(mean_score - observed)
        table.append(
            {
                "bin": [round(edges[b], 2), round(edges[b + 1], 2)],
                "mean_score": round(mean_score, 4),
                "observed": round(observed, 4),
                "count": count,
            }
        )
    brier = ((scores - truth) ** 2).mean(axis=0)
    return {
        "bins": table,
        "ece": round(ece, 4),
        "brier_per_label": [round(float(v), 4) for v in brier],
        "brier": round(float(((scores - truth) ** 2).mean()), 4),
    }


def evaluation_report(
    truth: np.ndarray,
    scores: np.ndarray,
    thresholds: np.ndarray,
    ids: list[str],
    *,
    title: str,
    rounds: int = 1000,
) -> dict[str, Any]:
    """Everything the report shows, as plain data."""
    predicted = scores >= thresholds
    metrics = multilabel_metrics(truth, predicted, ids)
    intervals = bootstrap_f1(truth, predicted, rounds=rounds)
    for j, label in enumerate(ids):
        metrics["per_frame"][label]["f1_ci"] = intervals["per_label"][j]
    metrics["macro"]["f1_ci"] = intervals["macro"]
    metrics["micro"]["f1_ci"] = intervals["micro"]
    calibration = reliability(truth, scores)
    for j, label in enumerate(ids):
        metrics["per_frame"][label]["brier"] = calibration["brier_per_label"][j]
        metrics["per_frame"][label]["threshold"] = round(float(thresholds[j]), 2)
    return {
        "title": title,
        "metrics": metrics,
        "bootstrap": {"rounds": rounds, "level": intervals["level"]},
        "confused_pairs": confused_pairs(truth, predicted, ids),
        "calibration": {k: v for k, v in calibration.items() if k != "brier_per_label"},
    }


def report_markdown(report: dict[str, Any]) -> str:
    """The report as Markdown."""
    m = report["metrics"]
    level = int(report["bootstrap"]["level"] * 100)
    lines = [
        f"# {report['title']}",
        "",
        f"{m['n_sentences']} sentences, {m['n_without_frame']} without a label. F1 intervals: {level}% "
        f"percentile bootstrap over sentences ({report['bootstrap']['rounds']} rounds).",
        "",
        "| label | support | threshold | precision | recall | F1 | F1 interval | Brier |",
        "|---|---:|---:|---:|---:|---:|---|---:|",
    ]
    for label, v in m["per_frame"].items():
        lo, hi = v["f1_ci"]
        lines.append(
            f"| {label} | {v['support']} | {v['threshold']:.2f} | {v['precision']:.3f} | {v['recall']:.3f} | "
            f"{v['f1']:.3f} | {lo:.3f}–{hi:.3f} | {v['brier']:.4f} |"
        )
    for average in ("macro", "micro"):
        v = m[average]
        lo, hi = v["f1_ci"]
        lines.append(
            f"| **{average}** | | | {v['precision']:.3f} | {v['recall']:.3f} | {v['f1']:.3f} | {lo:.3f}–{hi:.3f} | |"
        )
    lines += [
        "",
        "## Most-confused label pairs",
        "",
        "| true label | tagged instead | sentences |",
        "|---|---|---:|",
    ]
    lines += [
        f"| {p['true']} | {p['predicted']} | {p['count']} |" for p in report["confused_pairs"]
    ] or ["| (none) | | |"]
    cal = report["calibration"]
    lines += [
        "",
        f"## Calibration (Brier {cal['brier']:.4f}, expected calibration error {cal['ece']:.4f})",
        "",
        "| score bin | mean score | observed frequency | label-sentence pairs |",
        "|---|---:|---:|---:|",
    ]
    lines += [
        f"| {b['bin'][0]:.1f}–{b['bin'][1]:.1f} | {b['mean_score']:.3f} | {b['observed']:.3f} | {b['count']} |"
        for b in cal["bins"]
    ]
    return "\n".join(lines) + "\n"


def _svg_reliability(bins: list[dict[str, Any]]) -> str:
    size, pad = 260, 30

    def xy(x: float, y: float) -> tuple[float, float]:
        return pad + x * (size - 2 * pad), size - pad - y * (size - 2 * pad)

    points = " ".join("{:.1f},{:.1f}".format(*xy(b["mean_score"], b["observed"])) for b in bins)
    dots = "".join(
        '<circle cx="{:.1f}" cy="{:.1f}" r="3"/>'.format(*xy(b["mean_score"], b["observed"]))
        for b in bins
    )
    (x0, y0), (x1, y1) = xy(0, 0), xy(1, 1)
    return (
        f'<svg width="{size}" height="{size}" role="img" aria-label="reliability diagram">'
        f'<line x1="{x0}" y1="{y0}" x2="{x1}" y2="{y1}" stroke="#bbb" stroke-dasharray="4"/>'
        f'<polyline points="{points}" fill="none" stroke="#2b59c3" stroke-width="2"/>{dots}'
        f'<text x="{size / 2}" y="{size - 5}" text-anchor="middle" font-size="11">mean score</text>'
        f'<text x="10" y="{size / 2}" font-size="11" transform="rotate(-90 10 {size / 2})" '
        f'text-anchor="middle">observed</text></svg>'
    )


def _svg_bars(per_label: dict[str, Any]) -> str:
    row, width, label_width = 18, 460, 200
    height = row * len(per_label) + 10
    parts = [f'<svg width="{width}" height="{height}" role="img" aria-label="F1 per label">']
    scale = width - label_width - 20
    for i, (label, v) in enumerate(per_label.items()):
        y = 5 + i * row
        lo, hi = v["f1_ci"]
        parts.append(
            f'<text x="{label_width - 6}" y="{y + 12}" text-anchor="end" font-size="11">{html.escape(label)}</text>'
            f'<rect x="{label_width}" y="{y + 2}" width="{v["f1"] * scale:.1f}" height="{row - 6}" fill="#8fb0ea"/>'
            f'<line x1="{label_width + lo * scale:.1f}" x2="{label_width + hi * scale:.1f}" y1="{y + row / 2 - 1}" '
            f'y2="{y + row / 2 - 1}" stroke="#1d2330"/>'
        )
    parts.append("</svg>")
    return "".join(parts)


def report_html(report: dict[str, Any]) -> str:
    """A self-contained HTML page: the Markdown tables plus two inline SVG figures."""
    body = html.escape(report_markdown(report))
    return (
        '<!doctype html><html lang="en"><meta charset="utf-8"><title>'
        + html.escape(report["title"])
        + '</title><body style="font-family:system-ui,sans-serif;max-width:980px;margin:auto">'
        "<h1>"
        + html.escape(report["title"])
        + "</h1><h2>F1 per label (bar) with its interval (line)</h2>"
        + _svg_bars(report["metrics"]["per_frame"])
        + "<h2>Reliability</h2>"
        + _svg_reliability(report["calibration"]["bins"])
        + "<h2>Tables</h2><pre>"
        + body
        + "</pre></body></html>\n"
    )


def write_report(report: dict[str, Any], directory: Path, stem: str) -> list[Path]:
    """Write ``stem``.md, ``stem``.html and ``stem``.json into ``directory``."""
    directory = Path(directory)
    paths = [directory / f"{stem}.md", directory / f"{stem}.html", directory / f"{stem}.json"]
    paths[0].write_text(report_markdown(report), encoding="utf-8")
    paths[1].write_text(report_html(report), encoding="utf-8")
    paths[2].write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return paths
