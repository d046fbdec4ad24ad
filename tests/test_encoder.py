"""The optional encoder: fine-tuning, ONNX export and scoring, on a tiny random BERT (no download)."""

from __future__ import annotations

import json
import os
import re
import shutil
from importlib.util import find_spec
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import tiny_rows

from framing.encoder import SETTINGS_FILE, EncoderScorer
from framing.errors import ModelLoadError

if os.environ.get("FRAMING_REQUIRE_ENCODER") and find_spec("torch") is None:
    pytest.fail(
        "torch is missing but FRAMING_REQUIRE_ENCODER is set (make install-encoder)",
        pytrace=False,
    )
torch = pytest.importorskip("torch", reason="the encoder extra is not installed (make test has it)")
transformers = pytest.importorskip("transformers", reason="the encoder extra is not installed")

from framing import load_model  # noqa: E402
from framing.artifact import MODEL_FILE, save_model  # noqa: E402
from framing.data import read_labeled_csv  # noqa: E402
from training.finetune import FinetuneConfig, finetune_encoder  # noqa: E402
from training.train import ENCODER_WEIGHTS, EncoderRecipe, train_model  # noqa: E402

TEXTS = [
    "the war of aggression must end",
    "talks are a trap to buy time",
    "nato is a threat to russia",
    "russia is in isolation",
    "the root causes of the war",
    "aid to ukraine is tired",
    "peace talks must end the war",
    "the west and nato support ukraine",
]


def _words(texts: list[str]) -> set[str]:
    return {word for text in texts for word in re.findall(r"\w+|[^\w\s]", text.lower())}


WORDS = sorted(_words(TEXTS) | _words([text for text, _ in tiny_rows()]))
FRAMES = ["war_of_aggression", "talks_as_stalling", "isolation"]
LABELS = np.array(
    [[1, 0, 0], [0, 1, 0], [0, 0, 0], [0, 0, 1], [0, 0, 0], [0, 0, 0], [1, 0, 0], [0, 0, 0]]
)


