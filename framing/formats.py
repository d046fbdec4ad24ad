"""Researchers' labeled data as it usually comes: CSV, TSV, Excel or JSONL, in any of the common
label layouts, turned into :class:`framing.data.LabeledData`.

Layouts:
- ``delimited``: a text column and one labels column holding ids joined by a separator
  (``frames`` with ``;``, SemEval's ``techniques`` with ``,``); an empty cell means no label.
- ``columns``: one 0/1 column per label (``--label-columns``).
- ``long``: one row per (text, label) pair; rows of the same text are merged.
- ``single``: one label per row (OpenFraming's ``Example``/``Category``); a special case of
  ``delimited`` without a separator.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from framing.codebook import Codebook
from framing.data import LabeledData, labeled_from_frame
from framing.errors import DataError

TEXT_CANDIDATES = ("text", "sentence", "example", "paragraph", "content", "body", "document")
LABEL_CANDIDATES = (
    "frames",
    "labels",
    "label",
    "techniques",
    "technique",
    "category",
    "categories",
    "frame",
    "class",
)
TRUE_VALUES = {"1", "1.0", "true", "yes", "y", "x"}
FALSE_VALUES = {"0", "0.0", "false", "no", "n", ""}


@dataclass(frozen=True)
class TableSpec:
    """How to read a researcher's table (everything optional: detected when missing)."""

    text_column: str | None = None
    labels_column: str | None = None
    label_sep: str | None = None
    label_columns: tuple[str, ...] = ()
    layout: str | None = None  # delimited, columns, long, single


def read_table(path: Path) -> pd.DataFrame:
    """Read CSV, TSV, Excel (.xlsx/.xls) or JSON Lines into strings, with clear errors."""
    path = Path(path)
    if not path.is_file():
        raise DataError(f"data file not found: {path}")
    name = path.name.lower()
    try:
        if name.endswith((".csv", ".csv.gz")):
            return pd.read_csv(
                path, dtype=str, keep_default_na=False, na_values=[], encoding="utf-8"
            )
        if name.endswith((".tsv", ".tab", ".tsv.gz")):
            return pd.read_csv(
                path, sep="\t", dtype=str, keep_default_na=False, na_values=[], encoding="utf-8"
            )
        if name.endswith((".xlsx", ".xlsm", ".xls")):
            return pd.read_excel(path, dtype=str, keep_default_na=False, na_values=[])
        if name.endswith((".jsonl", ".ndjson", ".json")):
            frame = pd.read_json(path, lines=not name.endswith(".json"), dtype=False)
            return frame.apply(lambda column: column.map(_cell_to_text))
    except UnicodeDecodeError as exc:
        raise DataError(
            f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start}); save it as UTF-8"
        ) from None
    except pd.errors.ParserError as exc:
        raise DataError(f"{path}: malformed table: {exc}") from None
    except ValueError as exc:
        raise DataError(f"{path}: cannot be read: {exc}") from None
    except ImportError as exc:
        raise DataError(f"{path}: reading this format needs an extra package ({exc})") from None
    raise DataError(f"{path}: unknown file type; use .csv, .tsv, .xlsx or .jsonl")


def _cell_to_text(value: object) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, list):
        return ";".join(str(v) for v in value)
    return str(value)


def _find(
    columns: list[str], wanted: str | None, candidates: tuple[str, ...], what: str, option: str
) -> str:
    if wanted is not None:
        if wanted in columns:
            return wanted
        raise DataError(f"no {what} column {wanted!r}; found: {', '.join(columns)}")
    lowered = {c.lower(): c for c in columns}
    for candidate in candidates:
        if candidate in lowered:
            return lowered[candidate]
    raise DataError(
        f"cannot tell which column holds the {what}; found: {', '.join(columns)}. Name it with {option}"
    )


