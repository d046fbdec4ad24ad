"""Researchers' data as it comes: every file format and label layout, and every validation error."""

import json

import pandas as pd
import pytest
from click.testing import CliRunner

from framing.cli import main
from framing.errors import DataError
from framing.formats import TableSpec, labeled_from_table, read_table
from tests.conftest import write_csv

ROWS = [
    ("Storm clouds gathered over the port.", "weather"),
    ("The keeper saved a penalty and it started to rain.", "sport;weather"),
    ("Fresh bread and soup for lunch.", "food"),
    ("The council met on Tuesday.", ""),
]


def _read(path, **spec):
    data, how = labeled_from_table(read_table(path), TableSpec(**spec), source=str(path))
    return data, how


def _as_sets(data):
    return [set(frames) for frames in data.frame_lists()]


EXPECTED = [{"weather"}, {"sport", "weather"}, {"food"}, set()]


def test_csv_with_delimited_labels(tmp_path):
    path = write_csv(
        tmp_path / "d.csv", ["id", "text", "frames"], [(str(i), *r) for i, r in enumerate(ROWS)]
    )
    data, how = _read(path)
    assert _as_sets(data) == EXPECTED and "separated by ';'" in how
    assert list(data.extra.columns) == ["id"]


def test_tsv_and_comma_separated_techniques(tmp_path):
    path = tmp_path / "d.tsv"
    pd.DataFrame(
        {"paragraph": [t for t, _ in ROWS], "techniques": [f.replace(";", ",") for _, f in ROWS]}
    ).to_csv(path, sep="\t", index=False)
    data, how = _read(path)
    assert _as_sets(data) == EXPECTED and "separated by ','" in how


def test_excel_and_jsonl(tmp_path):
    excel = tmp_path / "d.xlsx"
    pd.DataFrame(
        {"Sentence": [t for t, _ in ROWS], "Labels": [f.replace(";", "|") for _, f in ROWS]}
    ).to_excel(excel, index=False)
    assert _as_sets(_read(excel)[0]) == EXPECTED
    jsonl = tmp_path / "d.jsonl"
    jsonl.write_text(
        "\n".join(
            json.dumps({"text": t, "labels": [x for x in f.split(";") if x]}) for t, f in ROWS
        )
        + "\n",
        encoding="utf-8",
    )
    assert _as_sets(_read(jsonl)[0]) == EXPECTED


def test_one_binary_column_per_label(tmp_path):
    rows = [(t, int("weather" in f), int("sport" in f), int("food" in f)) for t, f in ROWS]
    path = write_csv(tmp_path / "b.csv", ["text", "weather", "sport", "food"], rows)
    data, _ = _read(path, label_columns=("weather", "sport", "food"))
    assert _as_sets(data) == EXPECTED and data.codebook.ids == ["weather", "sport", "food"]
    bad = write_csv(tmp_path / "bad.csv", ["text", "weather"], [("Rain.", "1"), ("Sun.", "maybe")])
    with pytest.raises(
        DataError, match=r"line 3: column 'weather' holds 'maybe'; label columns must be 0/1"
    ):
        _read(bad, label_columns=("weather",))
    with pytest.raises(DataError, match=r"no label column\(s\) 'snow'; found: text, weather"):
        _read(bad, label_columns=("snow",))


def test_one_row_per_text_label_pair_is_merged(tmp_path):
    rows = [(t, label) for t, f in ROWS for label in (f.split(";") if f else [""])]
    path = write_csv(tmp_path / "long.csv", ["text", "label"], rows)
    data, how = _read(path)
    assert "5 rows merged into 4 texts" in how
    assert _as_sets(data) == EXPECTED


def test_single_label_openframing_style(tmp_path):
    path = write_csv(
        tmp_path / "of.csv",
        ["Example", "Category"],
        [
            ("Tariffs hurt farmers.", "Economic"),
            ("The ruling was unconstitutional, critics said.", "Legality, constitutionality"),
        ],
    )
    data, _ = _read(path, layout="single")
    assert data.frame_lists() == [["Economic"], ["Legality, constitutionality"]]


def test_columns_that_cannot_be_found_are_listed(tmp_path):
    path = write_csv(tmp_path / "x.csv", ["id", "words", "tags"], [("1", "Rain.", "weather")])
    with pytest.raises(
        DataError,
        match="cannot tell which column holds the text; found: id, words, tags. Name it with --text-column",
    ):
        _read(path)
    with pytest.raises(
        DataError, match="cannot tell which column holds the labels; found: id, words, tags"
    ):
        _read(path, text_column="words")
    data, _ = _read(path, text_column="words", labels_column="tags")
    assert data.frame_lists() == [["weather"]]
    with pytest.raises(DataError, match="no text column 'content'"):
        _read(path, text_column="content")
    with pytest.raises(DataError, match="unknown file type"):
        read_table(tmp_path.joinpath("x.txt")) if tmp_path.joinpath("x.txt").write_text(
            "a"
        ) else None


def test_cli_train_reads_a_researchers_table(tmp_path):
    texts = {
        "econ": [
            "Tariffs hurt soybean farmers badly.",
            "Prices rose again at the pump.",
            "The budget deficit widened.",
            "Wages stagnated for a decade.",
            "Factory orders fell sharply.",
            "Unemployment ticked up in May.",
        ],
        "health": [
            "The clinic ran out of vaccines.",
            "A new virus strain spread fast.",
            "Hospitals reported long waits.",
            "Doctors warned about the flu season.",
            "Nurses went on strike over pay.",
            "The drug trial showed promise.",
        ],
    }
    rows = [(t, label) for label, items in texts.items() for t in items]
    rows += [("The parade passed the town hall.", ""), ("A cat slept on the porch.", "")] * 1
    path = tmp_path / "coded.xlsx"
    pd.DataFrame(rows, columns=["Example", "Category"]).to_excel(path, index=False)
    out = tmp_path / "model"
    result = CliRunner().invoke(
        main, ["train", "--data", str(path), "--out", str(out), "--folds", "3"]
    )
    assert result.exit_code == 0, result.output
    assert "text in 'Example', labels in 'Category'" in result.output
    card = json.loads((out / "card.json").read_text())
    assert [f["id"] for f in card["codebook"]["frames"]] == ["econ", "health"]
