"""Batch scoring: formats, order, parallelism, bad input, atomic output, dask."""

import csv
import gzip
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from framing.batch import ScoreOptions, score_table
from framing.cli import main
from framing.errors import DataError
from tests.conftest import tiny_rows, write_csv

TEXTS = [t for t, _ in tiny_rows()]


@pytest.fixture()
def corpus(tmp_path):
    rows = [
        (str(i), TEXTS[i % len(TEXTS)] if i % 7 else "", f"note {i}, with comma")
        for i in range(300)
    ]
    return write_csv(tmp_path / "in.csv", ["id", "body", "note"], rows)


def _score(model, source, out, **kwargs):
    options = ScoreOptions(text_column="body", **kwargs.pop("options", {}))
    return score_table(model, str(source), str(out), options, **kwargs)


def test_output_is_identical_whatever_jobs_and_chunksize(tiny_model, corpus, tmp_path):
    outputs = []
    for jobs, chunksize in [(1, 10_000), (1, 7), (2, 1), (2, 13), (3, 50)]:
        out = tmp_path / f"out_{jobs}_{chunksize}.csv"
        report = _score(tiny_model, corpus, out, jobs=jobs, chunksize=chunksize)
        assert report.rows_in == report.rows_out == 300
        outputs.append(out.read_bytes())
    assert all(o == outputs[0] for o in outputs)
    scored = pd.read_csv(tmp_path / "out_1_7.csv", dtype=str, keep_default_na=False)
    source = pd.read_csv(corpus, dtype=str, keep_default_na=False)
    pd.testing.assert_frame_equal(
        scored[source.columns], source
    )  # rows and columns unchanged, in order


def test_empty_texts_are_kept_with_no_frames(tiny_model, corpus, tmp_path):
    out = tmp_path / "out.csv"
    report = _score(tiny_model, corpus, out)
    scored = pd.read_csv(out, dtype=str, keep_default_na=False)
    empty = scored[scored["body"] == ""]
    assert len(empty) == report.empty_texts == 43
    assert (empty["frames"] == "").all() and (empty["score_weather"].astype(float) == 0).all()


def test_formats_round_trip(tiny_model, corpus, tmp_path):
    reference = tmp_path / "ref.csv"
    _score(tiny_model, corpus, reference)
    expected = pd.read_csv(reference, dtype=str, keep_default_na=False)
    gz = tmp_path / "in.csv.gz"
    gz.write_bytes(gzip.compress(corpus.read_bytes()))
    tsv = tmp_path / "in.tsv"
    pd.read_csv(corpus, dtype=str, keep_default_na=False).to_csv(tsv, sep="\t", index=False)
    parquet = tmp_path / "in.parquet"
    pd.read_csv(corpus, dtype=str, keep_default_na=False).to_parquet(parquet, index=False)
    for source, target in [
        (gz, "a.csv"),
        (tsv, "b.tsv"),
        (parquet, "c.parquet"),
        (corpus, "d.csv.gz"),
    ]:
        out = tmp_path / target
        _score(tiny_model, source, out, chunksize=64)
        if target.endswith(".parquet"):
            got = pd.read_parquet(out).astype(str)
        else:
            got = pd.read_csv(
                out, dtype=str, keep_default_na=False, sep="\t" if ".tsv" in target else ","
            )
        assert got["frames"].tolist() == expected["frames"].tolist(), target
        assert got["id"].tolist() == expected["id"].tolist()
        assert (
            got["score_sport"].astype(float).round(4).tolist()
            == expected["score_sport"].astype(float).tolist()
        )


def test_stdin_to_stdout(tiny_model_dir, corpus):
    result = CliRunner().invoke(
        main,
        [
            "score",
            "-",
            "-o",
            "-",
            "--text-column",
            "body",
            "--model",
            str(tiny_model_dir),
            "--quiet",
        ],
        input=corpus.read_text(encoding="utf-8"),
    )
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(result.output.splitlines()))
    assert rows[0][:4] == ["id", "body", "note", "frames"] and len(rows) == 301


def test_options_threshold_top_k_explain_split(tiny_model, tmp_path):
    source = write_csv(
        tmp_path / "a.csv",
        ["id", "body"],
        [
            ("a", "Heavy rain fell during the match. We ate soup afterwards."),
            ("b", ""),
        ],
    )
    out = tmp_path / "out.csv"
    _score(tiny_model, source, out, options={"threshold": 0.0, "top_k": 2, "explain": True})
    scored = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert len(scored.loc[0, "frames"].split(";")) == 2
    assert scored.loc[0, "evidence"].count(":") == 2 and scored.loc[1, "evidence"] == ""
    split = tmp_path / "split.csv"
    report = _score(tiny_model, source, split, options={"split_sentences": True})
    rows = pd.read_csv(split, dtype=str, keep_default_na=False)
    assert list(rows.columns[:6]) == ["row_id", "sentence_index", "start", "end", "id", "sentence"]
    assert rows["row_id"].tolist() == ["0", "0", "1"] and report.rows_out == 3
    text = "Heavy rain fell during the match. We ate soup afterwards."
    for _, row in rows.iloc[:2].iterrows():
        assert text[int(row["start"]) : int(row["end"])] == row["sentence"]
    assert "food" in rows.loc[1, "frames"]


