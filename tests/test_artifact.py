import json
import shutil

import joblib
import pytest

from framing import load_model
from framing.artifact import MODEL_FILE, SCHEMA_VERSION, file_sha256
from framing.errors import ModelLoadError


@pytest.fixture()
def model_copy(tiny_model_dir, tmp_path):
    target = tmp_path / "copy"
    shutil.copytree(tiny_model_dir, target)
    return target


def test_round_trip_keeps_frames_thresholds_and_card(tiny_model_dir):
    model = load_model(tiny_model_dir)
    card = json.loads((tiny_model_dir / "card.json").read_text())
    assert model.frame_ids == ["weather", "sport", "food"]
    assert card["schema_version"] == SCHEMA_VERSION
    assert card["artifact"]["sha256"] == file_sha256(tiny_model_dir / MODEL_FILE)
    assert list(card["thresholds"]) == model.frame_ids
    for key in (
        "codebook",
        "metrics",
        "training_data",
        "library_versions",
        "code_revision",
        "intended_use",
        "limitations",
        "pipeline",
    ):
        assert key in card, key
    assert (tiny_model_dir / "CARD.md").read_text().startswith("# Model card: tiny")


def test_missing_folder_and_card_are_refused(tmp_path):
    with pytest.raises(ModelLoadError, match="model folder not found"):
        load_model(tmp_path / "nothing")
    (tmp_path / "empty").mkdir()
    with pytest.raises(ModelLoadError, match="no card.json"):
        load_model(tmp_path / "empty")


def test_unknown_schema_is_refused(model_copy):
    card_path = model_copy / "card.json"
    card = json.loads(card_path.read_text())
    card["schema_version"] = 99
    card_path.write_text(json.dumps(card))
    with pytest.raises(ModelLoadError, match="schema_version 99 is not supported"):
        load_model(model_copy)


def test_corrupted_or_truncated_model_is_refused_before_unpickling(model_copy):
    path = model_copy / MODEL_FILE
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(ModelLoadError, match="does not match the card"):
        load_model(model_copy)
    path.write_bytes(b"garbage" + data[7:])
    with pytest.raises(ModelLoadError, match="corrupted or was replaced"):
        load_model(model_copy)


def test_foreign_pickle_with_forged_checksum_is_refused(model_copy):
    path = model_copy / MODEL_FILE
    joblib.dump({"something": "else"}, path)
    card_path = model_copy / "card.json"
    card = json.loads(card_path.read_text())
    card["artifact"]["sha256"] = file_sha256(path)
    card_path.write_text(json.dumps(card))
    with pytest.raises(ModelLoadError, match="not a framing model payload"):
        load_model(model_copy)


def test_card_without_checksum_or_bad_json_is_refused(model_copy):
    card_path = model_copy / "card.json"
    card_path.write_text("{not json")
    with pytest.raises(ModelLoadError, match="not valid JSON"):
        load_model(model_copy)
    card_path.write_text(json.dumps({"schema_version": SCHEMA_VERSION}))
    with pytest.raises(ModelLoadError, match="no artifact checksum"):
        load_model(model_copy)
