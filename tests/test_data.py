import numpy as np
import pytest

from framing.data import (
    check_data,
    duplicate_groups,
    group_folds,
    labeled_from_frame,
    near_duplicate_pairs,
    read_labeled_csv,
)
from framing.errors import DataError
from tests.conftest import write_csv


def test_reads_frames_into_a_matrix_in_codebook_order(tiny_dir, tiny_codebook):
    data = read_labeled_csv(tiny_dir / "labeled.csv", tiny_codebook)
    assert data.codebook.ids == ["weather", "sport", "food"]
    row = data.texts.index("The match was abandoned because of torrential rain.")
    assert data.labels[row].tolist() == [1, 1, 0]
    assert data.frame_lists()[row] == ["weather", "sport"]
    assert len(data.fingerprint()) == 64


def test_missing_column_lists_what_was_found(tmp_path):
    path = write_csv(tmp_path / "x.csv", ["id", "body"], [("1", "some text")])
    with pytest.raises(DataError, match="has no column 'text'; found: id, body"):
        read_labeled_csv(path)


def test_unknown_frames_and_empty_texts_are_named_with_line_numbers(tmp_path, tiny_codebook):
    rows = [("Rain again.", "weathr"), ("   ", "sport"), ("Nice goal.", "sport;footbal")]
    path = write_csv(tmp_path / "bad.csv", ["text", "frames"], rows)
    with pytest.raises(DataError) as caught:
        read_labeled_csv(path, tiny_codebook)
    message = str(caught.value)
    assert "line 2: unknown frame 'weathr' (did you mean 'weather'?)" in message
    assert "line 3: empty text" in message
    assert "line 4: unknown frame 'footbal'" in message
    assert "3 problem(s)" in message


def test_missing_file_and_non_utf8_are_clear(tmp_path):
    with pytest.raises(DataError, match="not found"):
        read_labeled_csv(tmp_path / "nope.csv")
    path = tmp_path / "latin.csv"
    path.write_bytes("text,frames\nCaf\xe9 talk,\n".encode("latin-1"))
    with pytest.raises(DataError, match="not UTF-8"):
        read_labeled_csv(path)


def test_near_duplicates_found_and_grouped():
    texts = [
        "Moscow says Kyiv must accept the situation on the ground in Donetsk.",
        "Moscow says Kyiv must accept the situation on the ground in Luhansk.",
        "An entirely different sentence about grain exports from Odesa.",
    ]
    pairs = near_duplicate_pairs(texts)
    assert [(i, j) for i, j, _ in pairs] == [(0, 1)]
    assert pairs[0][2] >= 0.8
    groups = duplicate_groups(3, pairs)
    assert groups[0] == groups[1] != groups[2]


def test_group_folds_keep_groups_together_and_spread_frames():
    labels = np.zeros((40, 2), dtype=np.int8)
    labels[:10, 0] = 1
    labels[10:20, 1] = 1
    groups = np.arange(40)
    groups[1] = groups[0]  # rows 0 and 1 are near-duplicates
    folds = group_folds(labels, groups, n_folds=5, seed=3)
    assert folds[0] == folds[1]
    for j in range(2):
        assert len(set(folds[labels[:, j] == 1])) == 5
    assert np.array_equal(folds, group_folds(labels, groups, n_folds=5, seed=3))


def test_group_folds_give_every_fold_its_share_of_overlapping_and_rare_labels():
    rng = np.random.default_rng(0)
    n, k = 1000, 5
    labels = (rng.random((n, 6)) < [0.4, 0.2, 0.1, 0.05, 0.02, 0.3]).astype(np.int8)
    labels[:, 5] = labels[:, 0] & labels[:, 1]  # co-occurring labels, as in real codings
    groups = rng.integers(0, 700, n)  # many small near-duplicate groups
    folds = group_folds(labels, groups, n_folds=k, seed=1)
    for group in np.unique(groups):
        assert len(set(folds[groups == group])) == 1
    sizes = np.bincount(folds, minlength=k)
    assert sizes.max() - sizes.min() <= 0.03 * n / k
    for j in range(labels.shape[1]):
        share = labels[:, j].sum() / k
        counts = np.bincount(folds[labels[:, j] == 1], minlength=k)
        assert np.abs(counts - share).max() <= max(2, 0.1 * share), (j, counts, share)


def _frame(rows, codebook):
    import pandas as pd

    return labeled_from_frame(pd.DataFrame(rows, columns=["text", "frames"]), codebook=codebook)


def test_check_fails_on_exact_duplicates_and_cross_split_near_duplicates(tiny_codebook):
    data = _frame(
        [
            ("Cold rain fell all day long over the old harbour and the market square.", "weather"),
            ("Cold rain fell all day long over the old harbour and the market square.", "weather"),
            ("Cold rain fell all day long over the old harbour and the market square!", "weather"),
            ("The match ended in a draw.", "sport"),
        ],
        tiny_codebook,
    )
    report = check_data(data, test_mask=np.array([False, True, True, False]))
    assert not report.ok
    assert any("exact duplicate" in p for p in report.problems)
    assert any("both sides of the train/test split" in p for p in report.problems)
    assert report.cross_split_pairs


def test_check_reports_conflicting_duplicates_and_cue_share(tiny_codebook):
    data = _frame(
        [
            ("Rain in the north.", "weather"),
            ("rain in the  north.", "sport"),
            ("Sunny spells in the west.", "weather"),
        ],
        tiny_codebook,
    )
    report = check_data(data, max_cue_share=0.5)
    assert report.conflicting_duplicates == [(0, 1)]
    assert any("the same text with different frames" in p for p in report.problems)
    assert report.cue_share["weather"] == pytest.approx(0.5)
    assert "cue-share" in report.to_text()
    data_ok = _frame(
        [("Rain in the north.", "weather"), ("Snow in the hills.", "weather")], tiny_codebook
    )
    strict = check_data(data_ok, max_cue_share=0.4)
    assert any("cue phrase" in p for p in strict.problems)


def test_rare_and_scarce_frames_are_warned_about(tiny_codebook):
    rows = [(f"Plain sentence number {i} about the weekly town council.", "") for i in range(600)]
    rows += [(f"Rain fell on day {i} of the long wet season.", "weather") for i in range(5)]
    rows += [(f"The team won match {i} of the season at home.", "sport") for i in range(10)]
    report = check_data(_frame(rows, tiny_codebook), near_pairs=[])
    assert any("'weather': only 5 positives; too few" in w for w in report.warnings)
    assert any("'sport': 10 of 615 texts (1.6%)" in w for w in report.warnings)
    assert report.ok
