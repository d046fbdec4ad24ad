"""Active learning: which unlabeled sentences would teach the model most if labeled.

Uncertainty: a sentence whose score for some frame sits close to that frame's threshold is one
the model cannot decide. Diversity: among the uncertain, pick greedily (maximal marginal
relevance) so that the chosen sentences do not repeat each other, measured as cosine similarity
of the model's own TF-IDF features.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.preprocessing import normalize

from framing.model import FramingModel


@dataclass(frozen=True)
class Suggestion:
    """A sentence to label, why, and what the model currently thinks."""

    index: int
    uncertainty: float
    uncertain_frames: list[str]
    predicted: list[str]


def uncertainty(model: FramingModel, scores: np.ndarray) -> np.ndarray:
    """Per text and frame, 1 at the threshold falling to 0 at a score of 0 or 1."""
    thresholds = model.thresholds
    below = 1 - (thresholds - scores) / np.maximum(thresholds, 1e-9)
    above = 1 - (scores - thresholds) / np.maximum(1 - thresholds, 1e-9)
    return np.clip(np.where(scores < thresholds, below, above), 0, 1)


def suggest(
    model: FramingModel,
    texts: list[str],
    *,
    n: int = 50,
    diversity: float = 0.5,
    candidates: int | None = None,
) -> list[Suggestion]:
    """The ``n`` texts most worth labeling, most useful first.

    Args:
        model: The current model.
        texts: The unlabeled pool (blank texts are never suggested).
        n: How many to suggest.
        diversity: 0 ranks by uncertainty alone; towards 1, similar texts are pushed apart.
        candidates: How many of the most uncertain to choose among (default ``10 * n``).
    """
    usable = np.array([bool(t and t.strip()) for t in texts])
    if not usable.any() or n <= 0:
        return []
    scores = np.zeros((len(texts), len(model.frame_ids)))
    scores[usable] = model.predict_proba([t for t, u in zip(texts, usable, strict=True) if u])
    per_frame = uncertainty(model, scores)
    overall = per_frame.max(axis=1)
    overall[~usable] = -1
    pool_size = min(int(usable.sum()), candidates or 10 * n)
    pool = np.argsort(-overall, kind="stable")[:pool_size]
    features = normalize(model.pipeline.steps[0][1].transform([texts[i] for i in pool]))
    similarity = (
        (features @ features.T).toarray() if hasattr(features, "toarray") else features @ features.T
    )
    chosen: list[int] = []
    closest = np.zeros(len(pool))
    for _ in range(min(n, len(pool))):
        value = (1 - diversity) * overall[pool] - diversity * closest
        value[chosen] = -np.inf
        pick = int(np.argmax(value))
        chosen.append(pick)
        closest = np.maximum(closest, similarity[pick])
    ids = model.frame_ids
    decisions = model.decide(scores)
    result = []
    for pick in chosen:
        index = int(pool[pick])
        order = np.argsort(-per_frame[index], kind="stable")
        top = [ids[j] for j in order[:2] if per_frame[index, j] >= 0.5] or [ids[int(order[0])]]
        result.append(
            Suggestion(
                index=index,
                uncertainty=round(float(overall[index]), 4),
                uncertain_frames=top,
                predicted=[ids[j] for j in np.flatnonzero(decisions[index])],
            )
        )
    return result


def suggestions_frame(
    pool: pd.DataFrame, text_column: str, suggestions: list[Suggestion]
) -> pd.DataFrame:
    """A table ready to annotate: rank, the pool's row and columns, the model's view, and an empty
    ``frames`` column to fill in."""
    rows = pool.iloc[[s.index for s in suggestions]].reset_index(drop=True)
    out = pd.DataFrame(
        {
            "rank": range(1, len(suggestions) + 1),
            "pool_row": [s.index for s in suggestions],
            "uncertainty": [s.uncertainty for s in suggestions],
            "uncertain_frames": [";".join(s.uncertain_frames) for s in suggestions],
            "predicted_frames": [";".join(s.predicted) for s in suggestions],
        }
    )
    rows = rows.drop(columns=[c for c in ("frames", *out.columns) if c in rows.columns])
    text = rows.pop(text_column)
    return pd.concat(
        [out, pd.DataFrame({"text": text}), rows, pd.DataFrame({"frames": [""] * len(out)})], axis=1
    )
