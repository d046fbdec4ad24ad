"""The ``framing`` command: a thin click layer over the library and the training package."""

from __future__ import annotations

import dataclasses
import functools
import json
import os
import shutil
import sys
from pathlib import Path

import click

from framing.artifact import load_model, read_card, save_model
from framing.codebook import Codebook, default_codebook, load_codebook
from framing.data import MAX_CUE_SHARE, LabeledData, check_data
from framing.errors import FramingError
from framing.formats import TableSpec
from framing.paths import DEFAULT_MODEL_DIR

MODEL_OPTION = click.option(
    "--model",
    "model_dir",
    type=click.Path(path_type=Path),
    default=None,
    help="Model folder (default: $FRAMING_MODEL_DIR, else models/default).",
)


# One JSON object per request, with the request id the app puts on every response.
ACCESS_LOG_FORMAT = (
    '{"time": "%(t)s", "request_id": "%({x-request-id}o)s", "remote": "%(h)s", '
    '"method": "%(m)s", "path": "%(U)s", "status": %(s)s, "bytes": "%(B)s", "ms": %(M)s}'
)


DATA_OPTION = click.option(
    "--data",
    "data_path",
    required=True,
    type=click.Path(path_type=Path),
    help="Labeled CSV, TSV, Excel or JSONL (text plus labels; see the table options).",
)
CODEBOOK_OPTION = click.option(
    "--codebook",
    "codebook_path",
    type=click.Path(path_type=Path),
    help="Codebook YAML with names and definitions (default: the frames found in the data).",
)


def _model_dir(model_dir: Path | None) -> Path:
    if model_dir is not None:
        return model_dir
    return Path(os.environ.get("FRAMING_MODEL_DIR") or DEFAULT_MODEL_DIR)


def _say(message: str) -> None:
    click.echo(message, err=True)


