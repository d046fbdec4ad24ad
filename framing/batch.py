"""Batch scoring of tables at corpus scale: streaming, parallel, atomic.

``score_table`` reads CSV, TSV, gzipped CSV or Parquet in chunks, scores each chunk (in worker
processes when ``jobs > 1``) and writes the chunks, in input order, to a temporary file that is
renamed onto the output only when everything succeeded. Memory stays flat: at most ``2 * jobs``
chunks are in flight. The output is the same, byte for byte, whatever ``jobs`` and ``chunksize``.
"""

from __future__ import annotations

import csv
import glob
import gzip
import io
import multiprocessing
import os
import re
import signal
import sys
import tempfile
import threading
import time
import warnings
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import numpy as np
import pandas as pd

from framing.errors import DataError
from framing.model import FramingModel
from framing.segment import split_sentences

FRAMES_COLUMN = "frames"
EVIDENCE_COLUMN = "evidence"
SCORE_PREFIX = "score_"
SPLIT_COLUMNS = ["row_id", "sentence_index", "start", "end"]
SENTENCE_COLUMN = "sentence"
STDIO = "-"
_BAD_LINE = re.compile(r"Expected (\d+) fields in line (\d+), saw (\d+)")
_SKIPPED_LINE = re.compile(r"Skipping line (\d+)")


@dataclass(frozen=True)
class ScoreOptions:
    """How to score a table.

    Attributes:
        text_column: Column holding the text.
        threshold: One threshold for every frame (None: the model's tuned thresholds).
        top_k: Keep at most this many frames per row in ``frames`` (most confident first).
        explain: Add an ``evidence`` column: ``frame: words, ...; frame: ...``.
        split_sentences: One output row per sentence of the text, with ``row_id``,
            ``sentence_index``, ``start``, ``end`` and ``sentence`` (the text column is dropped).
        on_bad_rows: ``error`` stops at a malformed row or invalid UTF-8 naming the line;
            ``skip`` drops malformed rows; ``keep`` keeps them (extra fields joined into the last
            column) and replaces invalid bytes with U+FFFD.
    """

    text_column: str = "text"
    threshold: float | None = None
    top_k: int | None = None
    explain: bool = False
    split_sentences: bool = False
    on_bad_rows: str = "error"


@dataclass
class ScoreReport:
    """What a scoring run did."""

    rows_in: int = 0
    rows_out: int = 0
    bad_rows: int = 0
    empty_texts: int = 0
    seconds: float = 0.0

    def summary(self) -> str:
        """One line for the terminal."""
        rate = self.rows_in / self.seconds if self.seconds else 0.0
        parts = [f"scored {self.rows_in:,} rows in {self.seconds:.1f} s ({rate:,.0f} rows/s)"]
        if self.rows_out != self.rows_in:
            parts.append(f"wrote {self.rows_out:,} rows")
        if self.empty_texts:
            parts.append(f"{self.empty_texts:,} with empty text")
        if self.bad_rows:
            parts.append(f"{self.bad_rows:,} malformed rows handled")
        return "; ".join(parts)


# --- scoring one chunk (pure) ------------------------------------------------------------------


def output_columns(
    model: FramingModel, input_columns: list[str], options: ScoreOptions
) -> list[str]:
    """The columns a scored table has, in order."""
    added = [FRAMES_COLUMN, *(SCORE_PREFIX + i for i in model.frame_ids)]
    if options.explain:
        added.append(EVIDENCE_COLUMN)
    if options.split_sentences:
        kept = [c for c in input_columns if c != options.text_column]
        return [*SPLIT_COLUMNS, *kept, SENTENCE_COLUMN, *added]
    return [*input_columns, *added]


def check_columns(model: FramingModel, columns: list[str], options: ScoreOptions) -> None:
    """Refuse input without the text column or with columns scoring would overwrite."""
    if options.text_column not in columns:
        found = ", ".join(map(str, columns)) or "(no columns)"
        raise DataError(
            f"the input has no column {options.text_column!r}; found: {found} "
            "(choose one with --text-column)"
        )
    produced = output_columns(model, [], options)
    clash = [c for c in produced if c in columns and c != options.text_column]
    if clash:
        raise DataError(
            f"the input already has column(s) {', '.join(clash)} that scoring adds; rename them first"
        )