def test_malformed_row_is_named_and_skip_or_keep_get_past_it(tiny_model, tmp_path):
    source = tmp_path / "bad.csv"
    source.write_text('id,body\n1,"Rain again."\n2,a,b,c\n3,"A late goal."\n', encoding="utf-8")
    out = tmp_path / "out.csv"
    with pytest.raises(
        DataError, match=r"malformed row at line 3: expected 2 fields, saw 4.*--on-bad-rows"
    ):
        _score(tiny_model, source, out)
    assert not out.exists()
    report = _score(tiny_model, source, out, options={"on_bad_rows": "skip"})
    assert report.bad_rows == 1 and pd.read_csv(out, dtype=str)["id"].tolist() == ["1", "3"]
    report = _score(tiny_model, source, out, options={"on_bad_rows": "keep"}, force=True)
    kept = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert report.bad_rows == 1 and kept["body"].tolist() == [
        "Rain again.",
        "a,b,c",
        "A late goal.",
    ]


def test_invalid_utf8_names_the_line(tiny_model, tmp_path):
    source = tmp_path / "latin.csv"
    source.write_bytes(b"id,body\n1,fine\n2,caf\xe9 au lait\n")
    with pytest.raises(DataError, match="invalid UTF-8 at line 3"):
        _score(tiny_model, source, tmp_path / "out.csv")
    report = _score(tiny_model, source, tmp_path / "out.csv", options={"on_bad_rows": "keep"})
    assert report.rows_in == 2


def test_refusals_leave_existing_output_untouched(tiny_model, corpus, tmp_path):
    out = tmp_path / "out.csv"
    out.write_text("precious", encoding="utf-8")
    with pytest.raises(DataError, match="already exists; pass --force"):
        _score(tiny_model, corpus, out)
    with pytest.raises(DataError, match="has no column 'text'; found: id, body, note"):
        score_table(tiny_model, str(corpus), str(tmp_path / "x.csv"), ScoreOptions())
    with pytest.raises(DataError, match="unknown file type"):
        _score(tiny_model, corpus, tmp_path / "out.xlsx")
    with pytest.raises(DataError, match="does not exist"):
        _score(tiny_model, corpus, tmp_path / "missing" / "out.csv")
    assert out.read_text(encoding="utf-8") == "precious"
    assert not list(tmp_path.glob(".*.part"))


