import csv
import json

import pytest
from click.testing import CliRunner

from framing.cli import main
from tests.conftest import NONE, SPORT, tiny_rows, write_csv


@pytest.fixture()
def run():
    runner = CliRunner()

    def invoke(*args, input=None):
        return runner.invoke(main, [str(a) for a in args], input=input, catch_exceptions=False)

    return invoke


def test_every_command_has_help_with_an_example(run):
    for name, command in main.commands.items():
        result = run(name, "--help")
        assert result.exit_code == 0, name
        assert "Example:" in result.output, f"{name} --help has no example"
        assert command.help


def test_tag_prints_frames_per_sentence(run, tiny_model_dir):
    result = run("tag", "--model", tiny_model_dir, "Heavy rain hit the coast. The striker scored.")
    assert result.exit_code == 0
    assert "[1] Heavy rain hit the coast." in result.output
    assert "[2] The striker scored." in result.output
    assert "weather" in result.output.split("[2]")[0]


def test_tag_json_and_stdin(run, tiny_model_dir):
    result = run("tag", "--model", tiny_model_dir, "--json", input="A fine goal in the match.\n")
    payload = json.loads(result.output)
    assert payload["model"]["name"] == "tiny"
    [item] = payload["results"]
    assert item["sentence"] == "A fine goal in the match."
    assert set(item["scores"]) == {"weather", "sport", "food"}


def test_missing_model_is_one_clear_error_line(run, tmp_path):
    result = run("tag", "--model", tmp_path / "none", "text")
    assert result.exit_code == 1
    assert result.output.startswith("Error: model folder not found")
    assert "Traceback" not in result.output


def test_score_keeps_rows_columns_and_order(run, tiny_model_dir, tmp_path):
    rows = [
        ("1", "Heavy rain tonight.", "x"),
        ("2", "", "y"),
        ("3", "A late goal won it.", "z, with comma"),
    ]
    source = write_csv(tmp_path / "in.csv", ["id", "body", "note"], rows)
    out = tmp_path / "out.csv"
    result = run(
        "score",
        source,
        "-o",
        out,
        "--text-column",
        "body",
        "--model",
        tiny_model_dir,
        "--chunksize",
        "2",
    )
    assert result.exit_code == 0, result.output
    with open(out, encoding="utf-8", newline="") as handle:
        scored = list(csv.DictReader(handle))
    assert [r["id"] for r in scored] == ["1", "2", "3"]
    assert [(r["id"], r["body"], r["note"]) for r in scored] == rows
    assert list(scored[0])[:4] == ["id", "body", "note", "frames"]
    assert [c for c in scored[0] if c.startswith("score_")] == [
        "score_weather",
        "score_sport",
        "score_food",
    ]
    assert scored[1]["frames"] == "" and float(scored[1]["score_weather"]) == 0.0
    assert "weather" in scored[0]["frames"].split(";")


def test_score_refuses_to_overwrite_and_names_missing_column(run, tiny_model_dir, tmp_path):
    source = write_csv(tmp_path / "in.csv", ["id", "body"], [("1", "Rain.")])
    out = tmp_path / "out.csv"
    out.write_text("precious", encoding="utf-8")
    result = run("score", source, "-o", out, "--text-column", "body", "--model", tiny_model_dir)
    assert result.exit_code == 1 and "already exists; pass --force" in result.output
    assert out.read_text(encoding="utf-8") == "precious"
    result = run("score", source, "-o", tmp_path / "new.csv", "--model", tiny_model_dir)
    assert result.exit_code == 1
    assert "the input has no column 'text'; found: id, body" in result.output
    assert not (tmp_path / "new.csv").exists()


