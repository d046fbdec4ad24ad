"""Batch scoring of CSV files: every input row and column kept, frames and scores appended.

This first version streams the input in chunks and writes the output atomically; parallel and
distributed scoring build on the same ``score_frame`` function.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from framing.errors import DataError
from framing.model import FramingModel

FRAMES_COLUMN = "frames"
SCORE_PREFIX = "score_"


def score_frame(
    model: FramingModel, frame: pd.DataFrame, *, text_column: str, threshold: float | None = None
) -> pd.DataFrame:
    """``frame`` with a ``frames`` column and one ``score_<frame_id>`` column per frame appended.

    Empty or missing texts get no frames and zero scores.
    """
    texts = frame[text_column]
    present = texts.notna() & (texts.astype(str).str.strip() != "")
    scores = np.zeros((len(frame), len(model.frame_ids)))
    if present.any():
        scores[present.to_numpy()] = model.predict_proba(texts[present].astype(str).tolist())
    decisions = model.decide(scores, threshold)
    decisions[~present.to_numpy()] = 0
    ids = model.frame_ids
    out = frame.copy()
    out[FRAMES_COLUMN] = [";".join(ids[j] for j in np.flatnonzero(row)) for row in decisions]
    for j, frame_id in enumerate(ids):
        out[f"{SCORE_PREFIX}{frame_id}"] = np.round(scores[:, j], 4)
    return out


def score_csv(
    model: FramingModel,
    input_path: Path,
    output_path: Path,
    *,
    text_column: str = "text",
    threshold: float | None = None,
    chunksize: int = 5000,
    force: bool = False,
    on_chunk: Callable[[int], None] | None = None,
) -> int:
    """Score a CSV file into another, atomically. Returns the number of rows written.

    Raises:
        DataError: missing input, missing text column, clashing output columns, or an existing
            output without ``force``.
    """
    input_path, output_path = Path(input_path), Path(output_path)
    if not input_path.is_file():
        raise DataError(f"input file not found: {input_path}")
    if output_path.exists() and not force:
        raise DataError(f"{output_path} already exists; pass --force to overwrite it")
    if output_path.resolve() == input_path.resolve():
        raise DataError("the output file must not be the input file")
    fd, tmp = tempfile.mkstemp(
        dir=output_path.parent, prefix=f".{output_path.name}.", suffix=".tmp"
    )
    rows = 0
    try:
        with (
            os.fdopen(fd, "w", encoding="utf-8", newline="") as handle,
            pd.read_csv(
                input_path, dtype=str, keep_default_na=False, na_values=[], chunksize=chunksize
            ) as reader,
        ):
            for number, chunk in enumerate(reader):
                if number == 0:
                    _check_columns(chunk, text_column, model)
                scored = score_frame(model, chunk, text_column=text_column, threshold=threshold)
                scored.to_csv(handle, header=number == 0, index=False)
                rows += len(chunk)
                if on_chunk:
                    on_chunk(len(chunk))
        os.replace(tmp, output_path)
    except BaseException as exc:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, pd.errors.EmptyDataError):
            raise DataError(f"{input_path}: empty file (no header row)") from None
        if isinstance(exc, pd.errors.ParserError):
            raise DataError(f"{input_path}: malformed CSV: {exc}") from None
        if isinstance(exc, UnicodeDecodeError):
            raise DataError(
                f"{input_path}: not UTF-8 text ({exc.reason} at byte {exc.start})"
            ) from None
        raise
    return rows


def _check_columns(chunk: pd.DataFrame, text_column: str, model: FramingModel) -> None:
    if text_column not in chunk.columns:
        found = ", ".join(map(str, chunk.columns))
        raise DataError(f"CSV has no column {text_column!r}; found: {found}")
    added = [FRAMES_COLUMN, *(SCORE_PREFIX + i for i in model.frame_ids)]
    clash = [c for c in added if c in chunk.columns]
    if clash:
        raise DataError(
            f"the input already has column(s) {', '.join(clash)} that scoring would add; rename them"
        )
