"""The NB-LR blend: each frame's logistic regression averaged, in logit, with an NB-LR."""

from dataclasses import replace

import numpy as np
from scipy.special import expit
from sklearn.linear_model import LogisticRegression

from framing.fast import linear_scorer
from tests.conftest import tiny_rows
from training.pipeline import DEFAULT_CONFIG, PipelineConfig, build_pipeline, fit_pipeline


def _tiny():
    rows = tiny_rows()
    frames = sorted({f for _, labels in rows for f in labels.split(";") if f})
    texts = [text for text, _ in rows]
    labels = np.array([[int(f in labels.split(";")) for f in frames] for _, labels in rows])
    return texts, labels


def test_the_blend_is_the_mean_of_the_two_models_logits():
    texts, labels = _tiny()
    config = replace(DEFAULT_CONFIG, min_df=1)
    blended = fit_pipeline(config, texts, labels)
    plain = build_pipeline(config).fit(texts, labels)
    features = plain.steps[0][1].transform(texts).tocsr()
    present = (features > 0).astype(float)
    probe = ["Storms and heavy rain flooded the stadium.", "The chef cooked soup.", "Nothing here."]
    probe_features = plain.steps[0][1].transform(probe).tocsr()
    for j, estimator in enumerate(plain.steps[-1][1].estimators_):
        y = labels[:, j]
        a = np.asarray(present[y == 1].sum(axis=0)).ravel() + 1
        b = np.asarray(present[y == 0].sum(axis=0)).ravel() + 1
        ratio = np.log((a / a.sum()) / (b / b.sum()))
        nb = LogisticRegression(
            C=config.nb_blend_C, class_weight="balanced", solver="liblinear", random_state=0
        ).fit(features.multiply(ratio).tocsr(), y)
        logit_lr = estimator.decision_function(probe_features)
        logit_nb = nb.decision_function(probe_features.multiply(ratio).tocsr())
        expected = expit((logit_lr + logit_nb) / 2)
        assert np.allclose(blended.predict_proba(probe)[:, j], expected, atol=1e-9)
        assert not np.allclose(plain.predict_proba(probe)[:, j], expected, atol=1e-3)


def test_the_blended_pipeline_stays_plain_logistic_regressions_for_the_fast_scorer():
    texts, labels = _tiny()
    blended = fit_pipeline(replace(DEFAULT_CONFIG, min_df=1), texts, labels)
    assert all(type(e) is LogisticRegression for e in blended.steps[-1][1].estimators_)
    scorer = linear_scorer(blended, texts[:5])
    assert scorer is not None
    assert np.allclose(scorer.predict_proba(texts), blended.predict_proba(texts), atol=1e-6)


def test_no_blend_when_switched_off_and_older_cards_read_as_unblended():
    texts, labels = _tiny()
    config = replace(DEFAULT_CONFIG, min_df=1, nb_blend_C=None)
    off = fit_pipeline(config, texts, labels)
    plain = build_pipeline(config).fit(texts, labels)
    assert np.array_equal(off.predict_proba(texts), plain.predict_proba(texts))
    recorded = {k: v for k, v in DEFAULT_CONFIG.to_dict().items() if k != "nb_blend_C"}
    assert PipelineConfig.from_dict(recorded).nb_blend_C is None
    assert PipelineConfig.from_dict(DEFAULT_CONFIG.to_dict()) == DEFAULT_CONFIG