def test_train_evaluate_and_check(run, tiny_dir, tmp_path):
    out = tmp_path / "m"
    result = run(
        "train",
        "--data",
        tiny_dir / "labeled.csv",
        "--codebook",
        tiny_dir / "codebook.yaml",
        "--out",
        out,
        "--folds",
        "3",
        "--report",
        tmp_path / "report.json",
    )
    assert result.exit_code == 0, result.output
    assert (out / "model.joblib").exists() and (out / "card.json").exists()
    for stem in ("report_test", "report_cross_validation"):
        assert all((out / f"{stem}.{suffix}").exists() for suffix in ("md", "html", "json"))
    assert "held-out test" in result.output and "data check: ok" in result.output
    assert json.loads((tmp_path / "report.json").read_text())["split"]["n_folds"] == 3
    again = run("train", "--data", tiny_dir / "labeled.csv", "--out", out, "--folds", "3")
    assert again.exit_code == 1 and "pass --force" in again.output

    result = run("evaluate", "--model", out, "--data", tiny_dir / "labeled.csv", "--json", "-")
    metrics = json.loads(result.output)
    assert set(metrics["per_frame"]) == {"weather", "sport", "food"}

    assert run("check", "--data", tiny_dir / "labeled.csv").exit_code == 0
    bad = write_csv(tmp_path / "bad.csv", ["text", "frames"], [("Rain.", "weathr")])
    result = run("check", "--data", bad, "--codebook", tiny_dir / "codebook.yaml")
    assert result.exit_code == 1
    assert "unknown frame 'weathr' (did you mean 'weather'?)" in result.output