class _Group(click.Group):
    """Turns the library's named errors into one ``Error: ...`` line and exit status 1."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except FramingError as exc:
            click.echo(f"Error: {exc}", err=True)
            ctx.exit(1)
        except BrokenPipeError:
            # The reader of standard output went away (`framing score f.csv -o - | head`):
            # stop quietly, with the status of an unfinished run.
            from framing.batch import silence_stdout

            silence_stdout()
            ctx.exit(1)


@click.group(cls=_Group)
@click.version_option(package_name="framing")
def main() -> None:
    """Tag sentences about the Russia-Ukraine war with the rhetorical framings they invoke.

    Example: framing tag "Russia must withdraw its troops from Ukraine."
    """


@main.command()
@click.argument("text", nargs=-1)
@MODEL_OPTION
@click.option("--threshold", type=click.FloatRange(0, 1), help="One threshold for every frame.")
@click.option(
    "--explain/--no-explain", default=True, show_default=True, help="Show evidence words."
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
@click.option(
    "--all-scores", is_flag=True, help="Print every frame's score, not just predicted ones."
)
def tag(
    text: tuple[str, ...],
    model_dir: Path | None,
    threshold: float | None,
    explain: bool,
    as_json: bool,
    all_scores: bool,
) -> None:
    """Split TEXT into sentences and print each with its frames and scores.

    TEXT is one or more arguments joined by spaces; without it, or with "-", text is read from
    standard input.

    Example: framing tag "Putin wants to break his isolation. Talks only buy him time."
    """
    joined = " ".join(text)
    if not joined or joined == "-":
        joined = sys.stdin.read()
    model = load_model(_model_dir(model_dir))
    tagged = model.tag_text(joined, threshold=threshold, explain=explain)
    if as_json:
        payload = {
            "model": {"name": model.name, "version": model.version},
            "results": [t.to_dict() for t in tagged],
        }
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        return
    if not tagged:
        click.echo("(no sentences)")
    for number, item in enumerate(tagged, start=1):
        click.echo(f"[{number}] {item.sentence}")
        if not item.frames:
            click.echo("    (no frame)")
        for frame in item.frames:
            evidence = f"  evidence: {', '.join(frame.evidence)}" if frame.evidence else ""
            click.echo(f"    {frame.id:<24} {frame.score:.2f}{evidence}")
        if all_scores:
            scores = "  ".join(f"{k}={v:.2f}" for k, v in item.scores.items())
            click.echo(f"    scores: {scores}")


@main.command()
@click.argument("input_path")
@click.option(
    "-o",
    "--output",
    "output_path",
    required=True,
    help="Output .csv, .csv.gz, .tsv or .parquet ('-' for CSV on stdout).",
)
@click.option("--text-column", default="text", show_default=True, help="Column holding the text.")
@MODEL_OPTION
@click.option(
    "--jobs", type=click.IntRange(1), default=None, help="Worker processes (default: all cores)."
)
@click.option(
    "--chunksize", default=2_000, show_default=True, type=click.IntRange(1), help="Rows per chunk."
)
@click.option("--engine", type=click.Choice(["local", "dask"]), default="local", show_default=True)
@click.option(
    "--scheduler", default=None, help="Dask scheduler address (default: a local cluster)."
)
@click.option("--threshold", type=click.FloatRange(0, 1), help="One threshold for every frame.")
@click.option(
    "--top-k", type=click.IntRange(1), default=None, help="Keep at most K frames per row."
)
@click.option("--explain", is_flag=True, help="Add an `evidence` column (slower).")
@click.option(
    "--split-sentences",
    is_flag=True,
    help="One row per sentence, with row_id, sentence_index, start, end, sentence.",
)
@click.option(
    "--on-bad-rows",
    type=click.Choice(["error", "skip", "keep"]),
    default="error",
    show_default=True,
    help="What to do with malformed rows and invalid UTF-8.",
)
@click.option("--force", is_flag=True, help="Overwrite OUTPUT if it exists.")
@click.option("--quiet", is_flag=True, help="No progress bar and no summary.")
def score(
    input_path: str,
    output_path: str,
    text_column: str,
    model_dir: Path | None,
    jobs: int | None,
    chunksize: int,
    engine: str,
    scheduler: str | None,
    threshold: float | None,
    top_k: int | None,
    explain: bool,
    split_sentences: bool,
    on_bad_rows: str,
    force: bool,
    quiet: bool,
) -> None:
    """Score a table: every row and column kept in order, plus `frames` and `score_<frame>`.

    INPUT and OUTPUT may be .csv, .csv.gz, .tsv or .parquet, or - for CSV on stdin/stdout.
    `frames` holds the predicted frame ids joined by ";" (empty for none); each score column is
    a probability from 0 to 1. Rows are streamed in chunks and scored in parallel; the output
    is written to a temporary file and renamed at the end, so it never appears half-written.
    With --engine dask, OUTPUT is a folder of partitions and INPUT may be a glob.

    Example: framing score speeches.csv --text-column text -o speeches_scored.csv --jobs 2
    """
    from framing.batch import ScoreOptions, score_table

    options = ScoreOptions(
        text_column=text_column,
        threshold=threshold,
        top_k=top_k,
        explain=explain,
        split_sentences=split_sentences,
        on_bad_rows=on_bad_rows,
    )
    model = load_model(_model_dir(model_dir))
    if engine == "dask":
        from framing.dask_engine import score_with_dask

        report = score_with_dask(
            model, input_path, output_path, options, scheduler=scheduler, jobs=jobs, force=force
        )
    else:
        report = score_table(
            model,
            input_path,
            output_path,
            options,
            jobs=jobs or os.cpu_count() or 1,
            chunksize=chunksize,
            force=force,
            progress=not quiet and sys.stderr.isatty(),
        )
    if not quiet:
        _say(report.summary())


_TABLE_FIELDS = ("text_column", "labels_column", "label_sep", "label_columns", "layout")


def _table_options(function):
    """Add the options that say how to read a researcher's table, handed over as ``spec``."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        values = {name: kwargs.pop(name) for name in _TABLE_FIELDS}
        raw = values["label_columns"]
        values["label_columns"] = (
            tuple(c.strip() for c in raw.split(",") if c.strip()) if raw else ()
        )
        return function(*args, spec=TableSpec(**values), **kwargs)

    options = [
        click.option(
            "--text-column", default=None, help="Column with the text (default: detected)."
        ),
        click.option(
            "--labels-column",
            default=None,
            help="Column with the labels (default: detected: frames, labels, techniques, category...).",
        ),
        click.option(
            "--label-sep",
            default=None,
            help="Separator inside the labels column (default: detected).",
        ),
        click.option(
            "--label-columns",
            default=None,
            help="Comma-separated 0/1 columns, one per label (instead of a labels column).",
        ),
        click.option(
            "--layout",
            type=click.Choice(["delimited", "columns", "long", "single"]),
            default=None,
            help="How labels are laid out (default: detected).",
        ),
    ]
    for option in reversed(options):
        wrapper = option(wrapper)
    return wrapper


