import numpy as np
import pytest

from framing.artifact import MODEL_FILE, file_sha256, save_model
from framing.data import read_labeled_csv
from framing.errors import DataError
from tests.conftest import write_csv
from training.metrics import multilabel_metrics, tune_thresholds
from training.train import train_model


def test_metrics_match_hand_counts():
    truth = np.array([[1, 0], [1, 0], [0, 1], [0, 0]])
    predicted = np.array([[1, 0], [0, 0], [0, 1], [1, 0]])
    metrics = multilabel_metrics(truth, predicted, ["a", "b"])
    assert metrics["per_frame"]["a"] == {
        "precision": 0.5,
        "recall": 0.5,
        "f1": 0.5,
        "support": 2,
        "predicted": 2,
    }
    assert metrics["per_frame"]["b"]["f1"] == 1.0
    assert metrics["macro"]["f1"] == 0.75
    assert metrics["micro"] == {"precision": 0.6667, "recall": 0.6667, "f1": 0.6667}


def test_thresholds_separate_scores_when_they_can():
    truth = np.array([[1], [1], [0], [0], [0]])
    scores = np.array([[0.9], [0.7], [0.4], [0.3], [0.1]])
    threshold = tune_thresholds(truth, scores)[0]
    assert 0.4 < threshold <= 0.7


def test_training_is_deterministic_and_reports_metrics(tiny_dir, tiny_codebook, tmp_path):
    data = read_labeled_csv(tiny_dir / "labeled.csv", tiny_codebook)
    digests = []
    for run in range(2):
        result = train_model(data, n_folds=3, seed=7, name="tiny")
        save_model(result.model, tmp_path / str(run), card=result.card, card_markdown="")
        digests.append(file_sha256(tmp_path / str(run) / MODEL_FILE))
    assert digests[0] == digests[1]
    report = result.report
    assert report["split"]["n_test"] + report["split"]["n_train"] == len(data)
    assert set(report["test"]["per_frame"]) == {"weather", "sport", "food"}
    supports = [m["support"] for m in report["test"]["per_frame"].values()]
    cv_supports = [m["support"] for m in report["cross_validation"]["per_frame"].values()]
    assert np.add(supports, cv_supports).tolist() == data.labels.sum(axis=0).tolist()
    assert report["test"]["n_sentences"] == report["split"]["n_test"]
    assert all(0.05 <= t <= 0.95 for t in result.model.thresholds)


def test_too_few_examples_per_frame_is_a_clear_error(tmp_path):
    rows = [
        (f"Sentence number {w} about nothing in particular.", "")
        for w in [
            "one",
            "two",
            "three",
            "four",
            "five",
            "six",
            "seven",
            "eight",
            "nine",
            "ten",
            "eleven",
        ]
    ]
    rows.append(("It will rain over the hills tonight.", "weather"))
    path = write_csv(tmp_path / "few.csv", ["text", "frames"], rows)
    data = read_labeled_csv(path)
    with pytest.raises(DataError, match="frame 'weather' has 1 positive example"):
        train_model(data, n_folds=5)


def test_folds_left_without_one_class_are_a_clear_error(tmp_path, tiny_codebook):
    # Templated rows are near-duplicates, and near-duplicates stay in one fold: here that leaves
    # a cross-validation training split with sport rows only.
    rows = [(f"Goal number {w} was scored late in the game tonight.", "sport") for w in range(12)]
    rows += [(f"Plain sentence {w} about the town council meeting.", "") for w in range(12)]
    path = write_csv(tmp_path / "templated.csv", ["text", "frames"], rows)
    data = read_labeled_csv(path)
    with pytest.raises(DataError, match="would be fitted without a single negative example"):
        train_model(data, n_folds=3)


def test_the_same_training_in_two_processes_writes_the_same_bytes(tiny_dir, tmp_path):
    """No per-process state (object addresses) may reach model.joblib."""
    import subprocess
    import sys
    from pathlib import Path

    framing = str(Path(sys.executable).with_name("framing"))
    digests = []
    for run in ("a", "b"):
        command = [framing, "train", "--data", str(tiny_dir / "labeled.csv"), "--codebook"]
        command += [str(tiny_dir / "codebook.yaml"), "--out", str(tmp_path / run), "--folds", "3"]
        done = subprocess.run(command, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
        digests.append(file_sha256(tmp_path / run / MODEL_FILE))
    assert digests[0] == digests[1]