def test_a_run_is_reproduced_from_its_card(run, tiny_dir, tmp_path):
    first = tmp_path / "first"
    data = tiny_dir / "labeled.csv"
    options = ["--codebook", tiny_dir / "codebook.yaml", "--folds", "4", "--seed", "7"]
    assert run("train", "--data", data, "--out", first, *options).exit_code == 0
    again = tmp_path / "again"
    # No seed, folds or codebook given: they come from the card.
    result = run("train", "--data", data, "--out", again, "--reproduce", first)
    assert result.exit_code == 0, result.output
    assert "reproduced: model.joblib is byte-identical" in result.output
    assert (again / "model.joblib").read_bytes() == (first / "model.joblib").read_bytes()
    card = json.loads((again / "card.json").read_text())
    assert card["pipeline"]["seed"] == 7 and card["metrics"]["split"]["n_folds"] == 4

    with open(data, encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    rows[3][1] = "food" if rows[3][1] != "food" else "sport"  # one label changed
    changed = write_csv(tmp_path / "changed.csv", rows[0], rows[1:])
    result = run("train", "--data", changed, "--out", tmp_path / "x", "--reproduce", first)
    assert result.exit_code == 1
    assert "is not the data" in result.output and "the card records" in result.output
    assert not (tmp_path / "x").exists()


def test_evaluate_compares_models_side_by_side(run, tiny_dir, tiny_model_dir, tmp_path):
    other = tmp_path / "other"
    result = run(
        "train",
        "--data",
        tiny_dir / "labeled.csv",
        "--codebook",
        tiny_dir / "codebook.yaml",
        "--out",
        other,
        "--folds",
        "3",
        "--seed",
        "5",
    )
    assert result.exit_code == 0, result.output
    result = run(
        "evaluate", "--model", tiny_model_dir, "--model", other, "--data", tiny_dir / "labeled.csv"
    )
    assert result.exit_code == 0, result.output
    assert "| frame | support | F1 A | F1 B (Δ vs A) |" in result.output
    assert result.output.count("| weather |") == 1 and "**micro**" in result.output
    payload = json.loads(
        run(
            "evaluate",
            "--model",
            tiny_model_dir,
            "--model",
            other,
            "--data",
            tiny_dir / "labeled.csv",
            "--json",
            "-",
        ).output
    )
    assert len(payload["models"]) == 2
    assert set(payload["paired"][0]["micro"]) == {"difference_ci", "b_better_share"}
    reports = tmp_path / "reports"
    result = run(
        "evaluate",
        "--model",
        tiny_model_dir,
        "--model",
        other,
        "--data",
        tiny_dir / "labeled.csv",
        "--report",
        reports,
    )
    assert result.exit_code == 0, result.output
    names = {path.name for path in reports.iterdir()}
    assert {"report_A.html", "report_B.md", "comparison.md", "comparison.json"} <= names
    comparison = (reports / "comparison.md").read_text(encoding="utf-8")
    assert "paired-bootstrap interval" in comparison and "B beats A on micro-F1 in" in comparison


def test_evaluate_writes_a_full_report(run, tiny_dir, tiny_model_dir, tmp_path):
    reports = tmp_path / "reports"
    data = tiny_dir / "labeled.csv"
    result = run("evaluate", "--model", tiny_model_dir, "--data", data, "--report", reports)
    assert result.exit_code == 0, result.output
    assert sorted(path.name for path in reports.iterdir()) == [
        "report.html",
        "report.json",
        "report.md",
    ]
    report = json.loads((reports / "report.json").read_text(encoding="utf-8"))
    low, high = report["metrics"]["micro"]["f1_ci"]
    assert low <= report["metrics"]["micro"]["f1"] <= high
    assert {"bins", "ece", "brier"} <= set(report["calibration"])
    page = (reports / "report.html").read_text(encoding="utf-8")
    assert page.count("<svg") == 2  # per-frame bars and the reliability plot


def test_evaluate_refuses_models_with_different_frames(run, tiny_model_dir, tmp_path):
    rows = [(text, "sport") for text in SPORT] + [(text, "") for text in NONE]
    data = write_csv(tmp_path / "sport.csv", ["text", "frames"], rows)
    sport_only = tmp_path / "sport_model"
    result = run("train", "--data", data, "--out", sport_only, "--folds", "3")
    assert result.exit_code == 0, result.output
    result = run("evaluate", "--model", tiny_model_dir, "--model", sport_only, "--data", data)
    assert (
        result.exit_code == 1 and "models can only be compared on the same frames" in result.output
    )


def test_evaluate_by_group_matches_evaluating_each_group_alone(run, tiny_model_dir, tmp_path):
    rows = tiny_rows_with_sources()
    data = write_csv(tmp_path / "sourced.csv", ["text", "frames", "source"], rows)

    def evaluate(path, *options):
        return run("evaluate", "--model", tiny_model_dir, "--data", path, *options)

    result = evaluate(data, "--by", "source", "--group-pattern", "^[^/]+", "--json", "-")
    assert result.exit_code == 0, result.output
    groups = json.loads(result.output)["groups"]
    assert groups["column"] == "source" and groups["pattern"] == "^[^/]+"
    names = [g["group"] for g in groups["groups"]]
    sizes = [g["n_sentences"] for g in groups["groups"]]
    assert sorted(names) == ["(missing)", "news", "speech"] and sizes == sorted(sizes, reverse=True)
    assert sum(sizes) == len(rows)
    for group in groups["groups"]:
        prefix = group["group"]
        subset = [r[:2] for r in rows if (r[2].split("/")[0] if r[2] else "(missing)") == prefix]
        alone = write_csv(tmp_path / f"{len(subset)}_{prefix[:3]}.csv", ["text", "frames"], subset)
        whole = json.loads(evaluate(alone, "--json", "-").output)
        assert group["micro"] == whole["micro"], prefix
        assert group["n_labels"] == sum(len([f for f in r[1].split(";") if f]) for r in subset)
    text = evaluate(data, "--by", "source").output
    assert "| group | sentences | labels | predicted | micro P |" in text
    assert "| news/1 |" in text  # without a pattern every value is its own group


def test_evaluate_by_group_says_what_is_wrong(run, tiny_model_dir, tmp_path):
    rows = tiny_rows_with_sources()
    data = write_csv(tmp_path / "sourced.csv", ["text", "frames", "source"], rows)

    def evaluate(*options):
        return run("evaluate", "--model", tiny_model_dir, "--data", data, *options)

    result = evaluate("--by", "sorce")
    assert result.exit_code == 1 and "no column 'sorce' to group by" in result.output
    assert "did you mean 'source'" in result.output
    result = evaluate("--by", "source", "--group-pattern", "([")
    assert result.exit_code == 1 and "not a valid regular expression" in result.output
    result = evaluate("--group-pattern", "x")
    assert result.exit_code == 2 and "--group-pattern needs --by COLUMN" in result.output


def tiny_rows_with_sources() -> list[tuple[str, str, str]]:
    """The tiny corpus with a `source` column: two prefixes and some rows without a source."""
    sources = ["news/1", "news/2", "speech/7", "news/1", ""]
    return [
        (text, frames, sources[i % len(sources)]) for i, (text, frames) in enumerate(tiny_rows())
    ]
