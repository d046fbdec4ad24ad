"""The framing model: one fitted scikit-learn Pipeline, per-frame thresholds, explanations.

``predict_scores`` is the pure centre: texts in, one probability per frame out. ``FramingModel``
adds what users need around it: thresholds, sentence splitting, and the words behind a score.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.special import expit
from sklearn.pipeline import Pipeline

from framing.codebook import Codebook
from framing.encoder import EncoderScorer
from framing.fast import linear_scorer
from framing.segment import split_sentences
from framing.windows import WindowPooling

_WORD = re.compile(r"\w+(?:[-'’]\w+)*")


@dataclass(frozen=True)
class LengthCalibration:
    """Per-frame recalibration of scores by sentence length.

    TF-IDF rows are l2-normalised, so a long sentence's framing words weigh less than a short
    sentence's: the model under-scores long sentences and over-scores short fragments. For each
    frame, ``weights`` holds four numbers fitted on out-of-fold scores (see
    ``training.calibration``): the new logit is ``a*z + b*l + c*z*l + d``, with ``z`` the score's
    logit and ``l`` the log of the sentence's word count.
    """

    weights: np.ndarray  # (n_frames, 4)
    _rows: list[list[float]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_rows", np.asarray(self.weights, dtype=float).tolist())

    def apply(self, texts: Sequence[str], scores: np.ndarray) -> np.ndarray:
        """The recalibrated ``(n_texts, n_frames)`` scores."""
        if len(texts) == 1:  # one sentence (a service request): plain floats beat numpy calls
            length = math.log(max(len(texts[0].split()), 1))
            row = []
            for (a, b, c, d), score in zip(self._rows, scores[0].tolist(), strict=True):
                clipped = min(max(score, 1e-6), 1 - 1e-6)
                z = math.log(clipped / (1 - clipped))
                row.append(_sigmoid((a + c * length) * z + b * length + d))
            return np.array([row])
        z, length = length_features(texts, scores)
        a, b, c, d = self.weights.T
        return expit(a * z + b * length + c * z * length + d)


def _sigmoid(x: float) -> float:
    """The logistic function without overflow for any float."""
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


def length_features(texts: Sequence[str], scores: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(z, l)``: the scores' logits ``(n, n_frames)`` and the log word counts ``(n, 1)``."""
    clipped = np.clip(scores, 1e-6, 1 - 1e-6)
    logits = np.log(clipped / (1 - clipped))
    words = np.fromiter((len(text.split()) for text in texts), dtype=float, count=len(texts))
    return logits, np.log(np.maximum(words, 1.0))[:, None]


def predict_scores(
    pipeline: Pipeline, texts: Sequence[str], *, pooling: WindowPooling | None = None
) -> np.ndarray:
    """Probability of every frame for every text: an ``(n_texts, n_frames)`` float array; with
    ``pooling``, long texts' scores are pooled with their windows' (``framing.windows``)."""
    if len(texts) == 0:
        n_frames = len(pipeline.classes_) if hasattr(pipeline, "classes_") else 0
        return np.zeros((0, n_frames))
    scores = np.asarray(pipeline.predict_proba(list(texts)), dtype=float)
    classifier = pipeline.steps[-1][1]
    if scores.shape[1] == 2 and getattr(classifier, "multilabel_", True) is False:
        scores = scores[:, 1:]  # one frame: scikit-learn answers (P(no), P(yes)); keep P(yes)
    if pooling is not None:
        scores = pooling.apply(texts, scores, lambda windows: predict_scores(pipeline, windows))
    return scores


@dataclass(frozen=True)
class FrameScore:
    """A frame predicted for a sentence."""

    id: str
    name: str
    score: float
    evidence: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {"id": self.id, "name": self.name, "score": self.score, "evidence": self.evidence}


@dataclass(frozen=True)
class TaggedSentence:
    """A sentence, where it sits, its predicted frames (most confident first) and all scores."""

    sentence: str
    start: int
    end: int
    frames: list[FrameScore]
    scores: dict[str, float]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "sentence": self.sentence,
            "start": self.start,
            "end": self.end,
            "frames": [f.to_dict() for f in self.frames],
            "scores": self.scores,
        }


