"""A lean scorer that computes the same probabilities as a TF-IDF + logistic-regression Pipeline.

scikit-learn's ``Pipeline.predict_proba`` spends most of a one-sentence call on input validation,
sparse-matrix bookkeeping and a Python loop over one estimator per frame. For the pipelines we
train (a FeatureUnion of ``TfidfVectorizer`` blocks feeding a ``OneVsRestClassifier`` of
``LogisticRegression``) the whole model is linear: per block, l2-normalised ``(1 + log tf) * idf``
weights dotted with one coefficient matrix, then a sigmoid. This module does exactly that with the
vectorizers' own analyzers, so the features are identical; the arithmetic is float64, so scores
agree with the Pipeline's to within 1e-6 (checked when the scorer is built).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.multiclass import OneVsRestClassifier
from sklearn.pipeline import FeatureUnion, Pipeline

TOLERANCE = 1e-6


@dataclass(frozen=True)
class _Block:
    analyzer: Callable[[str], list[str]]
    vocabulary: dict[str, int]
    idf: np.ndarray  # (n_terms,)
    coef: np.ndarray  # (n_terms, n_frames)


class LinearScorer:
    """Scores texts like ``pipeline.predict_proba``; build it with :func:`linear_scorer`."""

    def __init__(self, blocks: list[_Block], intercept: np.ndarray) -> None:
        self._blocks = blocks
        self._intercept = intercept

    @property
    def n_frames(self) -> int:
        """Number of score columns."""
        return len(self._intercept)

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """``(n_texts, n_frames)`` probabilities."""
        if len(texts) == 1:
            return self._one(texts[0])[None, :]
        logits = np.tile(self._intercept, (len(texts), 1))
        for block in self._blocks:
            logits += self._block_batch(block, texts)
        return _sigmoid(logits)

    def _one(self, text: str) -> np.ndarray:
        logit = self._intercept.copy()
        for block in self._blocks:
            counts: dict[int, int] = {}
            vocabulary = block.vocabulary
            for term in block.analyzer(text):
                index = vocabulary.get(term)
                if index is not None:
                    counts[index] = counts.get(index, 0) + 1
            if not counts:
                continue
            indices = np.fromiter(counts.keys(), dtype=np.int64, count=len(counts))
            weights = (
                np.log(np.fromiter(counts.values(), dtype=np.float64, count=len(counts))) + 1.0
            )
            weights *= block.idf[indices]
            weights /= np.sqrt(weights @ weights)
            logit += weights @ block.coef[indices]
        return _sigmoid(logit)

    @staticmethod
    def _block_batch(block: _Block, texts: Sequence[str]) -> np.ndarray:
        vocabulary = block.vocabulary
        analyzer = block.analyzer
        indices: list[int] = []
        indptr = [0]
        for text in texts:
            for term in analyzer(text):
                index = vocabulary.get(term)
                if index is not None:
                    indices.append(index)
            indptr.append(len(indices))
        counts = sparse.csr_matrix(
            (np.ones(len(indices)), np.asarray(indices, dtype=np.int64), np.asarray(indptr)),
            shape=(len(texts), len(block.idf)),
        )
        counts.sum_duplicates()
        counts.data = (np.log(counts.data) + 1.0) * block.idf[counts.indices]
        norms = np.sqrt(np.asarray(counts.multiply(counts).sum(axis=1)).ravel())
        norms[norms == 0] = 1.0
        counts = sparse.diags(1.0 / norms) @ counts
        return np.asarray(counts @ block.coef)


def _sigmoid(values: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-values))


def linear_scorer(pipeline: Pipeline, probe_texts: Sequence[str]) -> LinearScorer | None:
    """A LinearScorer equivalent to ``pipeline``, or None when the pipeline is not of that shape
    or the scores on ``probe_texts`` disagree by more than ``TOLERANCE``."""
    try:
        union, classifier = pipeline.steps[0][1], pipeline.steps[-1][1]
    except (AttributeError, IndexError):
        return None
    if len(pipeline.steps) != 2 or not isinstance(union, FeatureUnion):
        return None
    if not isinstance(classifier, OneVsRestClassifier) or not all(
        isinstance(e, LogisticRegression) for e in classifier.estimators_
    ):
        return None
    coef = np.vstack([e.coef_ for e in classifier.estimators_]).T.astype(np.float64)
    intercept = np.array([float(e.intercept_[0]) for e in classifier.estimators_])
    blocks, offset = [], 0
    for _, vectorizer in union.transformer_list:
        if not _plain_tfidf(vectorizer):
            return None
        size = len(vectorizer.vocabulary_)
        blocks.append(
            _Block(
                analyzer=vectorizer.build_analyzer(),
                vocabulary=dict(vectorizer.vocabulary_),
                idf=np.asarray(vectorizer.idf_, dtype=np.float64),
                coef=np.ascontiguousarray(coef[offset : offset + size]),
            )
        )
        offset += size
    if offset != coef.shape[0] or union.transformer_weights:
        return None
    scorer = LinearScorer(blocks, intercept)
    probes = list(probe_texts) or ["a probe sentence"]
    expected = pipeline.predict_proba(probes)
    batch = scorer.predict_proba(probes)
    single = np.vstack([scorer.predict_proba([text]) for text in probes])
    if np.abs(batch - expected).max() > TOLERANCE or np.abs(single - expected).max() > TOLERANCE:
        return None
    return scorer


def _plain_tfidf(vectorizer: object) -> bool:
    return (
        isinstance(vectorizer, TfidfVectorizer)
        and vectorizer.sublinear_tf
        and vectorizer.use_idf
        and vectorizer.norm == "l2"
        and not vectorizer.binary
        and vectorizer.analyzer in ("word", "char", "char_wb")
    )
