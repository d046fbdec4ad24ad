"""Batch scoring throughput and peak memory: `framing score` against the plain way, side by side.

Input: the real UN General Debate corpus (../shared/data/un_general_debate_2015_2021_sentences.csv,
120,122 sentences) and the same replicated to at least 1,000,000 rows (written to
benchmarks/out/, not committed). Reference, in the same run: pandas.read_csv of the whole file,
the same model's scores the plain way in one call (Pipeline.predict_proba of the texts and,
when the model pools windows, of their window texts, then the length recalibration), frames
from the thresholds, to_csv.
Peak memory is the largest sum of PSS (proportional set size, so pages shared by forked workers
count once) over the process tree, sampled every 100 ms.

    .venv/bin/python benchmarks/batch_throughput.py [--rounds 3] [--jobs 2] [--skip-million]

Targets (issue 4): >= 3x the reference's sentences per second; peak memory for 1M rows <= 1/4
of the reference's and <= 1.2x our own peak for 120k rows.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

import psutil

from framing.paths import DEFAULT_MODEL_DIR, SHARED_DATA_DIR

UN = SHARED_DATA_DIR / "un_general_debate_2015_2021_sentences.csv"
OUT = Path("benchmarks/out")
REFERENCE = """
import sys
import numpy as np
import pandas as pd
from framing import load_model
from framing.model import predict_scores
model = load_model(sys.argv[1])
frame = pd.read_csv(sys.argv[2])
texts = frame["text"].fillna("").astype(str).tolist()
scores = predict_scores(model.pipeline, texts, pooling=model.pooling)
if model.calibration is not None:
    scores = model.calibration.apply(texts, scores)
decisions = scores >= model.thresholds
frame["frames"] = [";".join(model.frame_ids[j] for j in np.flatnonzero(row)) for row in decisions]
for j, frame_id in enumerate(model.frame_ids):
    frame["score_" + frame_id] = np.round(scores[:, j], 4)
frame.to_csv(sys.argv[3], index=False)
"""


def _memory(process: psutil.Process) -> int:
    """Proportional set size where the OS reports it (shared pages of forked workers counted
    once across the tree), else resident set size."""
    try:
        return process.memory_full_info().pss
    except (AttributeError, psutil.AccessDenied):
        return process.memory_info().rss


def measure(command: list[str]) -> tuple[float, int]:
    """Wall seconds and peak summed PSS (bytes) of a command and its children."""
    started = time.perf_counter()
    process = psutil.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = 0
    while process.poll() is None:
        try:
            tree = [process, *process.children(recursive=True)]
            peak = max(peak, sum(_memory(p) for p in tree if p.is_running()))
        except psutil.Error:
            pass
        time.sleep(0.1)
    seconds = time.perf_counter() - started
    if process.returncode != 0:
        raise RuntimeError(f"{command[:3]} failed: {process.stderr.read().decode()[-2000:]}")
    return seconds, peak


def replicate(source: Path, target: Path, rows: int) -> int:
    if target.exists():
        return sum(1 for _ in target.open(encoding="utf-8")) - 1
    lines = source.read_text(encoding="utf-8").splitlines(keepends=True)
    header, body = lines[0], lines[1:]
    written = 0
    with target.open("w", encoding="utf-8") as handle:
        handle.write(header)
        while written < rows:
            handle.writelines(body)
            written += len(body)
    return written


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--skip-million", action="store_true")
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results/batch_throughput.md"))
    args = parser.parse_args()
    if not UN.is_file():
        print(f"{UN} not found (../shared/data)", file=sys.stderr)
        return 2
    OUT.mkdir(parents=True, exist_ok=True)
    framing = str(Path(sys.executable).with_name("framing"))
    inputs = [("120k", UN, 120_122)]
    if not args.skip_million:
        million = OUT / "un_x9.csv"
        inputs.append(("1M", million, replicate(UN, million, 1_000_000)))
    rows_md = []
    results: dict[tuple[str, str], list[tuple[float, int]]] = {}
    for label, path, count in inputs:
        rounds = args.rounds if label == "120k" else 1
        for _ in range(rounds):  # interleaved: reference, ours, reference, ours, ...
            reference = [
                sys.executable,
                "-c",
                REFERENCE,
                str(DEFAULT_MODEL_DIR),
                str(path),
                str(OUT / "ref.csv"),
            ]
            results.setdefault((label, "reference"), []).append(measure(reference))
            ours = [
                framing,
                "score",
                str(path),
                "-o",
                str(OUT / "ours.csv"),
                "--jobs",
                str(args.jobs),
                "--force",
                "--quiet",
                "--model",
                str(DEFAULT_MODEL_DIR),
            ]
            results.setdefault((label, "framing score"), []).append(measure(ours))
        for name in ("reference", "framing score"):
            runs = results[(label, name)]
            seconds = statistics.median(s for s, _ in runs)
            peak = max(p for _, p in runs)
            rows_md.append(
                f"| {label} ({count:,} rows) | {name} | {seconds:.1f} | {count / seconds:,.0f} | {peak / 2**20:,.0f} |"
            )
            print(rows_md[-1], flush=True)
    lines = [
        f"# Batch scoring: `framing score --jobs {args.jobs}` against read_csv + predict_proba + to_csv",
        "",
        f"Median of {args.rounds} interleaved runs for 120k rows, one run for 1M; peak PSS summed over the process tree.",
        "",
        "| input | method | seconds | rows/s | peak MiB |",
        "|---|---|---:|---:|---:|",
        *rows_md,
        "",
    ]
    for label, _, _count in inputs:
        ref = statistics.median(s for s, _ in results[(label, "reference")])
        ours = statistics.median(s for s, _ in results[(label, "framing score")])
        ref_peak = max(p for _, p in results[(label, "reference")])
        our_peak = max(p for _, p in results[(label, "framing score")])
        lines.append(
            f"- {label}: speed {ref / ours:.2f}x the reference; peak memory {our_peak / ref_peak:.2f} of the reference's."
        )
    if len(inputs) == 2:
        small = max(p for _, p in results[("120k", "framing score")])
        large = max(p for _, p in results[("1M", "framing score")])
        lines.append(f"- our peak for 1M rows is {large / small:.2f}x our peak for 120k rows.")
    text = "\n".join(lines) + "\n"
    print(text)
    args.out.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