def has_text(values: pd.Series) -> np.ndarray:
    """True for each value that holds non-blank text."""
    mask = values.notna().to_numpy().copy()
    if mask.any():
        mask[mask] = values[mask].astype(str).str.strip().ne("").to_numpy()
    return mask


def score_chunk(
    model: FramingModel, chunk: pd.DataFrame, options: ScoreOptions, *, first_row: int = 0
) -> pd.DataFrame:
    """Score one chunk: the pure step that every engine (local, processes, dask) runs.

    Args:
        model: The model.
        chunk: Input rows (all columns kept).
        options: What to add.
        first_row: Index of the chunk's first row in the whole input (for ``row_id``).
    """
    if options.split_sentences:
        chunk = _explode_sentences(chunk, options.text_column, first_row)
        text_column = SENTENCE_COLUMN
    else:
        text_column = options.text_column
    texts = chunk[text_column]
    present = has_text(texts)
    scores = np.zeros((len(chunk), len(model.frame_ids)))
    if present.any():
        scores[present] = model.predict_proba(texts[present].astype(str).tolist(), stable=True)
    decisions = model.decide(scores, options.threshold)
    decisions[~present] = 0
    ids = model.frame_ids
    frames, evidence = [], []
    for index, row in enumerate(decisions):
        chosen = sorted(np.flatnonzero(row), key=lambda j: (-scores[index, j], j))
        if options.top_k is not None:
            chosen = chosen[: options.top_k]
        frames.append(";".join(ids[j] for j in chosen))
        if options.explain:
            if chosen:
                found = model.explain(str(texts.iloc[index]), [ids[j] for j in chosen])
                evidence.append("; ".join(f"{k}: {', '.join(v)}" for k, v in found.items()))
            else:
                evidence.append("")
    out = chunk.copy()
    out[FRAMES_COLUMN] = frames
    rounded = np.round(scores, 4)
    for j, frame_id in enumerate(ids):
        out[SCORE_PREFIX + frame_id] = rounded[:, j]
    if options.explain:
        out[EVIDENCE_COLUMN] = evidence
    return out


def _explode_sentences(chunk: pd.DataFrame, text_column: str, first_row: int) -> pd.DataFrame:
    positions, records = [], []
    for offset, text in enumerate(chunk[text_column].tolist()):
        pieces = split_sentences(text) if isinstance(text, str) else []
        if not pieces:
            positions.append(offset)
            records.append((first_row + offset, 0, 0, 0, "" if text is None else text))
            continue
        for number, piece in enumerate(pieces):
            positions.append(offset)
            records.append((first_row + offset, number, piece.start, piece.end, piece.text))
    rest = chunk.drop(columns=[text_column]).iloc[positions].reset_index(drop=True)
    split = pd.DataFrame(records, columns=[*SPLIT_COLUMNS, SENTENCE_COLUMN])
    return pd.concat([split[SPLIT_COLUMNS], rest, split[[SENTENCE_COLUMN]]], axis=1)


# --- formats -----------------------------------------------------------------------------------


def table_format(path: str) -> str:
    """``csv``, ``tsv``, ``csv.gz``, ``tsv.gz`` or ``parquet``, from the file name (``-``: csv)."""
    name = str(path).lower()
    if name == STDIO:
        return "csv"
    for suffix in ("csv.gz", "tsv.gz", "parquet", "csv", "tsv"):
        if name.endswith("." + suffix):
            return suffix
    raise DataError(
        f"{path}: unknown file type; use .csv, .csv.gz, .tsv, .tsv.gz or .parquet (or - for stdin/stdout)"
    )


def _separator(fmt: str) -> str:
    return "\t" if fmt.startswith("tsv") else ","


