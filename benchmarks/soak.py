"""Soak test of `framing serve`: sustained mixed load on loopback, errors and memory over time.

Starts the production server (2 gevent workers by default), warms it up, then drives it with wrk
for --seconds (default 60) from --connections (default 16) concurrent clients. Each request is
drawn in turn from a mix: one sentence, twenty sentences, a whole article as "text", a sentence
with "explain": true, and GET /healthz; when ../shared/data holds the UN General Debate corpus,
4,000 distinct real sentences are interleaved, one per request. Meanwhile the summed memory (PSS, or RSS where PSS is not
readable) of the server's process tree is sampled every second.

    .venv/bin/python benchmarks/soak.py [--seconds 60] [--connections 16] [--model DIR]

Pass: zero errors (non-2xx answers and socket errors) and flat memory: the last sample within 5%
of the sample taken 10 s into the run, and a fitted slope over the second half near zero.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np
import psutil
from serve_load import (
    SENTENCES,
    real_sentences,
    rotating_script,
    run_wrk,
    start_server,
    wait_ready,
)

ARTICLE = " ".join(SENTENCES * 3)


def tree_memory(process: psutil.Process) -> int:
    """Summed PSS (RSS if PSS is unreadable) of a process and its children, in bytes."""
    total = 0
    for member in [process, *process.children(recursive=True)]:
        try:
            info = member.memory_full_info()
            total += getattr(info, "pss", info.rss)
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
    return total


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--model", default=None, help="model folder (default: models/default)")
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results/soak.md"))
    args = parser.parse_args()
    if not shutil.which("wrk"):
        print("wrk not found: apt-get install wrk", file=sys.stderr)
        return 2
    server, url = start_server(args.workers, args.model, popen=psutil.Popen)
    fixed = [
        json.dumps({"sentences": SENTENCES[:1]}),
        json.dumps({"sentences": (SENTENCES * 4)[:20]}),
        json.dumps({"text": ARTICLE}),
        json.dumps({"sentences": SENTENCES[1:2], "explain": True}),
        "",  # GET /healthz
    ]
    # Interleave distinct real sentences (UN General Debate, ../shared/data) when present, so that
    # per-word caches grow during the run as they would with real traffic.
    bodies: list[str] = []
    for index, text in enumerate(real_sentences(4000)):
        bodies.append(json.dumps({"sentences": [text]}))
        if index % 10 == 0:
            bodies.extend(fixed)
    bodies = bodies or fixed
    samples: list[tuple[float, int]] = []
    stop = threading.Event()

    def sample(started: float) -> None:
        while not stop.is_set():
            samples.append((time.perf_counter() - started, tree_memory(server)))
            stop.wait(1.0)

    try:
        wait_ready(url)
        with tempfile.TemporaryDirectory() as tmp:
            script = rotating_script(Path(tmp) / "mix.lua", bodies)
            run_wrk(url + "/", 5, args.connections, script)  # warm-up
            started = time.perf_counter()
            sampler = threading.Thread(target=sample, args=(started,))
            sampler.start()
            result = run_wrk(url + "/", args.seconds, args.connections, script)
            stop.set()
            sampler.join()
    finally:
        stop.set()
        server.terminate()
        server.wait(timeout=30)

    times = np.array([t for t, _ in samples])
    mib = np.array([m for _, m in samples]) / 2**20
    at_10 = mib[min(int(np.searchsorted(times, 10.0)), len(mib) - 1)]
    second_half = times >= times[-1] / 2
    slope = float(np.polyfit(times[second_half], mib[second_half], 1)[0]) * 60
    drift = mib[-1] / at_10 - 1
    flat = abs(drift) <= 0.05
    lines = [
        f"# framing serve soak ({args.workers} workers, {args.connections} connections, "
        f"{args.seconds} s, mixed requests)",
        "",
        "| requests | requests/s | p50 ms | p99 ms | errors |",
        "|---:|---:|---:|---:|---:|",
        f"| {result['rps'] * args.seconds:,.0f} | {result['rps']:,.0f} | {result['p50_ms']:.2f} "
        f"| {result['p99_ms']:.2f} | {result['errors']} |",
        "",
        "| memory of the server's process tree (PSS) | MiB |",
        "|---|---:|",
        f"| first sample | {mib[0]:.1f} |",
        f"| at 10 s | {at_10:.1f} |",
        f"| peak | {mib.max():.1f} |",
        f"| last sample | {mib[-1]:.1f} |",
        f"| slope over the second half | {slope:+.2f} MiB/min |",
        "",
        f"Last sample vs 10 s: {drift:+.1%} ({'flat' if flat else 'NOT flat'}, limit 5%); "
        f"errors: {result['errors']} ({'pass' if result['errors'] == 0 else 'FAIL'}).",
    ]
    report = "\n".join(lines) + "\n"
    print(report)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(report, encoding="utf-8")
    return 0 if flat and result["errors"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
