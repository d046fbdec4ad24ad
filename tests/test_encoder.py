"""The optional encoder: fine-tuning, ONNX export and scoring, on a tiny random BERT (no download)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from framing.encoder import SETTINGS_FILE, EncoderScorer
from framing.errors import ModelLoadError

torch = pytest.importorskip("torch", reason="the encoder extra is not installed")
transformers = pytest.importorskip("transformers", reason="the encoder extra is not installed")

from training.finetune import FinetuneConfig, finetune_encoder  # noqa: E402

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
WORDS = sorted({word for text in TEXTS for word in text.split()})
FRAMES = ["war_of_aggression", "talks_as_stalling", "isolation"]
LABELS = np.array(
    [[1, 0, 0], [0, 1, 0], [0, 0, 0], [0, 0, 1], [0, 0, 0], [0, 0, 0], [1, 0, 0], [0, 0, 0]]
)


@pytest.fixture(scope="module")
def tiny_base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A two-layer BERT with random weights and a word-level vocabulary, saved like a hub model."""
    from tokenizers import Tokenizer, models, pre_tokenizers, processors

    folder = tmp_path_factory.mktemp("tiny_base")
    vocab = {token: i for i, token in enumerate(["[PAD]", "[UNK]", "[CLS]", "[SEP]", *WORDS])}
    tokenizer = Tokenizer(models.WordPiece(vocab, unk_token="[UNK]"))
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
