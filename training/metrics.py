"""Multi-label metrics and threshold tuning."""

from __future__ import annotations

from typing import Any

import numpy as np

THRESHOLD_GRID = np.round(np.arange(0.05, 0.951, 0.01), 2)


def _prf(tp: float, fp: float, fn: float) -> tuple[float, float, float]:
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def multilabel_metrics(
    truth: np.ndarray, predicted: np.ndarray, frame_ids: list[str]
) -> dict[str, Any]:
    """Precision, recall, F1 and support per frame, plus macro and micro averages.

    The macro average is over frames with at least one true example in ``truth`` (a frame absent
    from the evaluation data has no recall to measure); ``macro_frames`` says how many that is.
    """
    truth = np.asarray(truth, dtype=bool)
    predicted = np.asarray(predicted, dtype=bool)
    per_frame: dict[str, dict[str, float]] = {}
    totals = np.zeros(3)
    for j, frame_id in enumerate(frame_ids):
        tp = float(np.sum(truth[:, j] & predicted[:, j]))
        fp = float(np.sum(~truth[:, j] & predicted[:, j]))
        fn = float(np.sum(truth[:, j] & ~predicted[:, j]))
        totals += (tp, fp, fn)
        precision, recall, f1 = _prf(tp, fp, fn)
        per_frame[frame_id] = {
            "precision": round(precision, 4),
            "recall": round(recall, 4),
            "f1": round(f1, 4),
            "support": int(truth[:, j].sum()),
            "predicted": int(predicted[:, j].sum()),
        }
    supported = [m for m in per_frame.values() if m["support"] > 0]
    micro = _prf(*totals)
    return {
        "per_frame": per_frame,
        "macro": {
            key: round(float(np.mean([m[key] for m in supported])) if supported else 0.0, 4)
            for key in ("precision", "recall", "f1")
        },
        "macro_frames": len(supported),
        "micro": {
            "precision": round(micro[0], 4),
            "recall": round(micro[1], 4),
            "f1": round(micro[2], 4),
        },
        "n_sentences": int(truth.shape[0]),
        "n_without_frame": int((truth.sum(axis=1) == 0).sum()),
    }


def tune_thresholds(truth: np.ndarray, scores: np.ndarray, *, beta: float = 1.0) -> np.ndarray:
    """Per-frame threshold maximising F-beta on out-of-fold scores.

    Among thresholds that tie for the best score the middle one is taken, which is stabler than
    the first. A frame without positives keeps 0.5.
    """
    b2 = beta * beta
    thresholds = np.full(scores.shape[1], 0.5)
    for j in range(scores.shape[1]):
        positives = truth[:, j].astype(bool)
        if not positives.any():
            continue
        f1s = []
        for cut in THRESHOLD_GRID:
            chosen = scores[:, j] >= cut
            tp = np.sum(chosen & positives)
            fp = np.sum(chosen & ~positives)
            fn = np.sum(~chosen & positives)
            f1s.append((1 + b2) * tp / ((1 + b2) * tp + b2 * fn + fp) if tp else 0.0)
        f1s = np.asarray(f1s)
        best = np.flatnonzero(f1s >= f1s.max() - 1e-12)
        thresholds[j] = float(THRESHOLD_GRID[best[len(best) // 2]])
    return thresholds


def brier_scores(truth: np.ndarray, scores: np.ndarray, frame_ids: list[str]) -> dict[str, float]:
    """Mean squared error of each frame's probability against 0/1 truth (lower is better)."""
    return {
        frame_id: round(float(np.mean((scores[:, j] - truth[:, j]) ** 2)), 4)
        for j, frame_id in enumerate(frame_ids)
    }