def _read_training_data(
    data_path: Path,
    codebook_path: Path | None,
    spec: TableSpec | None = None,
    codebook: Codebook | None = None,
    *,
    quiet: bool = False,
) -> LabeledData:
    from framing.formats import labeled_from_table, read_table

    spec = spec or TableSpec()
    frame = read_table(data_path)
    if codebook is None and codebook_path is not None:
        codebook = load_codebook(codebook_path)
    data, how = labeled_from_table(frame, spec, codebook=codebook, source=str(data_path))
    if codebook is None:
        default = default_codebook()
        if data.codebook.ids and all(frame_id in default for frame_id in data.codebook.ids):
            _say("the data uses the default codebook's frames; using its names and definitions")
            data, how = labeled_from_table(frame, spec, codebook=default, source=str(data_path))
    if not quiet:
        _say(f"read {data_path}: {len(data)} texts; {how}")
    return data


@main.command()
@DATA_OPTION
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=click.Path(path_type=Path),
    help="Folder to write the model into.",
)
@CODEBOOK_OPTION
@click.option("--seed", default=0, show_default=True, type=int)
@click.option("--folds", default=5, show_default=True, type=click.IntRange(2, 20))
@click.option("--name", default=None, help="Model name for the card (default: folder name).")
@click.option(
    "--strict",
    is_flag=True,
    help="Also fail when a frame's cue-phrase share exceeds 50%% (the shipped corpus rule).",
)
@click.option(
    "--report",
    "report_path",
    type=click.Path(path_type=Path),
    help="Also write the full training report as JSON here.",
)
@click.option("--force", is_flag=True, help="Replace an existing model folder.")
@click.option(
    "--recipe",
    type=click.Choice(["default", "accurate"]),
    default="default",
    show_default=True,
    help="accurate: also fine-tune a small transformer encoder and average it with the TF-IDF "
    "model (more accurate, about 40 times slower to tag, two hours to train; needs the "
    "'finetune' extra to train and the 'encoder' extra to use).",
)
@click.option(
    "--finetune-cache",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="With --recipe accurate: folder of finished fine-tunings, reused when the rows and "
    "settings match [default: .finetune-cache beside --out].",
)
@click.option(
    "--reproduce",
    "reproduce_dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="Make the run that made this model folder again: its card's seed, folds, pipeline and "
    "codebook (these override --seed, --folds, --name and --codebook); the data must be the "
    "same (checked by hash). Says whether model.joblib came out byte-identical.",
)
@_table_options
def train(
    data_path: Path,
    out_dir: Path,
    codebook_path: Path | None,
    seed: int,
    folds: int,
    name: str | None,
    strict: bool,
    report_path: Path | None,
    force: bool,
    recipe: str,
    finetune_cache: Path | None,
    reproduce_dir: Path | None,
    spec: TableSpec,
) -> None:
    """Train a model on a labeled table and write it, with its card, into a folder.

    Checks the data first, holds out a near-duplicate-free test fold, tunes one threshold per
    frame on out-of-fold scores, and reports cross-validated and held-out metrics.

    Example: framing train --data labeled_data/sentences.csv --out models/mine
    """
    from training.evaluate import metrics_table
    from training.pipeline import DEFAULT_CONFIG
    from training.report import evaluation_report, write_report
    from training.train import EncoderRecipe, settings_from_card, train_model

    if out_dir.exists() and any(out_dir.iterdir()) and not force:
        raise FramingError(f"{out_dir} already exists and is not empty; pass --force to replace it")
    original = None
    if reproduce_dir is not None:
        if out_dir.resolve() == reproduce_dir.resolve():
            raise FramingError("--out must not be the folder being reproduced")
        original = settings_from_card(read_card(reproduce_dir))
        data = _read_training_data(data_path, None, spec, codebook=original.codebook)
        original.require_same_data(data)
        seed, folds, version = original.seed, original.n_folds, original.version
        name, config, encoder = original.name, original.config, original.encoder
    else:
        data = _read_training_data(data_path, codebook_path, spec)
        config, version = DEFAULT_CONFIG, "1"
        encoder = EncoderRecipe() if recipe == "accurate" else None
    if encoder is not None:
        cache = finetune_cache or out_dir.resolve().parent / ".finetune-cache"
        encoder = dataclasses.replace(encoder, cache=cache)
    result = train_model(
        data,
        config=config,
        seed=seed,
        n_folds=folds,
        max_cue_share=MAX_CUE_SHARE if strict else None,
        name=name or out_dir.name,
        version=version,
        data_path=data_path,
        progress=_say,
        encoder=encoder,
    )
    click.echo(result.data_report_text)
    click.echo("\nheld-out test:\n" + metrics_table(result.report["test"]))
    click.echo(
        "\ncross-validation (training split):\n" + metrics_table(result.report["cross_validation"])
    )
    if out_dir.exists() and force:
        shutil.rmtree(out_dir)
    save_model(result.model, out_dir, card=result.card, card_markdown=result.card_markdown)
    _say("writing evaluation reports (bootstrap intervals, confusions, calibration)")
    titles = {
        "test": "Held-out test (a near-duplicate-free fold never used for fitting or thresholds)",
        "cross_validation": "Cross-validation on the training split (thresholds tuned on these same "
        "out-of-fold scores: optimistic)",
    }
    for name, (truth, scores, thresholds) in result.predictions.items():
        report = evaluation_report(truth, scores, thresholds, data.codebook.ids, title=titles[name])
        write_report(report, out_dir, f"report_{name}")
    if report_path:
        report_path.write_text(json.dumps(result.report, indent=2) + "\n", encoding="utf-8")
    click.echo(f"\nmodel written to {out_dir}")
    if original is not None:
        click.echo(original.verdict(read_card(out_dir)))