def _on_chunk(monkeypatch, n, action):
    """Make ``score_chunk`` call ``action`` at its ``n``-th call; return the call counter."""
    import framing.batch as batch

    calls = {"n": 0}
    original = batch.score_chunk

    def patched(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == n:
            action()
        return original(*args, **kwargs)

    monkeypatch.setattr(batch, "score_chunk", patched)
    return calls


def _framing_score(source, out, model_dir, *extra, **popen):
    framing = str(Path(sys.executable).with_name("framing"))
    command = [framing, "score", str(source), "-o", str(out), "--model", str(model_dir), *extra]
    return subprocess.Popen(command, stderr=subprocess.PIPE, **popen)


def _big_parallel_run_in_progress(model_dir, tmp_path, **popen):
    """Start scoring 200,000 rows with two jobs; return once its partial output exists."""
    rows = [(str(i), TEXTS[i % len(TEXTS)]) for i in range(200_000)]
    source = write_csv(tmp_path / "big.csv", ["id", "text"], rows)
    out = tmp_path / "out.csv"
    process = _framing_score(source, out, model_dir, "--jobs", "2", "--chunksize", "500", **popen)
    deadline = time.time() + 60
    while not list(tmp_path.glob(".out.csv.*.part")) and time.time() < deadline:
        time.sleep(0.05)
    time.sleep(0.5)
    assert process.poll() is None, "the run finished before it could be stopped"
    return process, source, out, rows


class _SwallowedCtrlC:
    """Ctrl-C arriving while Python runs a finalizer: the KeyboardInterrupt is printed as
    "Exception ignored" and lost. Seen for real in a parallel run, inside logging's at-fork hook:
    the run went on to write its output and exited 0."""

    def __del__(self) -> None:
        os.kill(os.getpid(), signal.SIGINT)
        for _ in range(10_000):  # the handler runs here, at a loop's check for signals
            pass


def _ctrl_c() -> None:
    raise KeyboardInterrupt


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")  # the swallowing
@pytest.mark.parametrize(
    "interrupt",
    # _SwallowedCtrlC is dropped at once: its __del__ runs and swallows its KeyboardInterrupt.
    [_ctrl_c, _SwallowedCtrlC],
    ids=["ctrl-c", "ctrl-c-that-python-swallows"],
)
def test_an_interruption_mid_file_leaves_no_output(
    tiny_model, corpus, tmp_path, monkeypatch, interrupt
):
    calls = _on_chunk(monkeypatch, 3, interrupt)
    out = tmp_path / "out.csv"
    with pytest.raises(KeyboardInterrupt):
        _score(tiny_model, corpus, out, chunksize=20)
    assert calls["n"] == 3  # stopped at the chunk it was interrupted in, not run to the end
    assert not out.exists() and not list(tmp_path.glob(".*.part"))
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_ctrl_c_on_a_parallel_run_leaves_no_output(tiny_model_dir, tmp_path):
    process, source, out, _ = _big_parallel_run_in_progress(tiny_model_dir, tmp_path)
    before = source.read_bytes()
    process.send_signal(signal.SIGINT)
    _, errors = process.communicate(timeout=60)
    assert process.returncode != 0
    assert b"Traceback" not in errors
    assert not out.exists() and not list(tmp_path.glob(".*.part"))
    assert source.read_bytes() == before


def test_dask_engine_equals_local_engine(tiny_model, corpus, tmp_path):
    distributed = pytest.importorskip("distributed")
    from framing.dask_engine import score_with_dask

    local = tmp_path / "local.csv"
    _score(tiny_model, corpus, local, options={"split_sentences": True})
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
    ) as cluster:
        folder = tmp_path / "dask.csv"
        options = ScoreOptions(text_column="body", split_sentences=True)
        report = score_with_dask(
            tiny_model,
            str(corpus),
            str(folder),
            options,
            scheduler=cluster.scheduler_address,
            blocksize="4KB",
        )
        parts = sorted(folder.glob("part-*.csv"), key=lambda p: int(p.stem.split("-")[1]))
        assert len(parts) > 1 and report.rows_in == 300
        got = pd.concat(
            [pd.read_csv(p, dtype=str, keep_default_na=False) for p in parts], ignore_index=True
        )
        parquet = tmp_path / "dask.parquet"
        score_with_dask(
            tiny_model,
            str(corpus),
            str(parquet),
            options,
            scheduler=cluster.scheduler_address,
            blocksize="4KB",
        )
        from_parquet = pd.read_parquet(parquet)
    expected = pd.read_csv(local, dtype=str, keep_default_na=False)
    pd.testing.assert_frame_equal(got, expected)
    assert report.rows_out == len(expected)
    assert from_parquet["frames"].tolist() == expected["frames"].tolist()
    assert os.listdir(tmp_path).count("dask.csv") == 1 and not list(tmp_path.glob(".*.part"))


def test_progress_line_shows_rows_rate_and_eta(tiny_model, corpus, tmp_path, capsys, monkeypatch):
    import framing.batch as batch

    ticks = iter(range(0, 10_000))
    monkeypatch.setattr(
        batch.time, "perf_counter", lambda: next(ticks) * 0.25
    )  # every update draws
    rows = [(str(i), TEXTS[i % len(TEXTS)], "x" * 40) for i in range(20_000)]
    big = write_csv(tmp_path / "big.csv", ["id", "body", "note"], rows)  # larger than a read buffer
    _score(tiny_model, big, tmp_path / "out.csv", chunksize=500, progress=True)
    drawn = capsys.readouterr().err
    assert "rows/s" in drawn and "ETA" in drawn and "20,000 rows" in drawn
    _score(tiny_model, corpus, tmp_path / "quiet.csv", chunksize=50, progress=False)
    assert capsys.readouterr().err == ""


def test_sigkill_leaves_no_output_and_the_next_run_clears_the_stale_part(tiny_model_dir, tmp_path):
    process, source, out, rows = _big_parallel_run_in_progress(
        tiny_model_dir, tmp_path, start_new_session=True
    )
    before = source.read_bytes()
    os.killpg(process.pid, signal.SIGKILL)  # the whole job, as `kill -9` or the OOM killer would
    process.communicate(timeout=60)
    assert process.returncode == -signal.SIGKILL
    assert not out.exists()
    assert source.read_bytes() == before
    stale = list(tmp_path.glob(".out.csv.*.part"))
    assert len(stale) == 1 and str(process.pid) in stale[0].name

    small = write_csv(tmp_path / "small.csv", ["id", "text"], rows[:50])
    rerun = _framing_score(small, out, tiny_model_dir)
    _, errors = rerun.communicate(timeout=120)
    assert rerun.returncode == 0, errors
    assert len(pd.read_csv(out)) == 50
    assert not list(tmp_path.glob(".out.csv.*.part"))


