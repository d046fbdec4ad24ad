"""The same scoring on a Dask cluster: ``dask.dataframe`` partitions, the model scattered once.

Input is a CSV/TSV/Parquet file, a glob (``corpus/part-*.csv``) or a Parquet folder; output is a
folder of partitions (``part-*.csv`` or ``part.*.parquet``) named OUTPUT, written to a temporary
folder and renamed at the end. Without a scheduler address a ``LocalCluster`` is started.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

import pandas as pd

from framing.batch import (
    ScoreOptions,
    ScoreReport,
    check_columns,
    has_text,
    score_chunk,
    table_format,
)
from framing.errors import DataError
from framing.model import FramingModel


def _score_partition(
    partition: pd.DataFrame,
    model: FramingModel,
    options: ScoreOptions,
    offsets: list[int],
    partition_info: dict[str, Any] | None = None,
) -> pd.DataFrame:
    number = partition_info["number"] if partition_info else 0
    first_row = offsets[number] if number < len(offsets) else 0
    return score_chunk(model, partition.reset_index(drop=True), options, first_row=first_row)


def _read(input_path: str, fmt: str, blocksize: str | None):
    import dask.dataframe as dd

    if fmt == "parquet" or Path(input_path).is_dir():
        return dd.read_parquet(input_path)
    return dd.read_csv(
        input_path,
        sep="\t" if fmt.startswith("tsv") else ",",
        dtype=str,
        keep_default_na=False,
        na_values=[],
        blocksize=None if fmt.endswith(".gz") else blocksize,
    )


def score_with_dask(
    model: FramingModel,
    input_path: str,
    output_path: str,
    options: ScoreOptions,
    *,
    scheduler: str | None = None,
    jobs: int | None = None,
    blocksize: str | None = "64MB",
    force: bool = False,
) -> ScoreReport:
    """Score on Dask. Raises DataError for the same input problems as the local engine."""
    from distributed import Client, LocalCluster

    started = time.perf_counter()
    if options.on_bad_rows != "error":
        raise DataError("--on-bad-rows works with the local engine only; clean the input first")
    in_fmt = "parquet" if Path(input_path).is_dir() else table_format(input_path)
    out_fmt = table_format(output_path)
    if out_fmt not in ("csv", "parquet"):
        raise DataError("with --engine dask the output is a folder named *.csv or *.parquet")
    target = Path(output_path)
    if target.exists() and not force:
        raise DataError(f"{output_path} already exists; pass --force to overwrite it")
    ddf = _read(input_path, in_fmt, blocksize)
    check_columns(model, [str(c) for c in ddf.columns], options)
    lengths = ddf.map_partitions(len).compute().tolist()
    offsets = [sum(lengths[:i]) for i in range(len(lengths))]
    meta = score_chunk(model, ddf._meta_nonempty.reset_index(drop=True), options).iloc[:0]
    cluster = None
    client = Client(scheduler) if scheduler else None
    if client is None:
        cluster = LocalCluster(
            n_workers=jobs or os.cpu_count() or 1,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
        )
        client = Client(cluster)
    tmp = Path(
        tempfile.mkdtemp(dir=target.resolve().parent, prefix=f".{target.name}.", suffix=".part")
    )
    try:
        [model_future] = client.scatter([model], broadcast=True)
        scored = ddf.map_partitions(_score_partition, model_future, options, offsets, meta=meta)
        rows_out = sum(lengths)
        if options.split_sentences:  # keep the scored partitions: counting must not score twice
            scored = scored.persist()
            rows_out = int(scored.map_partitions(len).compute().sum())
        if out_fmt == "parquet":
            scored.to_parquet(str(tmp), write_index=False)
        else:
            scored.to_csv(str(tmp / "part-*.csv"), index=False, lineterminator="\n")
        empty = ddf.map_partitions(
            lambda p: pd.Series([int((~has_text(p[options.text_column])).sum())])
        ).compute()
        if target.exists():
            shutil.rmtree(target) if target.is_dir() else target.unlink()
        os.replace(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    rows = sum(lengths)
    return ScoreReport(
        rows_in=rows,
        rows_out=rows_out,
        empty_texts=int(empty.sum()),
        seconds=time.perf_counter() - started,
    )
