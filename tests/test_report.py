"""The evaluation report: intervals, confusions, calibration, written as Markdown, HTML and JSON."""

import json

import numpy as np

from training.report import (
    bootstrap_f1,
    confused_pairs,
    evaluation_report,
    reliability,
    write_report,
)


def _example(seed=0, n=400):
    rng = np.random.default_rng(seed)
    truth = rng.random((n, 3)) < [0.3, 0.2, 0.1]
    scores = np.clip(truth * 0.3 + rng.random((n, 3)) * 0.6, 0, 1)
    return truth.astype(int), scores


def test_bootstrap_intervals_bracket_the_estimate_and_shrink_with_more_data():
    truth, scores = _example()
    predicted = scores >= 0.5
    small = bootstrap_f1(truth[:100], predicted[:100], rounds=300)
    large = bootstrap_f1(truth, predicted, rounds=300)
    from training.metrics import multilabel_metrics

    point = multilabel_metrics(truth, predicted, ["a", "b", "c"])
    assert large["micro"][0] <= point["micro"]["f1"] <= large["micro"][1]
    assert large["macro"][0] <= point["macro"]["f1"] <= large["macro"][1]
    assert (large["micro"][1] - large["micro"][0]) < (small["micro"][1] - small["micro"][0])
    assert bootstrap_f1(truth, predicted, rounds=50, seed=3) == bootstrap_f1(
        truth, predicted, rounds=50, seed=3
    )


def test_confused_pairs_count_one_label_tagged_as_another():
    truth = np.array([[1, 0], [1, 0], [0, 1], [1, 0]])
    predicted = np.array([[0, 1], [0, 1], [0, 1], [1, 0]])
    assert confused_pairs(truth, predicted, ["a", "b"]) == [
        {"true": "a", "predicted": "b", "count": 2}
    ]


def test_reliability_of_perfectly_calibrated_scores_is_near_zero_error():
    rng = np.random.default_rng(1)
    scores = rng.random((20000, 2))
    truth = (rng.random((20000, 2)) < scores).astype(int)
    table = reliability(truth, scores)
    assert table["ece"] < 0.02
    assert all(abs(b["mean_score"] - b["observed"]) < 0.03 for b in table["bins"])
    overconfident = reliability(truth, np.where(scores > 0.5, 1.0, 0.0))
    assert overconfident["ece"] > 0.15 and overconfident["brier"] > table["brier"]


def test_report_files(tmp_path):
    truth, scores = _example()
    report = evaluation_report(
        truth, scores, np.array([0.5, 0.5, 0.5]), ["a", "b", "c"], title="Test report", rounds=100
    )
    paths = write_report(report, tmp_path, "report_test")
    markdown, page, data = (p.read_text(encoding="utf-8") for p in paths)
    assert (
        markdown.startswith("# Test report")
        and "F1 interval" in markdown
        and "Calibration" in markdown
    )
    assert "<svg" in page and "reliability diagram" in page and "<script" not in page
    parsed = json.loads(data)
    assert (
        parsed["metrics"]["per_frame"]["a"]["f1_ci"][0] <= parsed["metrics"]["per_frame"]["a"]["f1"]
    )


def test_paired_bootstrap_tells_a_real_difference_from_none():
    from training.report import paired_bootstrap

    rng = np.random.default_rng(1)
    truth = rng.random((300, 3)) < 0.3
    noisy = truth ^ (rng.random((300, 3)) < 0.25)
    same = paired_bootstrap(truth, noisy, noisy.copy(), rounds=200)
    assert same["micro"]["difference_ci"] == [0.0, 0.0]
    assert same["micro"]["b_better_share"] == 0.0
    better = paired_bootstrap(truth, noisy, truth, rounds=200)
    low, high = better["micro"]["difference_ci"]
    assert 0 < low <= high
    assert better["micro"]["b_better_share"] == 1.0
    assert all(entry["difference_ci"][0] > 0 for entry in better["per_label"])


def test_evaluation_is_the_same_whatever_the_data_s_frame_order(tiny_model, tiny_dir):
    from framing.codebook import Codebook
    from framing.data import read_labeled_csv
    from training.evaluate import evaluate

    path = tiny_dir / "labeled.csv"
    in_order = evaluate(tiny_model, read_labeled_csv(path, tiny_model.codebook))
    reversed_ids = list(reversed(tiny_model.frame_ids))
    reordered = evaluate(tiny_model, read_labeled_csv(path, Codebook.from_ids(reversed_ids)))
    assert in_order.metrics["per_frame"] == reordered.metrics["per_frame"]
    assert np.array_equal(in_order.scores[:, ::-1], reordered.scores)
    assert np.array_equal(in_order.predicted[:, ::-1], reordered.predicted)


def test_group_keys_use_the_capture_group_and_name_odd_rows():
    import pandas as pd

    from framing.codebook import Codebook
    from framing.data import LabeledData
    from training.evaluate import group_keys, group_metrics

    data = LabeledData(
        texts=["a", "b", "c", "d"],
        labels=np.array([[1], [0], [1], [1]]),
        codebook=Codebook.from_ids(["x"]),
        extra=pd.DataFrame({"source": ["un/FRA_77", "un/GHA_78", "putin-1", None]}),
    )
    keys = group_keys(data, "source", r"^(\w+)/")
    assert keys == ["un", "un", "(no match)", "(missing)"]
    groups = group_metrics(data.labels, np.array([[1], [1], [0], [1]]), ["x"], keys)
    assert [g["group"] for g in groups] == ["un", "(missing)", "(no match)"]
    un = groups[0]
    assert (un["n_sentences"], un["n_labels"], un["n_predicted"]) == (2, 1, 2)
    assert un["micro"]["precision"] == 0.5 and un["micro"]["recall"] == 1.0