@main.command()
@click.option(
    "--model",
    "model_dirs",
    multiple=True,
    type=click.Path(path_type=Path),
    help="Model folder; give --model twice or more to compare models side by side.",
)
@DATA_OPTION
@click.option("--threshold", type=click.FloatRange(0, 1), help="One threshold for every frame.")
@click.option(
    "--json",
    "json_path",
    type=click.Path(path_type=Path),
    help="Also write the metrics as JSON here ('-' for standard output only).",
)
@click.option(
    "--report",
    "report_dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="Write full reports here: per model Markdown, HTML (reliability plot, per-frame bars) "
    "and JSON with bootstrap intervals, confused pairs and calibration; with several models "
    "also comparison.md/.json with paired-bootstrap intervals of the differences.",
)
@click.option(
    "--by",
    "group_column",
    metavar="COLUMN",
    help="Also report micro and macro figures within each group of rows sharing a value of this "
    "column of the data (a source, outlet or register).",
)
@click.option(
    "--group-pattern",
    metavar="REGEX",
    help="With --by: group by the part of the value this regular expression matches (its first "
    "capture group if any), e.g. '^[^/]+' to group 'putin/67657' under 'putin'.",
)
@_table_options
def evaluate(
    model_dirs: tuple[Path, ...],
    data_path: Path,
    threshold: float | None,
    json_path: Path | None,
    report_dir: Path | None,
    group_column: str | None,
    group_pattern: str | None,
    spec: TableSpec,
) -> None:
    """Evaluate models on labeled data: precision, recall and F1 per frame, macro and micro.

    With two or more --model options, the models are scored on the same data and shown side by
    side with the per-frame differences (each model against the first) and 95% paired-bootstrap
    intervals of those differences. With --by, also per group of rows (for example per source
    of a real test set), to find the kinds of text a model reads worst.

    Example: framing evaluate --model models/default --model models/mine --data test.csv

    Example: framing evaluate --data real.csv --by source --group-pattern '^[^/]+'
    """
    from training.evaluate import (
        compare,
        compare_table,
        group_keys,
        group_metrics,
        groups_table,
        metrics_table,
        write_evaluation_reports,
    )
    from training.evaluate import (
        evaluate as evaluate_on,
    )

    directories = list(model_dirs) or [_model_dir(None)]
    models = [load_model(directory) for directory in directories]
    first = models[0]
    for directory, model in zip(directories[1:], models[1:], strict=True):
        if sorted(model.frame_ids) != sorted(first.frame_ids):
            raise FramingError(
                f"{directory} has frames {', '.join(model.frame_ids)}; {directories[0]} has "
                f"{', '.join(first.frame_ids)}; models can only be compared on the same frames"
            )
    if group_pattern is not None and group_column is None:
        raise click.UsageError("--group-pattern needs --by COLUMN")
    data = _read_training_data(data_path, None, spec, codebook=first.codebook, quiet=True)
    keys = group_keys(data, group_column, group_pattern) if group_column else None
    evaluations = []
    for directory, model in zip(directories, models, strict=True):
        evaluations.append(evaluate_on(model, data, threshold=threshold, name=str(directory)))
    results = [evaluation.metrics for evaluation in evaluations]
    groups = []
    if keys is not None:
        ids = data.codebook.ids
        for evaluation in evaluations:
            groups.append(group_metrics(data.labels, evaluation.predicted, ids, keys))
            evaluation.metrics["groups"] = {
                "column": group_column,
                "pattern": group_pattern,
                "groups": groups[-1],
            }
    paired = compare(evaluations, data.labels) if len(evaluations) > 1 else []
    payload: object = results[0] if len(results) == 1 else {"models": results, "paired": paired}
    if json_path is not None and str(json_path) == "-":
        click.echo(json.dumps(payload, indent=2))
        return
    if len(results) == 1:
        click.echo(f"model {first.name} {first.version} on {data_path} ({len(data)} sentences)")
        click.echo(metrics_table(results[0]))
    else:
        names = [f"{d}" for d in directories]
        click.echo(f"{len(models)} models on {data_path} ({len(data)} sentences)")
        click.echo(compare_table(results, names, paired))
    if groups:
        how = f" (the part matching {group_pattern!r})" if group_pattern else ""
        click.echo(f"\nby {group_column}{how}:")
        click.echo(groups_table(groups, [str(d) for d in directories]))
    if json_path is not None:
        json_path.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    if report_dir is not None:
        written = write_evaluation_reports(evaluations, data, report_dir, paired)
        _say(f"wrote {len(written)} report files to {report_dir}")


