"""Window pooling: long sentences are also scored by their word windows, in training and in the
shipped model alike, and the artifact remembers how."""

import numpy as np
import pytest

from framing import load_model
from framing.artifact import save_model
from framing.model import FramingModel, predict_scores
from framing.windows import WindowPooling
from training.pipeline import DEFAULT_CONFIG, PipelineConfig


def _words(n: int) -> str:
    return " ".join(f"w{i}" for i in range(n))


def test_windows_cover_a_long_sentence_and_skip_a_short_one():
    pooling = WindowPooling(words=4, stride=3, min_words=6)
    assert pooling.windows(_words(5)) == []
    assert pooling.windows("  ") == []
    assert pooling.windows(_words(7)) == ["w0 w1 w2 w3", "w3 w4 w5 w6"]
    # the tail gets a full window of its own when the stride does not land on it
    assert pooling.windows(_words(8)) == ["w0 w1 w2 w3", "w3 w4 w5 w6", "w4 w5 w6 w7"]
    windows = pooling.windows("one\ttwo  three\nfour five six")
    assert windows == ["one two three four", "three four five six"]


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"words": 0}, "must be >= 1"),
        ({"stride": 0}, "must be >= 1"),
        ({"words": 10, "min_words": 10}, "must exceed the window's words"),
        ({"weight": 1.5}, "between 0 and 1"),
    ],
)
def test_settings_that_make_no_sense_are_refused(settings, message):
    with pytest.raises(ValueError, match=message):
        WindowPooling(**settings)


def test_pooling_raises_a_score_towards_the_best_window_and_never_lowers_one():
    pooling = WindowPooling(words=4, stride=2, min_words=6, weight=0.5)
    texts = ["short text", "w0 w1 w2 w3 hot w5 w6 w7", "w0 w1 w2 w3 w4 w5 w6 w7"]
    whole = np.array([[0.9, 0.1], [0.2, 0.3], [0.6, 0.5]])
    calls = []

    def score(windows: list[str]) -> np.ndarray:
        calls.append(list(windows))
        return np.array([[0.95, 0.0] if "hot" in w else [0.1, 0.0] for w in windows])

    pooled = pooling.apply(texts, whole, score)
    assert len(calls) == 1  # all windows of all texts in one call
    assert calls[0] == pooling.windows(texts[1]) + pooling.windows(texts[2])
    assert pooled[0].tolist() == [0.9, 0.1]  # too short: unchanged
    assert pooled[1] == pytest.approx([0.5 * 0.2 + 0.5 * 0.95, 0.3])
    assert pooled[2].tolist() == [0.6, 0.5]  # no window beats the whole sentence
    assert (pooled >= whole).all()
    off = WindowPooling(words=4, stride=2, min_words=6, weight=0.0)
    assert off.apply(texts, whole, score) is whole
    assert len(calls) == 1


def test_the_model_pools_the_same_way_on_every_path(tiny_model):
    pooling = WindowPooling(words=4, stride=2, min_words=6, weight=0.7)
    model = FramingModel(tiny_model.pipeline, tiny_model.codebook, tiny_model.thresholds)
    pooled = FramingModel(
        tiny_model.pipeline, tiny_model.codebook, tiny_model.thresholds, pooling=pooling
    )
    texts = [
        "Rain tonight.",
        "After the long meeting about budgets and roads the council agreed that heavy rain "
        "would close the coast road tonight.",
        "We walked home slowly after dinner and talked about the match on Sunday afternoon.",
    ]
    plain = model.predict_proba(texts)
    scores = pooled.predict_proba(texts)
    assert np.array_equal(scores[0], plain[0])
    assert (scores >= plain - 1e-12).all() and (scores > plain + 1e-6).any()
    # the lean scorer and the plain Pipeline agree, and a text scores the same alone
    reference = predict_scores(tiny_model.pipeline, texts, pooling=pooling)
    assert np.allclose(scores, reference, atol=1e-6)
    alone = np.vstack([pooled.predict_proba([text], stable=True) for text in texts])
    assert np.array_equal(alone, pooled.predict_proba(texts, stable=True))


def test_the_artifact_keeps_the_pooling_and_older_models_load_without(
    tiny_model_dir, tmp_path, legacy_model_dir
):
    tiny = load_model(tiny_model_dir)
    assert tiny.pooling == DEFAULT_CONFIG.window_pooling  # the default recipe pools
    pooling = WindowPooling(words=5, stride=2, min_words=8, weight=0.3)
    model = FramingModel(
        tiny.pipeline, tiny.codebook, tiny.thresholds, calibration=tiny.calibration, pooling=pooling
    )
    card = {k: v for k, v in tiny.card.items() if k not in ("artifact", "schema_version")}
    save_model(model, tmp_path / "pooled", card=card, card_markdown="# pooled\n")
    reloaded = load_model(tmp_path / "pooled")
    assert reloaded.pooling == pooling
    text = ["heavy rain and a cold wind are expected along the coast before the match tonight"]
    assert np.array_equal(reloaded.predict_proba(text), model.predict_proba(text))
    # a model folder written before pooling existed loads without it
    assert load_model(legacy_model_dir("window_pooling")).pooling is None


def test_cards_written_before_the_setting_read_as_unpooled():
    recorded = DEFAULT_CONFIG.to_dict()
    assert recorded.pop("window_pooling") == WindowPooling().to_dict()
    assert PipelineConfig.from_dict(recorded).window_pooling is None
    assert PipelineConfig.from_dict(DEFAULT_CONFIG.to_dict()) == DEFAULT_CONFIG