def test_a_full_disk_on_standard_output_is_a_clear_error(tiny_model_dir, corpus):
    with open("/dev/full", "wb") as full:
        process = _framing_score(corpus, "-", tiny_model_dir, "--text-column", "body", stdout=full)
        _, errors = process.communicate(timeout=120)
    assert process.returncode == 1
    assert errors.decode().startswith(
        "Error: cannot write standard output: No space left on device"
    )
    assert b"Traceback" not in errors and b"Exception ignored" not in errors


def test_running_out_of_space_mid_file_leaves_no_output(tiny_model_dir, tmp_path):
    """The kernel refuses writes past a file-size limit (EFBIG), as a full disk would (ENOSPC)."""
    import resource

    def limit_file_size():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (200_000, 200_000))

    rows = [(str(i), TEXTS[i % len(TEXTS)]) for i in range(20_000)]
    source = write_csv(tmp_path / "in.csv", ["id", "text"], rows)
    before = source.read_bytes()
    out = tmp_path / "out.csv"
    process = _framing_score(source, out, tiny_model_dir, preexec_fn=limit_file_size)
    _, errors = process.communicate(timeout=120)
    assert process.returncode == 1
    assert errors.decode().startswith(
        f"Error: cannot write {out}: File too large; nothing was written to the output path"
    )
    assert b"Traceback" not in errors
    assert not out.exists() and not list(tmp_path.glob(".*.part"))
    assert source.read_bytes() == before


def test_an_unwritable_output_folder_is_a_clear_error(tiny_model, corpus, monkeypatch):
    # /proc/<pid> refuses new files even to root, so this holds for any user.
    with pytest.raises(
        DataError, match=r"cannot write /proc/self/out.csv: folder /proc/\d+ is not"
    ):
        _score(tiny_model, corpus, "/proc/self/out.csv")
    # If the access check passes but creating the file fails, the kernel's reason is given.
    monkeypatch.setattr("framing.batch.os.access", lambda *args: True)
    with pytest.raises(DataError, match=r"cannot write /proc/self/out.csv: \w+"):
        _score(tiny_model, corpus, "/proc/self/out.csv")


def test_a_reader_that_stops_early_ends_the_run_quietly(tiny_model_dir, tmp_path):
    """`framing score big.csv -o - | head`: no traceback, no error message, status 1."""
    rows = [(str(i), TEXTS[i % len(TEXTS)]) for i in range(50_000)]
    source = write_csv(tmp_path / "big.csv", ["id", "text"], rows)
    process = _framing_score(source, "-", tiny_model_dir, stdout=subprocess.PIPE)
    assert process.stdout.read(1000).startswith(b"id,text,")
    process.stdout.close()
    _, errors = process.communicate(timeout=120)
    assert process.returncode == 1
    assert errors.strip() == b"", errors


def test_a_failed_parallel_run_reports_its_error_even_if_the_pool_will_not_stop(
    tiny_model, tmp_path, monkeypatch
):
    """Pool.terminate() can hang joining its task thread after killing the workers (seen in CI);
    the run still ends with the writer's error within the bounded wait, and leaves no output."""
    import multiprocessing.pool
    import threading

    import framing.batch

    real_terminate = multiprocessing.pool.Pool.terminate
    called = threading.Event()

    def terminate_then_hang(pool):
        called.set()
        real_terminate(pool)  # kills the workers (and may itself hang, as in the real case)
        threading.Event().wait()  # ...and terminate() never returns

    def failing_write(self, payload):
        raise DataError("cannot write out.csv: File too large")

    monkeypatch.setattr(multiprocessing.pool.Pool, "terminate", terminate_then_hang)
    monkeypatch.setattr(framing.batch._Writer, "write", failing_write)
    monkeypatch.setattr(framing.batch, "STOP_TIMEOUT", 1.0)
    rows = [(str(i), TEXTS[i % len(TEXTS)]) for i in range(3_000)]
    source = write_csv(tmp_path / "in.csv", ["id", "text"], rows)
    out = tmp_path / "out.csv"
    started = time.monotonic()
    with pytest.raises(DataError, match="File too large"):
        score_table(tiny_model, str(source), str(out), ScoreOptions(), jobs=2, chunksize=500)
    assert called.is_set() and time.monotonic() - started < 30
    assert not out.exists() and not list(tmp_path.glob(".*.part"))