@main.command()
@DATA_OPTION
@CODEBOOK_OPTION
@click.option("--strict", is_flag=True, help="Fail when a frame's cue-phrase share exceeds 50%%.")
@click.option("--min-positives", default=0, show_default=True, type=click.IntRange(0))
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
@_table_options
def check(
    data_path: Path,
    codebook_path: Path | None,
    strict: bool,
    min_positives: int,
    as_json: bool,
    spec: TableSpec,
) -> None:
    """Check labeled data: counts, duplicates, near-duplicates, unknown frames, cue-phrase shares.

    Exits with status 1 when the data has problems that would stop training.

    Example: framing check --data labeled_data/sentences.csv --codebook labeled_data/codebook.yaml
    """
    data = _read_training_data(data_path, codebook_path, spec, quiet=as_json)
    report = check_data(
        data, max_cue_share=MAX_CUE_SHARE if strict else None, min_positives=min_positives
    )
    click.echo(json.dumps(report.to_dict(), indent=2) if as_json else report.to_text())
    if not report.ok:
        sys.exit(1)


@main.command()
@MODEL_OPTION
@click.option(
    "--pool",
    "pool_path",
    required=True,
    type=click.Path(path_type=Path),
    help="Unlabeled sentences: CSV, TSV, Excel or JSONL.",
)
@click.option(
    "-n",
    "count",
    default=50,
    show_default=True,
    type=click.IntRange(1),
    help="How many sentences to suggest.",
)
@click.option("--text-column", default=None, help="Column with the text (default: detected).")
@click.option(
    "--diversity",
    default=0.5,
    show_default=True,
    type=click.FloatRange(0, 1),
    help="0: most uncertain first; towards 1: spread over different kinds of sentence.",
)
@click.option(
    "-o",
    "--output",
    "output_path",
    type=click.Path(path_type=Path),
    help="CSV to write (default: standard output).",
)
@click.option("--force", is_flag=True, help="Overwrite OUTPUT if it exists.")
def suggest(
    model_dir: Path | None,
    pool_path: Path,
    count: int,
    text_column: str | None,
    diversity: float,
    output_path: Path | None,
    force: bool,
) -> None:
    """Rank unlabeled sentences whose labels would teach the model most, ready to annotate.

    Picks sentences whose scores sit near a frame's threshold (uncertainty), spread out so that
    they do not repeat each other (diversity). The CSV has rank, pool_row, uncertainty, the
    frames the model hesitates over, its current prediction, the text and the pool's other
    columns, and an empty `frames` column to fill in; label it and add it to your training data.

    Example: framing suggest --model models/mine --pool unlabeled.csv -n 50 -o to_label.csv
    """
    from framing.formats import TEXT_CANDIDATES, read_table
    from training.suggest import suggest as rank
    from training.suggest import suggestions_frame

    if output_path is not None and output_path.exists() and not force:
        raise FramingError(f"{output_path} already exists; pass --force to overwrite it")
    model = load_model(_model_dir(model_dir))
    pool = read_table(pool_path)
    columns = [str(c) for c in pool.columns]
    if text_column is None:
        lowered = {c.lower(): c for c in columns}
        text_column = next((lowered[c] for c in TEXT_CANDIDATES if c in lowered), None)
    if text_column not in columns:
        raise FramingError(
            f"{pool_path} has no text column{' ' + repr(text_column) if text_column else ''}; "
            f"found: {', '.join(columns)} (name it with --text-column)"
        )
    texts = pool[text_column].astype(str).tolist()
    table = suggestions_frame(pool, text_column, rank(model, texts, n=count, diversity=diversity))
    if output_path is None:
        click.echo(table.to_csv(index=False, lineterminator="\n"), nl=False)
    else:
        table.to_csv(output_path, index=False)
        _say(f"wrote {len(table)} suggestions to {output_path}")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--workers", default=2, show_default=True, type=click.IntRange(1, 64))
