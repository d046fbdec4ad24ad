"""Active learning suggestions: uncertain first, diverse, ready to annotate."""

import numpy as np
import pandas as pd
from click.testing import CliRunner

from framing.cli import main
from tests.conftest import write_csv
from training.suggest import suggest, uncertainty


def test_uncertainty_peaks_at_the_threshold(tiny_model):
    thresholds = tiny_model.thresholds
    scores = np.vstack([thresholds, np.zeros(3), np.ones(3)])
    values = uncertainty(tiny_model, scores)
    assert np.allclose(values[0], 1) and np.allclose(values[1:], 0)


def test_suggestions_prefer_uncertain_and_skip_blank(tiny_model):
    texts = [
        "",
        "Heavy rain and thunder all night long.",
        "The striker scored twice in the final.",
        "rain",
        "A quiet afternoon.",
        "   ",
    ]
    chosen = suggest(tiny_model, texts, n=3, diversity=0.0)
    assert len(chosen) == 3 and all(texts[s.index].strip() for s in chosen)
    values = [s.uncertainty for s in chosen]
    assert values == sorted(values, reverse=True)
    scores = tiny_model.predict_proba([texts[i] for i in (1, 2, 3, 4)])
    best = uncertainty(tiny_model, scores).max(axis=1).max()
    assert abs(chosen[0].uncertainty - best) < 1e-3


def test_diversity_avoids_near_copies(tiny_model):
    base = "It might rain, or it might not, during the match"
    texts = [base + ".", base + "!", base + "?", "Soup, bread and a long walk in fog."]
    diverse = suggest(tiny_model, texts, n=2, diversity=0.9)
    assert 3 in {s.index for s in diverse}  # never two near-copies when something else exists


def test_cli_writes_a_table_ready_to_annotate(tiny_model_dir, tmp_path):
    pool = write_csv(
        tmp_path / "pool.csv",
        ["id", "text"],
        [(str(i), f"Rain or a goal, case {i}, who knows") for i in range(30)],
    )
    out = tmp_path / "to_label.csv"
    result = CliRunner().invoke(
        main,
        ["suggest", "--model", str(tiny_model_dir), "--pool", str(pool), "-n", "5", "-o", str(out)],
    )
    assert result.exit_code == 0, result.output
    table = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert list(table.columns) == [
        "rank",
        "pool_row",
        "uncertainty",
        "uncertain_frames",
        "predicted_frames",
        "text",
        "id",
        "frames",
    ]
    assert table["rank"].tolist() == ["1", "2", "3", "4", "5"] and (table["frames"] == "").all()
    again = CliRunner().invoke(
        main, ["suggest", "--model", str(tiny_model_dir), "--pool", str(pool), "-o", str(out)]
    )
    assert again.exit_code == 1 and "pass --force" in again.output
