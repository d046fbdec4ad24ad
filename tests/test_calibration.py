"""The length recalibration: fitted on out-of-fold scores, stored with the model, applied to
every score the model gives."""

import numpy as np
import pytest

from framing import load_model
from framing.model import FramingModel, LengthCalibration
from training.calibration import MIN_EXAMPLES, fit_length_calibration
from training.pipeline import DEFAULT_CONFIG, PipelineConfig


def test_the_identity_keeps_scores_and_weights_follow_the_formula():
    texts = ["one two three", "a much longer sentence of exactly nine words here", ""]
    scores = np.array([[0.2, 0.9], [0.5, 0.01], [0.7, 0.3]])
    identity = LengthCalibration(np.array([[1.0, 0, 0, 0], [1.0, 0, 0, 0]]))
    assert np.allclose(identity.apply(texts, scores), scores, atol=1e-12)
    weights = np.array([[0.5, 1.0, 0.25, -0.5], [2.0, 0.0, 0.0, 0.0]])
    z = np.log(scores / (1 - scores))
    length = np.log([3.0, 9.0, 1.0])[:, None]  # an empty text counts as one word
    a, b, c, d = weights.T
    expected = 1 / (1 + np.exp(-(a * z + b * length + c * z * length + d)))
    assert np.allclose(LengthCalibration(weights).apply(texts, scores), expected)


def test_fitting_learns_that_long_sentences_are_under_scored():
    rng = np.random.default_rng(0)
    words = rng.integers(3, 60, size=2000)
    texts = [" ".join(["w"] * n) for n in words]
    truth = rng.random(2000) < 0.4
    raw = np.where(truth, 0.8, 0.2) - 0.006 * words  # long positives score low, like TF-IDF
    scores = np.clip(raw + rng.normal(0, 0.1, 2000), 0.01, 0.99)[:, None]
    labels = truth.astype(int)[:, None]
    calibration = fit_length_calibration(texts, labels, scores)
    a, b, c, _ = calibration.weights[0]
    assert a > 0 and b > 0  # the score counts, and length raises it
    calibrated = calibration.apply(texts, scores)
    long = words > 40
    assert calibrated[long & truth].mean() > scores[long & truth].mean()


def test_frames_with_too_few_examples_stay_unchanged():
    texts = [f"sentence number {i}" for i in range(200)]
    labels = np.zeros((200, 2), dtype=int)
    labels[: MIN_EXAMPLES - 1, 0] = 1  # too few positives
    labels[:100, 1] = 1
    scores = np.random.default_rng(1).random((200, 2))
    weights = fit_length_calibration(texts, labels, scores).weights
    assert weights[0].tolist() == [1.0, 0.0, 0.0, 0.0]
    assert weights[1].tolist() != [1.0, 0.0, 0.0, 0.0]


def test_a_calibration_of_the_wrong_shape_is_refused(tiny_model):
    with pytest.raises(ValueError, match="length calibration of shape"):
        FramingModel(
            tiny_model.pipeline,
            tiny_model.codebook,
            tiny_model.thresholds,
            calibration=LengthCalibration(np.ones((2, 4))),
        )


def test_the_model_applies_its_calibration_and_the_artifact_keeps_it(
    tiny_model_dir, tmp_path, legacy_model_dir
):
    from framing.artifact import save_model

    tiny = load_model(tiny_model_dir)
    assert tiny.calibration is not None  # the default recipe (identity on so small a corpus)
    weights = np.tile([0.5, 1.0, 0.2, -0.3], (3, 1))
    model = FramingModel(
        tiny.pipeline, tiny.codebook, tiny.thresholds, calibration=LengthCalibration(weights)
    )
    texts = ["Rain and wind tonight.", "A late goal won the match for the home side."]
    raw = model._scorer.predict_proba(texts)
    calibrated = model.predict_proba(texts)
    assert np.allclose(calibrated, model.calibration.apply(texts, raw))
    assert not np.allclose(calibrated, raw)
    assert [s.scores for s in model.tag(texts[:1])] == [
        dict(zip(model.frame_ids, np.round(calibrated[0], 4).tolist(), strict=True))
    ]
    card = {k: v for k, v in tiny.card.items() if k not in ("artifact", "schema_version")}
    save_model(model, tmp_path / "calibrated", card=card, card_markdown="# calibrated\n")
    reloaded = load_model(tmp_path / "calibrated")
    assert np.array_equal(reloaded.calibration.weights, weights)
    assert np.array_equal(reloaded.predict_proba(texts), calibrated)
    # a model folder written before the calibration existed loads without one
    legacy = load_model(legacy_model_dir("length_calibration"))
    assert legacy.calibration is None
    assert np.allclose(legacy.predict_proba(texts), model._scorer.predict_proba(texts))


def test_cards_written_before_the_setting_read_as_uncalibrated():
    recorded = DEFAULT_CONFIG.to_dict()
    assert recorded.pop("length_calibration") is True
    assert PipelineConfig.from_dict(recorded).length_calibration is False
    assert PipelineConfig.from_dict(DEFAULT_CONFIG.to_dict()) == DEFAULT_CONFIG


def test_one_sentence_and_many_are_recalibrated_alike():
    rng = np.random.default_rng(3)
    weights = rng.normal(0, 1, (5, 4))
    calibration = LengthCalibration(weights)
    texts = ["short one", "", "a somewhat longer sentence with more words in it", "x " * 80]
    scores = rng.random((4, 5))
    scores[0, 0], scores[1, 1] = 0.0, 1.0  # clipped before the logit
    together = calibration.apply(texts, scores)
    for row, text in enumerate(texts):
        alone = calibration.apply([text], scores[row : row + 1])
        assert np.allclose(alone, together[row : row + 1], rtol=1e-12, atol=1e-15)