@pytest.fixture(scope="module")
def tiny_base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A two-layer BERT with random weights and a word-level vocabulary, saved like a hub model."""
    from tokenizers import Tokenizer, models, normalizers, pre_tokenizers, processors

    folder = tmp_path_factory.mktemp("tiny_base")
    vocab = {token: i for i, token in enumerate(["[PAD]", "[UNK]", "[CLS]", "[SEP]", *WORDS])}
    tokenizer = Tokenizer(models.WordPiece(vocab, unk_token="[UNK]"))
    tokenizer.normalizer = normalizers.Lowercase()
    tokenizer.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tokenizer.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]", special_tokens=[("[CLS]", 2), ("[SEP]", 3)]
    )
    fast = transformers.PreTrainedTokenizerFast(
        tokenizer_object=tokenizer, pad_token="[PAD]", unk_token="[UNK]"
    )
    fast.save_pretrained(folder)
    config = transformers.BertConfig(
        vocab_size=len(vocab),
        hidden_size=16,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=32,
        max_position_embeddings=64,
    )
    torch.manual_seed(0)
    transformers.BertModel(config).save_pretrained(folder)
    return folder


@pytest.fixture(scope="module")
def exported(tiny_base: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("encoder")
    config = FinetuneConfig(epochs=2, batch_size=4, max_length=16)
    return finetune_encoder(TEXTS, LABELS, FRAMES, out, config=config, base=tiny_base)


def test_exported_scorer_scores_every_frame(exported: Path) -> None:
    scores = EncoderScorer(exported).predict_proba(TEXTS)
    assert scores.shape == (len(TEXTS), len(FRAMES))
    assert ((scores > 0) & (scores < 1)).all()
    assert EncoderScorer(exported).frame_ids == FRAMES


def test_a_text_scores_the_same_alone_and_in_a_padded_batch(exported: Path) -> None:
    scorer = EncoderScorer(exported)
    together = scorer.predict_proba(TEXTS)
    alone = np.vstack([scorer.predict_proba([text]) for text in TEXTS])
    np.testing.assert_allclose(together, alone, atol=1e-5)


def test_onnx_scores_match_the_torch_scorer(tiny_base: Path, tmp_path: Path) -> None:
    from training import finetune

    captured = {}
    original = finetune.export_encoder

    def capture(torch_module, scorer, tokenizer, *args, **kwargs):  # type: ignore[no-untyped-def]
        captured["scorer"], captured["tokenizer"] = scorer, tokenizer
        return original(torch_module, scorer, tokenizer, *args, **kwargs)

    finetune.export_encoder = capture
    try:
        out = finetune_encoder(
            TEXTS,
            LABELS,
            FRAMES,
            tmp_path,
            config=FinetuneConfig(epochs=1, batch_size=4),
            base=tiny_base,
        )
    finally:
        finetune.export_encoder = original
    encoded = captured["tokenizer"](TEXTS, padding=True, return_tensors="pt")
    with torch.no_grad():
        expected = captured["scorer"](encoded["input_ids"], encoded["attention_mask"]).numpy()
    np.testing.assert_allclose(EncoderScorer(out).predict_proba(TEXTS), expected, atol=1e-5)


def test_fine_tuning_is_deterministic(tiny_base: Path, exported: Path, tmp_path: Path) -> None:
    config = FinetuneConfig(epochs=2, batch_size=4, max_length=16)
    again = finetune_encoder(TEXTS, LABELS, FRAMES, tmp_path, config=config, base=tiny_base)
    np.testing.assert_array_equal(
        EncoderScorer(again).predict_proba(TEXTS), EncoderScorer(exported).predict_proba(TEXTS)
    )


def test_a_missing_encoder_file_is_refused_by_name(exported: Path, tmp_path: Path) -> None:
    for name in ("tokenizer.json", "encoder.json"):
        (tmp_path / name).write_bytes((exported / name).read_bytes())
    with pytest.raises(ModelLoadError, match="'scorer.onnx' is missing"):
        EncoderScorer(tmp_path)


def test_broken_settings_are_refused(exported: Path, tmp_path: Path) -> None:
    for name in ("tokenizer.json", "scorer.onnx"):
        (tmp_path / name).write_bytes((exported / name).read_bytes())
    (tmp_path / SETTINGS_FILE).write_text(json.dumps({"frame_ids": FRAMES}), encoding="utf-8")
    with pytest.raises(ModelLoadError, match="not a valid encoder settings file"):
        EncoderScorer(tmp_path)


TINY_FINETUNE = FinetuneConfig(epochs=2, batch_size=4, max_length=32)


def _train_accurate(tiny_dir: Path, tiny_codebook, base: Path, cache: Path, **recipe):  # type: ignore[no-untyped-def]
    data = read_labeled_csv(tiny_dir / "labeled.csv", tiny_codebook)
    recipe = EncoderRecipe(finetune=TINY_FINETUNE, cache=cache, base=base, **recipe)
    return train_model(data, n_folds=3, seed=0, name="tiny-accurate", encoder=recipe)


@pytest.fixture(scope="module")
def accurate_dir(tiny_dir: Path, tiny_codebook, tiny_base: Path, tmp_path_factory) -> Path:  # type: ignore[no-untyped-def]
    cache = tmp_path_factory.mktemp("finetune-cache")
    result = _train_accurate(tiny_dir, tiny_codebook, tiny_base, cache)
    out = tmp_path_factory.mktemp("models") / "accurate"
    save_model(result.model, out, card=result.card, card_markdown=result.card_markdown)
    return out


def test_the_accurate_recipe_averages_the_encoder_with_the_tfidf_model(accurate_dir: Path) -> None:
    model = load_model(accurate_dir)
    weight = model.encoder_weight
    assert model.encoder is not None and weight in ENCODER_WEIGHTS
    texts = ["Heavy rain fell on the stadium during the match.", "We ate soup."]
    tfidf = model.calibration.apply(texts, model._scorer.predict_proba(texts))
    np.testing.assert_allclose(model.tfidf_proba(texts), tfidf, atol=1e-12)
    expected = (1 - weight) * tfidf + weight * model.encoder.predict_proba(texts)
    np.testing.assert_allclose(model.predict_proba(texts), expected, atol=1e-12)
    assert not np.allclose(model.predict_proba(texts), tfidf)
    tagged = model.tag_text("Heavy rain fell on the stadium during the match.")
    assert tagged[0].scores["weather"] == round(float(expected[0, 0]), 4)


def test_the_accurate_card_records_the_encoder_and_both_test_figures(accurate_dir: Path) -> None:
    card = json.loads((accurate_dir / "card.json").read_text(encoding="utf-8"))
    encoder = card["pipeline"]["encoder"]
    assert encoder["finetune"]["epochs"] == TINY_FINETUNE.epochs
    assert encoder["weight"] == load_model(accurate_dir).encoder_weight
    assert encoder["weights_tried"] == list(ENCODER_WEIGHTS)
    fitted, tuning = encoder["rows"]["fitted"], encoder["rows"]["tuning"]
    assert fitted > 0 and tuning > 0
    assert fitted + tuning == card["metrics"]["split"]["n_train"]
    components = card["metrics"]["components"]
    assert set(components) >= {"tfidf_test", "tuning", "encoder_rows", "weight_search"}
    search = components["weight_search"]
    assert [c["weight"] for c in search] == list(ENCODER_WEIGHTS)
    best = max(c["tuning_macro_f1"] for c in search)
    first_best = next(c for c in search if c["tuning_macro_f1"] == best)
    assert components["weight"] == encoder["weight"] == first_best["weight"]
    assert components["tuning"]["macro"]["f1"] == best
    assert "fine-tuned" in card["pipeline"]["description"]
    markdown = (accurate_dir / "CARD.md").read_text(encoding="utf-8")
    assert "TF-IDF model alone" in markdown and "tuning fold" in markdown
    assert f"weight in the average, {encoder['weight']:g}, was chosen" in markdown


def test_a_single_candidate_weight_is_used_as_given(
    tiny_dir: Path, tiny_codebook, tiny_base: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    cache = tmp_path / "cache"
    result = _train_accurate(tiny_dir, tiny_codebook, tiny_base, cache, weights=(0.25,))
    assert result.model.encoder_weight == 0.25
    assert result.card["pipeline"]["encoder"]["weight"] == 0.25
    assert [c["weight"] for c in result.report["components"]["weight_search"]] == [0.25]
    parts = result.mix_parts  # the two scorers apart, as benchmarks/accurate_mix.py reads them
    mixed = 0.75 * parts["test_tfidf"] + 0.25 * parts["test_encoder"]
    np.testing.assert_allclose(mixed, result.predictions["test"][1], atol=1e-12)
    tuning_rows = result.card["pipeline"]["encoder"]["rows"]["tuning"]
    assert parts["tuning_truth"].shape == parts["tuning_encoder"].shape == (tuning_rows, 3)


def test_a_refit_fine_tunes_again_on_the_whole_training_split_and_ships_that_encoder(
    tiny_dir: Path, tiny_codebook, tiny_base: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    from training.train import _recipe_from_card

    cache = tmp_path / "cache"
    result = _train_accurate(tiny_dir, tiny_codebook, tiny_base, cache)  # refits by default
    encoder = result.card["pipeline"]["encoder"]
    rows = encoder["rows"]
    assert (
        rows["refitted"]
        == rows["fitted"] + rows["tuning"]
        == result.card["metrics"]["split"]["n_train"]
    )
    folders = sorted(cache.glob("encoder-*"))
    assert len(folders) == 2  # the first fine-tune and the refit
    shipped = result.model.encoder.folder
    assert shipped in folders
    settings = json.loads((shipped / SETTINGS_FILE).read_text(encoding="utf-8"))
    assert settings["training_rows"]["n"] == rows["refitted"]
    parts = result.mix_parts
    assert parts["first_encoder"].folder in folders and parts["first_encoder"].folder != shipped
    assert not np.allclose(parts["test_encoder_first"], parts["test_encoder"])
    weight = result.model.encoder_weight
    mixed = (1 - weight) * parts["test_tfidf"] + weight * parts["test_encoder"]
    np.testing.assert_allclose(mixed, result.predictions["test"][1], atol=1e-12)
    assert "fine-tuned again" in result.card["pipeline"]["description"]
    assert _recipe_from_card(encoder).refit  # --reproduce refits too


@pytest.mark.parametrize("weights", [(), (0.5, 1.5), (-0.1,)])
def test_encoder_weights_outside_zero_to_one_are_refused(weights: tuple[float, ...]) -> None:
    with pytest.raises(ValueError, match="must be between 0 and 1"):
        EncoderRecipe(weights=weights)


def test_a_second_run_reuses_the_cached_fine_tune_and_rebuilds_the_same_model(
    accurate_dir: Path, tiny_dir: Path, tiny_codebook, tiny_base: Path, tmp_path: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    cache = tmp_path / "cache"
    _train_accurate(tiny_dir, tiny_codebook, tiny_base, cache)
    assert len(list(cache.glob("encoder-*"))) == 2  # the first fine-tune and the refit

    from training import finetune

    def refuse(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise AssertionError("fine-tuned again although the cache holds this run")

    monkeypatch.setattr(finetune, "finetune_encoder", refuse)
    again = _train_accurate(tiny_dir, tiny_codebook, tiny_base, cache)
    out = tmp_path / "again"
    save_model(again.model, out, card=again.card, card_markdown=again.card_markdown)
    assert (out / MODEL_FILE).read_bytes() == (accurate_dir / MODEL_FILE).read_bytes()


def test_a_tampered_encoder_file_is_refused(accurate_dir: Path, tmp_path: Path) -> None:
    folder = tmp_path / "model"
    shutil.copytree(accurate_dir, folder)
    scorer = folder / "encoder" / "scorer.onnx"
    scorer.write_bytes(scorer.read_bytes()[:-1] + b"x")
    with pytest.raises(ModelLoadError, match="scorer.onnx: checksum does not match"):
        load_model(folder)


def test_a_model_folder_without_its_encoder_is_refused(accurate_dir: Path, tmp_path: Path) -> None:
    folder = tmp_path / "model"
    shutil.copytree(accurate_dir, folder)
    shutil.rmtree(folder / "encoder")
    with pytest.raises(ModelLoadError, match="missing; this model's encoder must sit beside"):
        load_model(folder)


def test_the_service_tags_with_an_accurate_model(accurate_dir: Path) -> None:
    from service import create_app

    client = create_app({"MODEL_DIR": str(accurate_dir), "TESTING": True}).test_client()
    body = client.post("/v1/tag", json={"sentences": ["Hail hit the match."]}).get_json()
    expected = load_model(accurate_dir).predict_proba(["Hail hit the match."])[0]
    scores = body["results"][0]["scores"]
    assert [scores[f] for f in ("weather", "sport", "food")] == [
        round(float(x), 4) for x in expected
    ]


def test_parallel_batch_scoring_matches_one_process(accurate_dir: Path, tmp_path: Path) -> None:
    from framing.batch import ScoreOptions, score_table

    model = load_model(accurate_dir)
    source = tmp_path / "in.csv"
    texts = [text for text, _ in tiny_rows()] * 3
    pd.DataFrame({"text": texts}).to_csv(source, index=False)
    one, two = tmp_path / "one.csv", tmp_path / "two.csv"
    score_table(model, str(source), str(one), ScoreOptions(), jobs=1, chunksize=10)
    score_table(model, str(source), str(two), ScoreOptions(), jobs=2, chunksize=10)
    assert one.read_bytes() == two.read_bytes()
    assert len(pd.read_csv(one)) == len(texts)


def test_the_accurate_recipe_says_what_to_install(
    monkeypatch, tiny_dir: Path, tiny_codebook
) -> None:  # type: ignore[no-untyped-def]
    from framing.errors import FramingError
    from training import finetune

    real = finetune.find_spec
    monkeypatch.setattr(finetune, "find_spec", lambda name: None if name == "torch" else real(name))
    data = read_labeled_csv(tiny_dir / "labeled.csv", tiny_codebook)
    with pytest.raises(FramingError, match=r"needs torch.*pip install -e '\.\[finetune\]'"):
        train_model(data, n_folds=3, encoder=EncoderRecipe())


def test_loading_an_accurate_model_without_onnxruntime_says_what_to_install(
    accurate_dir: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    import sys

    monkeypatch.setitem(sys.modules, "onnxruntime", None)  # makes the import fail
    with pytest.raises(ModelLoadError, match=r"needs onnxruntime.*pip install -e '\.\[encoder\]'"):
        load_model(accurate_dir)


def test_reproducing_an_accurate_card_runs_the_accurate_recipe_again(accurate_dir: Path) -> None:
    from framing.artifact import read_card
    from training.train import settings_from_card

    settings = settings_from_card(read_card(accurate_dir))
    assert settings.encoder is not None
    assert settings.encoder.finetune == TINY_FINETUNE
    assert settings.encoder.weights == ENCODER_WEIGHTS and settings.encoder.refit
    card = read_card(accurate_dir)
    del card["pipeline"]["encoder"]["weights_tried"]  # as written before the weight search
    del card["pipeline"]["encoder"]["rows"]["refitted"]  # and before the refit
    card["pipeline"]["encoder"]["weight"] = 0.5
    old = settings_from_card(card).encoder
    assert old.weights == (0.5,) and not old.refit


def test_the_cli_refuses_the_accurate_recipe_early_without_its_libraries(
    tiny_dir: Path, tmp_path: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    from click.testing import CliRunner

    from framing.cli import main
    from training import finetune

    real = finetune.find_spec
    monkeypatch.setattr(finetune, "find_spec", lambda n: None if n == "onnxruntime" else real(n))
    out = tmp_path / "m"
    result = CliRunner().invoke(
        main,
        [
            "train",
            "--data",
            str(tiny_dir / "labeled.csv"),
            "--out",
            str(out),
            "--recipe",
            "accurate",
        ],
    )
    assert result.exit_code != 0
    assert "needs onnxruntime" in result.output and "[encoder]" in result.output
    assert not out.exists()