def labeled_from_table(
    frame: pd.DataFrame,
    spec: TableSpec,
    *,
    codebook: Codebook | None = None,
    source: str = "<table>",
) -> tuple[LabeledData, str]:
    """Turn a researcher's table into LabeledData. Returns the data and a sentence saying how the
    table was read (layout, columns, separator)."""
    columns = [str(c) for c in frame.columns]
    frame = frame.copy()
    frame.columns = columns
    text_column = _find(columns, spec.text_column, TEXT_CANDIDATES, "text", "--text-column")
    if spec.label_columns or spec.layout == "columns":
        if not spec.label_columns:
            raise DataError("the 'columns' layout needs --label-columns a,b,c")
        missing = [c for c in spec.label_columns if c not in columns]
        if missing:
            raise DataError(
                f"no label column(s) {', '.join(map(repr, missing))}; found: {', '.join(columns)}"
            )
        frames = []
        for index, row in frame.iterrows():
            chosen = []
            for label in spec.label_columns:
                value = str(row[label]).strip().lower()
                if value in TRUE_VALUES:
                    chosen.append(label)
                elif value not in FALSE_VALUES:
                    raise DataError(
                        f"{source}: line {index + 2}: column {label!r} holds {row[label]!r}; label columns "
                        "must be 0/1 (or true/false, yes/no)"
                    )
            frames.append(";".join(chosen))
        out = pd.DataFrame({"text": frame[text_column], "frames": frames})
        codebook = codebook or Codebook.from_ids(list(spec.label_columns))
        how = f"one 0/1 column per label ({', '.join(spec.label_columns)}), text in {text_column!r}"
        return labeled_from_frame(out, codebook=codebook, source=source), how
    labels_column = _find(
        columns, spec.labels_column, LABEL_CANDIDATES, "labels", "--labels-column"
    )
    cells = frame[labels_column].astype(str).str.strip()
    separator = None if spec.layout == "single" else (spec.label_sep or _guess_separator(cells))
    texts = frame[text_column].astype(str)
    layout = spec.layout
    if layout is None:
        single_valued = separator is None or not cells.str.contains(separator, regex=False).any()
        repeated = texts.duplicated(keep=False).any()
        layout = "long" if repeated and single_valued and _differs(texts, cells) else "delimited"
    lists = [
        [part.strip() for part in (cell.split(separator) if separator else [cell]) if part.strip()]
        for cell in cells
    ]
    if layout == "long":
        merged: dict[str, list[str]] = {}
        for text, labels in zip(texts, lists, strict=True):
            bucket = merged.setdefault(text, [])
            bucket.extend(label for label in labels if label not in bucket)
        out = pd.DataFrame({"text": list(merged), "frames": [";".join(v) for v in merged.values()]})
        how = (
            f"one row per (text, label) pair: {len(frame)} rows merged into {len(out)} texts; "
            f"text in {text_column!r}, labels in {labels_column!r}"
        )
    else:
        others = frame.drop(columns=[text_column, labels_column])
        others = others.drop(columns=[c for c in ("text", "frames") if c in others.columns])
        out = pd.concat(
            [
                pd.DataFrame({"text": texts.to_numpy(), "frames": [";".join(v) for v in lists]}),
                others.reset_index(drop=True),
            ],
            axis=1,
        )
        shown = "nothing (one label per row)" if separator is None else repr(separator)
        how = f"text in {text_column!r}, labels in {labels_column!r} separated by {shown}"
    return labeled_from_frame(out, codebook=codebook, source=source), how


def _guess_separator(cells: pd.Series) -> str | None:
    for candidate in (";", ",", "|"):
        if cells.str.contains(candidate, regex=False).any():
            return candidate
    return None


def _differs(texts: pd.Series, cells: pd.Series) -> bool:
    """True when some text appears on several rows with different labels (a long table)."""
    grouped = pd.DataFrame({"t": texts, "c": cells}).groupby("t")["c"].nunique()
    return bool((grouped > 1).any())
