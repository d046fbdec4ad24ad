"""The candidate pipelines. The default was chosen by measurement (see benchmarks/select_model.py)."""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.multiclass import OneVsRestClassifier
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.svm import LinearSVC


@dataclass(frozen=True)
class PipelineConfig:
    """Everything that defines a pipeline, recorded in the model card.

    Attributes:
        word_ngrams: Word n-gram range, or None for no word features.
        char_ngrams: Character (within word boundaries) n-gram range, or None.
        min_df: Minimum document frequency of a feature.
        max_features: Cap on each vectorizer's vocabulary (None: no cap).
        classifier: ``logreg`` or ``svm_sigmoid`` (LinearSVC with Platt scaling).
        C: Inverse regularisation strength.
        class_weight: ``balanced`` or None.
        threshold_beta: The per-frame thresholds maximise F-beta on out-of-fold scores; below 1
            favours precision (fewer, surer frames), which held up better on real text.
        length_calibration: Recalibrate each frame's scores by sentence length, fitted on
            out-of-fold scores (``training.calibration``). Cards written before this setting
            existed read as False.
    """

    word_ngrams: tuple[int, int] | None = (1, 2)
    char_ngrams: tuple[int, int] | None = (3, 5)
    min_df: int = 2
    max_features: int | None = None
    classifier: str = "logreg"
    C: float = 2.0
    class_weight: str | None = "balanced"
    threshold_beta: float = 0.7
    length_calibration: bool = True

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> PipelineConfig:
        """Inverse of to_dict (tuples come back from JSON as lists)."""
        values = {"length_calibration": False, **data}  # older cards: no calibration
        for key in ("word_ngrams", "char_ngrams"):
            if values.get(key) is not None:
                values[key] = tuple(values[key])  # type: ignore[arg-type]
        return cls(**values)  # type: ignore[arg-type]


DEFAULT_CONFIG = PipelineConfig()


def build_pipeline(config: PipelineConfig = DEFAULT_CONFIG, *, seed: int = 0) -> Pipeline:
    """An unfitted Pipeline: TF-IDF features, then one binary classifier per frame."""
    features = []
    if config.word_ngrams:
        features.append(
            (
                "words",
                TfidfVectorizer(
                    ngram_range=config.word_ngrams,
                    min_df=config.min_df,
                    max_features=config.max_features,
                    sublinear_tf=True,
                    lowercase=True,
                    strip_accents="unicode",
                    dtype=np.float32,
                ),
            )
        )
    if config.char_ngrams:
        features.append(
            (
                "chars",
                TfidfVectorizer(
                    analyzer="char_wb",
                    ngram_range=config.char_ngrams,
                    min_df=config.min_df,
                    max_features=config.max_features,
                    sublinear_tf=True,
                    lowercase=True,
                    strip_accents="unicode",
                    dtype=np.float32,
                ),
            )
        )
    if not features:
        raise ValueError("a pipeline needs word or character features")
    if config.classifier == "logreg":
        base = LogisticRegression(
            C=config.C, class_weight=config.class_weight, solver="liblinear", random_state=seed
        )
    elif config.classifier == "svm_sigmoid":
        base = CalibratedClassifierCV(
            LinearSVC(C=config.C, class_weight=config.class_weight, random_state=seed),
            method="sigmoid",
            cv=3,
        )
    else:
        raise ValueError(f"unknown classifier {config.classifier!r}; use 'logreg' or 'svm_sigmoid'")
    return Pipeline(
        [("features", FeatureUnion(features)), ("classifier", OneVsRestClassifier(base))]
    )