class _Progress:
    """A progress line on stderr (rows, rows/s, ETA), drawn only on a terminal."""

    def __init__(
        self, enabled: bool, total_rows: int | None, size: Callable[[], float] | None
    ) -> None:
        self.enabled = enabled
        self.total_rows = total_rows
        self.size = size  # fraction of the input consumed, when known
        self.started = time.perf_counter()
        self.last = 0.0
        self.rows = 0

    def update(self, rows: int) -> None:
        self.rows += rows
        now = time.perf_counter()
        if not self.enabled or now - self.last < 0.2:
            return
        self.last = now
        elapsed = now - self.started
        rate = self.rows / elapsed if elapsed else 0.0
        fraction = None
        if self.total_rows:
            fraction = self.rows / self.total_rows
        elif self.size is not None:
            fraction = self.size()
        eta = ""
        if fraction and 0 < fraction < 1:
            remaining = elapsed * (1 - fraction) / fraction
            eta = f"  ETA {int(remaining // 3600)}:{int(remaining % 3600 // 60):02d}:{int(remaining % 60):02d}"
            eta += f"  [{fraction:.0%}]"
        sys.stderr.write(f"\r{self.rows:,} rows  {rate:,.0f} rows/s{eta}   ")
        sys.stderr.flush()

    def close(self) -> None:
        if self.enabled:
            sys.stderr.write("\n")
            sys.stderr.flush()


def _csv_chunks(
    path: str, fmt: str, options: ScoreOptions, chunksize: int, report: ScoreReport
) -> tuple[Iterator[pd.DataFrame], Callable[[], float] | None]:
    separator = _separator(fmt)
    opened: dict[str, Any] = {}
    size = None
    if path != STDIO:
        total = max(Path(path).stat().st_size, 1)

        def size() -> float:
            raw = opened.get("raw")
            return min(raw.tell() / total, 1.0) if raw is not None and not raw.closed else 0.0

    kwargs: dict[str, Any] = {
        "sep": separator,
        "dtype": str,
        "keep_default_na": False,
        "na_values": [],
        "chunksize": chunksize,
        "index_col": False,
        "encoding": "utf-8",
        "encoding_errors": "replace" if options.on_bad_rows == "keep" else "strict",
    }
    if options.on_bad_rows == "skip":
        kwargs["on_bad_lines"] = "warn"
    elif options.on_bad_rows == "keep":
        width = _header_width(path, fmt, separator)
        kwargs["engine"] = "python"
        kwargs["on_bad_lines"] = lambda fields: _keep_bad_line(fields, width, report, separator)

    def generate() -> Iterator[pd.DataFrame]:
        raw: IO[bytes] = sys.stdin.buffer if path == STDIO else open(path, "rb")  # noqa: SIM115
        opened["raw"] = raw
        source: IO[bytes] = gzip.GzipFile(fileobj=raw) if fmt.endswith(".gz") else raw
        try:
            try:
                reader = pd.read_csv(source, **kwargs)
            except pd.errors.EmptyDataError:
                raise DataError(f"{path}: empty input (no header row)") from None
            with reader:
                while True:
                    with warnings.catch_warnings(record=True) as caught:
                        warnings.simplefilter("always", pd.errors.ParserWarning)
                        try:
                            chunk = next(reader)
                        except StopIteration:
                            return
                    for warning in caught:
                        report.bad_rows += len(_SKIPPED_LINE.findall(str(warning.message)))
                    yield chunk
        except pd.errors.ParserError as exc:
            raise DataError(_parser_message(path, str(exc))) from None
        except UnicodeDecodeError as exc:
            raise DataError(_encoding_message(path, fmt, exc)) from None
        except (OSError, EOFError) as exc:
            if (
                isinstance(exc, gzip.BadGzipFile)
                or "gzip" in str(exc).lower()
                or isinstance(exc, EOFError)
            ):
                raise DataError(f"{path}: not a valid gzip file ({exc})") from None
            raise
        finally:
            if path != STDIO:
                raw.close()

    return generate(), size


def _header_width(path: str, fmt: str, separator: str) -> int | None:
    if path == STDIO:
        return None
    opener = gzip.open if fmt.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8", errors="replace", newline="") as handle:
        header = next(csv.reader(handle, delimiter=separator), [])
    return len(header) or None


def _keep_bad_line(
    fields: list[str], width: int | None, report: ScoreReport, separator: str
) -> list[str]:
    """Keep a row with too many fields: the extra fields are joined into the last column."""
    report.bad_rows += 1
    if width is None or len(fields) <= width:
        return fields
    return [*fields[: width - 1], separator.join(fields[width - 1 :])]