class FramingModel:
    """A fitted multi-label framing classifier.

    Args:
        pipeline: Fitted Pipeline whose ``predict_proba`` gives one column per frame.
        codebook: The frames, in column order.
        thresholds: Per-frame decision thresholds, in codebook order.
        card: The model card (metadata), as loaded from ``card.json``.
        calibration: Optional per-frame length recalibration applied to the Pipeline's scores.
        pooling: Optional window pooling of long sentences' scores, applied before the
            recalibration (``framing.windows``).
        encoder: Optional second scorer (``framing.encoder.EncoderScorer``, the "accurate"
            recipe) whose probabilities are averaged with the recalibrated Pipeline's.
        encoder_weight: The encoder's share of that average.
    """

    def __init__(
        self,
        pipeline: Pipeline,
        codebook: Codebook,
        thresholds: Sequence[float],
        card: dict[str, Any] | None = None,
        calibration: LengthCalibration | None = None,
        pooling: WindowPooling | None = None,
        encoder: EncoderScorer | None = None,
        encoder_weight: float = 0.5,
    ) -> None:
        self.pipeline = pipeline
        self.encoder = encoder
        self.encoder_weight = float(encoder_weight)
        self.calibration = calibration
        self.pooling = pooling
        self.codebook = codebook
        self.thresholds = np.asarray(thresholds, dtype=float)
        self.card = card or {}
        if len(self.thresholds) != len(codebook):
            raise ValueError(
                f"{len(self.thresholds)} thresholds for {len(codebook)} frames; they must match"
            )
        if calibration is not None and calibration.weights.shape != (len(codebook), 4):
            raise ValueError(
                f"length calibration of shape {calibration.weights.shape} for {len(codebook)} "
                "frames; it must be (frames, 4)"
            )
        if encoder is not None and encoder.frame_ids != codebook.ids:
            raise ValueError(
                f"the encoder scores frames {encoder.frame_ids}, the codebook has {codebook.ids}"
            )
        if not 0 <= self.encoder_weight <= 1:
            raise ValueError(f"encoder weight {encoder_weight} is not between 0 and 1")
        probes = [example for frame in codebook.frames for example in frame.examples]
        probes += [frame.definition for frame in codebook.frames if frame.definition]
        self._scorer = linear_scorer(
            pipeline, [*probes, "", "Peace. Now!", "Naïve café — “Ünïcödé” ﬁ"]
        )
        self._ids = codebook.ids
        self._names = [frame.name for frame in codebook.frames]

    @property
    def frame_ids(self) -> list[str]:
        """Frame ids in score-column order."""
        return self.codebook.ids

    @property
    def name(self) -> str:
        """The model's name, from its card."""
        return str(self.card.get("name", "unnamed"))

    @property
    def version(self) -> str:
        """The model's version, from its card."""
        return str(self.card.get("version", "0"))

    def predict_proba(self, texts: Sequence[str], *, stable: bool = False) -> np.ndarray:
        """``(n_texts, n_frames)`` probabilities.

        Computed by the lean linear scorer when the pipeline allows one (same features, scores
        equal to the Pipeline's within 1e-6, many times faster per call), else by the Pipeline;
        then pooled with long sentences' word windows when the model has window pooling, and
        recalibrated by sentence length when it has a calibration; with an encoder, averaged
        with its scores. ``stable=True`` guarantees each text the same floats whatever batch it arrives in (batch
        scoring needs this for byte-identical output). With the scorer's C kernel every call has
        that property; without it, a lone text otherwise takes a path that may differ in the
        last bits.
        """
        scores = self.tfidf_proba(texts, stable=stable)
        if self.encoder is not None and len(texts):
            weight = self.encoder_weight
            scores = (1 - weight) * scores + weight * self.encoder.predict_proba(texts)
        return scores

    def tfidf_proba(self, texts: Sequence[str], *, stable: bool = False) -> np.ndarray:
        """The TF-IDF Pipeline's part of ``predict_proba``: its scores, window-pooled and
        recalibrated, before any averaging with an encoder (the whole score without one)."""
        scorer, pooling = self._scorer, self.pooling
        if scorer is None or not len(texts):
            scores = predict_scores(self.pipeline, texts, pooling=pooling)
        elif pooling is None:
            scores = scorer.predict_proba(texts, stable=stable)
        else:  # windows from tokens (C kernel), else the window texts scored like any text
            scores = scorer.pooled_proba(texts, pooling)
            if scores is None:
                scores = pooling.apply(
                    texts,
                    scorer.predict_proba(texts, stable=stable),
                    lambda windows: scorer.predict_proba(windows, stable=stable),
                )
        if self.calibration is not None and len(texts):
            scores = self.calibration.apply(texts, scores)
        return scores

    def decide(self, scores: np.ndarray, threshold: float | None = None) -> np.ndarray:
        """0/1 decisions from scores, with the tuned thresholds or one override for all frames."""
        cut = self.thresholds if threshold is None else np.full(len(self.thresholds), threshold)
        return (scores >= cut).astype(np.int8)

    def predict(self, texts: Sequence[str], *, threshold: float | None = None) -> list[list[str]]:
        """The frame ids each text invokes."""
        decisions = self.decide(self.predict_proba(texts), threshold)
        ids = self.frame_ids
        return [[ids[j] for j in np.flatnonzero(row)] for row in decisions]

    def explain(
        self, text: str, frame_ids: Sequence[str], *, top_n: int = 5
    ) -> dict[str, list[str]]:
        """The words and phrases of ``text`` that raise each frame's score most.

        Occlusion: each word is removed in turn and the drop in the frame's score measured; the
        words with the largest drops are evidence, adjacent ones joined into phrases, strongest first.
        This works for any pipeline, and the words are the sentence's own.
        """
        words = list(_WORD.finditer(text))
        if not words or not frame_ids:
            return {frame_id: [] for frame_id in frame_ids}
        variants = [text[: w.start()] + text[w.end() :] for w in words]
        scores = self.predict_proba([text, *variants])
        base, occluded = scores[0], scores[1:]
        columns = [self.frame_ids.index(frame_id) for frame_id in frame_ids]
        evidence: dict[str, list[str]] = {}
        for frame_id, column in zip(frame_ids, columns, strict=True):
            drops = base[column] - occluded[:, column]
            order = [i for i in np.argsort(-drops, kind="stable")[:top_n] if drops[i] > 0]
            if order:
                floor = 0.2 * drops[order[0]]
                order = [i for i in order if drops[i] >= floor]
            evidence[frame_id] = _join_adjacent(text, words, sorted(order), drops)
        return evidence

    def tag(
        self,
        sentences: Sequence[str],
        *,
        threshold: float | None = None,
        explain: bool = False,
        offsets: Sequence[tuple[int, int]] | None = None,
    ) -> list[TaggedSentence]:
        """Tag each sentence with its frames (most confident first) and every frame's score."""
        scores = self.predict_proba(sentences)
        hits = self.decide(scores, threshold).tolist()
        rounded = np.round(scores, 4).tolist()
        orders = np.argsort(-scores, axis=1, kind="stable").tolist()  # ties: codebook order
        ids, names = self._ids, self._names
        tagged = []
        for index, sentence in enumerate(sentences):
            row, hit = rounded[index], hits[index]
            chosen = [j for j in orders[index] if hit[j]]
            chosen_ids = [ids[j] for j in chosen]
            evidence = self.explain(sentence, chosen_ids) if explain and chosen_ids else {}
            frames = [
                FrameScore(
                    id=ids[j], name=names[j], score=row[j], evidence=evidence.get(ids[j], [])
                )
                for j in chosen
            ]
            start, end = offsets[index] if offsets is not None else (0, len(sentence))
            tagged.append(
                TaggedSentence(
                    sentence=sentence,
                    start=start,
                    end=end,
                    frames=frames,
                    scores=dict(zip(ids, row, strict=True)),
                )
            )
        return tagged

    def tag_text(
        self, text: str, *, threshold: float | None = None, explain: bool = False
    ) -> list[TaggedSentence]:
        """Split ``text`` into sentences and tag each, with character offsets into ``text``."""
        sentences = split_sentences(text)
        return self.tag(
            [s.text for s in sentences],
            threshold=threshold,
            explain=explain,
            offsets=[(s.start, s.end) for s in sentences],
        )


def _join_adjacent(
    text: str, words: list[re.Match[str]], chosen: list[int], drops: np.ndarray
) -> list[str]:
    """Join chosen word indices that are neighbours into phrases, strongest phrase first."""
    runs: list[list[int]] = []
    for index in chosen:
        if runs and index == runs[-1][-1] + 1:
            runs[-1].append(index)
        else:
            runs.append([index])
    runs.sort(key=lambda run: -max(drops[i] for i in run))
    return [text[words[run[0]].start() : words[run[-1]].end()] for run in runs]
