"""The shipped labeled corpus meets the bar the classifier issue sets for it."""

import pytest

from framing.codebook import default_codebook
from framing.data import MAX_CUE_SHARE, check_data, read_labeled_csv
from framing.paths import LABELED_SENTENCES_PATH

REGISTERS = {
    "kremlin",
    "russian_mfa",
    "russian_state_media",
    "wire_report",
    "analysis",
    "western_official",
    "ukraine_official",
    "zelensky_address",
    "un_speech",
    "op_ed",
    "social_post",
}


@pytest.fixture(scope="module")
def corpus():
    return read_labeled_csv(LABELED_SENTENCES_PATH, default_codebook())


@pytest.fixture(scope="module")
def report(corpus):
    return check_data(corpus, max_cue_share=MAX_CUE_SHARE, min_positives=150)


def test_corpus_size_and_balance(corpus, report):
    assert len(corpus) >= 3000
    assert all(count >= 150 for count in report.frame_counts.values()), report.frame_counts
    assert report.n_without_frame >= 1200
    assert report.n_hard_negatives is not None and report.n_hard_negatives >= 400


def test_corpus_passes_the_data_check(report):
    assert report.ok, report.to_text()
    assert not report.exact_duplicates
    assert all(share <= MAX_CUE_SHARE for share in report.cue_share.values()), report.cue_share


def test_every_sentence_records_a_known_register(corpus):
    registers = set(corpus.extra["register"])
    assert registers <= REGISTERS, registers - REGISTERS
    assert registers == REGISTERS  # every register of the field is represented


def test_hard_negatives_name_a_known_frame_and_have_no_frames(corpus):
    codebook = default_codebook()
    for index, value in enumerate(corpus.extra["hard_negative_for"]):
        if value:
            assert value in codebook, f"line {index + 2}: {value}"
            assert corpus.labels[index].sum() == 0, f"line {index + 2}"


def test_sentences_are_varied_not_templated(report, corpus):
    # near-duplicate pairs (word 1-2-gram TF-IDF cosine >= 0.8) are rare
    assert len(report.near_duplicates) <= len(corpus) // 200, report.near_duplicates[:5]


def test_the_agreement_study_labels_sentences_of_the_corpus():
    """labeled_data/agreement/: two blind annotations of the same corpus sentences, by id."""
    import csv

    with LABELED_SENTENCES_PATH.open(encoding="utf-8", newline="") as handle:
        corpus_ids = {row["id"] for row in csv.DictReader(handle)}
    frame_ids = set(default_codebook().ids)
    studied = []
    for path in sorted((LABELED_SENTENCES_PATH.parent / "agreement").glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
        assert [*rows[0]] == ["id", "frames", "note"], path
        assert {row["id"] for row in rows} <= corpus_ids, path
        assert len({row["id"] for row in rows}) == len(rows), path
        for row in rows:
            assert set(filter(None, row["frames"].split(";"))) <= frame_ids, (path, row)
        studied.append({row["id"] for row in rows})
    assert len(studied) >= 2 and all(ids == studied[0] for ids in studied)