def _parser_message(path: str, message: str) -> str:
    match = _BAD_LINE.search(message)
    if match:
        expected, line, saw = match.groups()
        return (
            f"{path}: malformed row at line {line}: expected {expected} fields, saw {saw}. "
            "Fix the row, or pass --on-bad-rows skip (drop such rows) or keep (keep them)"
        )
    return f"{path}: malformed CSV: {message}. Pass --on-bad-rows skip or keep to get past bad rows"


def _encoding_message(path: str, fmt: str, exc: UnicodeDecodeError) -> str:
    where = ""
    if path != STDIO:
        opener = gzip.open if fmt.endswith(".gz") else open
        with opener(path, "rb") as handle:
            for number, line in enumerate(handle, start=1):
                try:
                    line.decode("utf-8")
                except UnicodeDecodeError:
                    where = f" at line {number}"
                    break
    return (
        f"{path}: invalid UTF-8{where} ({exc.reason}). Convert the file to UTF-8, or pass "
        "--on-bad-rows keep to replace undecodable bytes with U+FFFD"
    )


def _parquet_chunks(path: str, chunksize: int) -> tuple[Iterator[pd.DataFrame], int]:
    import pyarrow.parquet as pq

    try:
        parquet = pq.ParquetFile(path)
    except Exception as exc:  # pyarrow raises several types for a bad file
        raise DataError(f"{path}: not a readable Parquet file ({exc})") from None

    def generate() -> Iterator[pd.DataFrame]:
        with parquet:
            empty = True
            for batch in parquet.iter_batches(batch_size=chunksize):
                empty = False
                yield batch.to_pandas()
            if empty:
                yield parquet.schema_arrow.empty_table().to_pandas()

    return generate(), parquet.metadata.num_rows


class _Writer:
    """Writes scored chunks to a temporary file beside the output; ``commit`` renames it."""

    def __init__(self, path: str, fmt: str) -> None:
        self.path = path
        self.fmt = fmt
        self.tmp: str | None = None
        self.first = True
        self.parquet_writer = None
        if path == STDIO:
            self.handle: IO[str] | None = io.TextIOWrapper(
                sys.stdout.buffer, encoding="utf-8", newline=""
            )
            return
        directory = Path(path).resolve().parent
        if not directory.is_dir():
            raise DataError(f"cannot write {path}: folder {directory} does not exist")
        if not os.access(directory, os.W_OK):
            raise DataError(f"cannot write {path}: folder {directory} is not writable")
        _remove_stale_parts(directory, Path(path).name)
        try:
            fd, self.tmp = tempfile.mkstemp(
                dir=directory, prefix=f".{Path(path).name}.{os.getpid()}.", suffix=".part"
            )
        except OSError as exc:
            raise DataError(f"cannot write {path}: {exc.strerror} (folder {directory})") from None
        if fmt == "parquet":
            os.close(fd)
            self.handle = None
        elif fmt.endswith(".gz"):
            os.close(fd)
            self.handle = gzip.open(self.tmp, "wt", encoding="utf-8", newline="")  # noqa: SIM115
        else:
            self.handle = os.fdopen(fd, "w", encoding="utf-8", newline="")

    def write(self, payload: Any) -> None:
        try:
            self._write(payload)
        except OSError as exc:
            raise self._failure(exc) from None

    def _failure(self, exc: OSError) -> OSError | DataError:
        where = "standard output" if self.path == STDIO else self.path
        if self.path == STDIO:
            self.handle = None
            silence_stdout()
            if isinstance(exc, BrokenPipeError):
                return exc  # the reader stopped reading (`| head`): not an error to report
        hint = (
            "; nothing was written to the output path: free some space or write elsewhere with -o"
            if self.path != STDIO
            else ""
        )
        return DataError(f"cannot write {where}: {exc.strerror or exc}{hint}")

    def _write(self, payload: Any) -> None:
        if self.fmt == "parquet":
            import pyarrow as pa
            import pyarrow.parquet as pq

            table = pa.Table.from_pandas(payload, preserve_index=False)
            if self.parquet_writer is None:
                self.parquet_writer = pq.ParquetWriter(self.tmp, table.schema)
            else:
                table = table.cast(self.parquet_writer.schema)
            self.parquet_writer.write_table(table)
        else:
            assert self.handle is not None
            self.handle.write(payload)
        self.first = False

    def commit(self) -> None:
        try:
            self._commit()
        except OSError as exc:
            raise self._failure(exc) from None

    def _commit(self) -> None:
        if self.parquet_writer is not None:
            self.parquet_writer.close()
        if self.handle is not None:
            self.handle.flush()
            if self.path == STDIO:
                self.handle.detach()
                return
            self.handle.close()
        if self.tmp is not None:
            os.replace(self.tmp, self.path)
            self.tmp = None

    def abort(self) -> None:
        try:
            if self.parquet_writer is not None:
                self.parquet_writer.close()
            if self.handle is not None and self.path != STDIO:
                self.handle.close()
        except OSError:
            pass  # the write already failed; removing the partial file is what matters
        finally:
            if self.tmp is not None:
                Path(self.tmp).unlink(missing_ok=True)