@click.option(
    "--worker-class",
    type=click.Choice(["gevent", "sync"]),
    default="gevent",
    show_default=True,
    help="gevent: each worker serves many connections at once, so slow clients cannot starve "
    "it; sync: one connection per worker at a time (use only behind a buffering proxy).",
)
@MODEL_OPTION
def serve(host: str, port: int, workers: int, worker_class: str, model_dir: Path | None) -> None:
    """Serve the web page and the JSON API under gunicorn, the model loaded once per worker.

    SIGTERM stops gracefully; SIGHUP reloads: new workers load the model the --model path names
    now (point a symlink at a new model folder first), old workers finish their requests.

    Example: framing serve --port 8000 --workers 2 --model models/default
    """
    directory = _model_dir(model_dir).absolute()  # not resolved: a symlink can be repointed
    load_model(directory)  # fail here, with a clear message, rather than in every worker
    env = {**os.environ, "FRAMING_MODEL_DIR": str(directory)}
    # One request is a few small matrix products: BLAS threads only fight the other workers.
    for variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        env.setdefault(variable, "1")
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "--bind",
        f"{host}:{port}",
        "--workers",
        str(workers),
        "--worker-class",
        worker_class,
        # Close each connection after its answer: keep-alive connections stay with the worker that
        # accepted them, and an uneven share makes some clients wait (p99 37 ms instead of 11).
        "--keep-alive",
        "0",
        "--graceful-timeout",
        "20",
        "--access-logfile",
        "-",
        "--access-logformat",
        ACCESS_LOG_FORMAT,
        "service:create_app()",
    ]
    _say(f"serving {directory} on http://{host}:{port}/ with {workers} worker(s)")
    os.execvpe(command[0], command, env)