def silence_stdout() -> None:
    """Point standard output at /dev/null after it failed (full disk, closed pipe), so that
    what is still buffered is dropped instead of failing again at exit."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.close(devnull)
    sys.stdout = io.TextIOWrapper(open(os.devnull, "wb"), encoding="utf-8")  # noqa: SIM115


def _remove_stale_parts(directory: Path, name: str) -> None:
    """Delete partial files that runs killed outright (SIGKILL, power loss) left behind.

    A partial file carries the writing process's id; it is stale when that process is gone.
    """
    for part in directory.glob(f".{glob.escape(name)}.*.part"):
        pid = part.name[len(name) + 2 :].split(".", 1)[0]
        if not pid.isdigit():
            continue
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            part.unlink(missing_ok=True)
        except PermissionError:
            pass  # alive, owned by someone else


def format_chunk(scored: pd.DataFrame, fmt: str, header: bool) -> Any:
    """What a writer writes for a scored chunk: CSV text, or the frame itself for Parquet."""
    if fmt == "parquet":
        return scored
    return scored.to_csv(
        None,
        sep=_separator(fmt),
        header=header,
        index=False,
        lineterminator="\n",
        quoting=csv.QUOTE_MINIMAL,
    )


# --- workers -----------------------------------------------------------------------------------

_WORKER: dict[str, Any] = {}


def _init_worker(model: FramingModel, options: ScoreOptions, fmt: str) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C and cleans up
    for variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[variable] = "1"
    _WORKER.update(model=model, options=options, fmt=fmt)


def _work(task: tuple[pd.DataFrame, int, bool]) -> tuple[Any, int]:
    chunk, first_row, header = task
    scored = score_chunk(_WORKER["model"], chunk, _WORKER["options"], first_row=first_row)
    return format_chunk(scored, _WORKER["fmt"], header), len(scored)


def score_table(
    model: FramingModel,
    input_path: str,
    output_path: str,
    options: ScoreOptions,
    *,
    jobs: int = 1,
    chunksize: int = 2_000,
    force: bool = False,
    progress: bool = False,
) -> ScoreReport:
    """Score ``input_path`` into ``output_path`` (``-`` for stdin/stdout, CSV only).

    Raises:
        DataError: unreadable or malformed input, a missing text column, an existing output
            without ``force``, or an unwritable output folder. The output is then left untouched
            (or absent) and no partial file remains.
    """
    started = time.perf_counter()
    in_fmt, out_fmt = table_format(input_path), table_format(output_path)
    if input_path != STDIO and not Path(input_path).is_file():
        raise DataError(f"input file not found: {input_path}")
    if output_path != STDIO:
        if Path(output_path).exists() and not force:
            raise DataError(f"{output_path} already exists; pass --force to overwrite it")
        if input_path != STDIO and Path(output_path).resolve() == Path(input_path).resolve():
            raise DataError("the output must not be the input file")
    if options.top_k is not None and options.top_k < 1:
        raise DataError("--top-k must be at least 1")
    report = ScoreReport()
    total_rows = None
    if in_fmt == "parquet":
        chunks, total_rows = _parquet_chunks(input_path, chunksize)
        fraction = None
    else:
        chunks, fraction = _csv_chunks(input_path, in_fmt, options, chunksize, report)
    bar = _Progress(progress, total_rows, fraction)
    writer = _Writer(output_path, out_fmt)
    pool = None
    ctrl_c = _CtrlC()
    try:
        tasks = _tasks(model, chunks, options, report)
        if jobs <= 1:
            for chunk, first_row, header in tasks:
                scored = score_chunk(model, chunk, options, first_row=first_row)
                writer.write(format_chunk(scored, out_fmt, header))
                report.rows_out += len(scored)
                bar.update(len(chunk))
                ctrl_c.check()
        else:
            context = multiprocessing.get_context("fork" if sys.platform != "win32" else "spawn")
            pool = context.Pool(jobs, initializer=_init_worker, initargs=(model, options, out_fmt))
            pending: deque = deque()
            for task in tasks:
                pending.append((pool.apply_async(_work, (task,)), len(task[0])))
                if len(pending) >= 2 * jobs:
                    _drain_one(pending, writer, report, bar)
                ctrl_c.check()
            while pending:
                _drain_one(pending, writer, report, bar)
                ctrl_c.check()
            pool.close()
            pool.join()
            pool = None
        ctrl_c.check()
        writer.commit()
    except BaseException:
        if pool is not None:
            _stop(pool)
        writer.abort()
        raise
    finally:
        ctrl_c.restore()
        bar.close()
    report.seconds = time.perf_counter() - started
    return report


class _CtrlC:
    """Remembers Ctrl-C for the length of a run, so that the run stops even when Python swallows
    the KeyboardInterrupt: one raised while a finalizer or an at-fork hook runs is printed as
    "Exception ignored" and lost. That was seen in a parallel run (inside logging's at-fork hook
    as the pool forked): it went on to write its output and exited 0.

    Only takes over Ctrl-C in the main thread, and only from Python's own handler.
    """

    def __init__(self) -> None:
        self.pressed = False
        self._installed = (
            threading.current_thread() is threading.main_thread()
            and signal.getsignal(signal.SIGINT) is signal.default_int_handler
        )
        if self._installed:
            signal.signal(signal.SIGINT, self._handle)

    def _handle(self, signum: int, frame: Any) -> None:
        self.pressed = True
        raise KeyboardInterrupt

    def check(self) -> None:
        """Raise KeyboardInterrupt if Ctrl-C was pressed, even if its first one was lost."""
        if self.pressed:
            raise KeyboardInterrupt

    def restore(self) -> None:
        if self._installed:
            signal.signal(signal.SIGINT, signal.default_int_handler)
            self._installed = False


#: Seconds to wait for ``Pool.terminate()`` after a failure before giving up on it.
STOP_TIMEOUT = 10.0


def _stop(pool: Any) -> None:
    """Stop the workers after a failure, without hanging.

    ``Pool.terminate()`` kills the workers early on and then joins the pool's handler threads. The
    task thread can be blocked for ever sending the next chunk (a large pickled DataFrame) into a
    pipe that no worker will read again; this was seen in CI (py-spy: main thread in
    ``_terminate_pool`` joining the task handler, which sat in ``Connection._send``). A bounded
    wait in a daemon thread lets the error reach the user either way.
    """
    stopper = threading.Thread(target=pool.terminate, name="stop-pool", daemon=True)
    stopper.start()
    stopper.join(timeout=STOP_TIMEOUT)
    if not stopper.is_alive():
        pool.join()


def _drain_one(pending: deque, writer: _Writer, report: ScoreReport, bar: _Progress) -> None:
    result, rows_in = pending.popleft()
    payload, rows_out = result.get()
    writer.write(payload)
    report.rows_out += rows_out
    bar.update(rows_in)


def _tasks(
    model: FramingModel, chunks: Iterator[pd.DataFrame], options: ScoreOptions, report: ScoreReport
) -> Iterator[tuple[pd.DataFrame, int, bool]]:
    first = True
    columns: list[str] = []
    for chunk in chunks:
        if first:
            columns = [str(c) for c in chunk.columns]
            check_columns(model, columns, options)
        chunk = chunk.reset_index(drop=True)
        report.empty_texts += int((~has_text(chunk[options.text_column])).sum())
        start = report.rows_in
        report.rows_in += len(chunk)
        yield chunk, start, first
        first = False
