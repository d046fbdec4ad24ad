"""Load benchmark of `framing serve` on loopback with wrk (Debian package `wrk`).

Starts the production server (gunicorn, 2 workers by default) on a free port, then measures, with
16 concurrent connections, requests per second and p50/p99 latency for GET /healthz (the floor of
the HTTP stack), POST /v1/tag with one sentence, and POST /v1/tag with 20 sentences. Scenarios are
interleaved and repeated; medians are reported, with the one-sentence/healthz rate ratio. When
../shared/data holds the UN General Debate corpus, a further pair of scenarios sends 2,000 distinct
real sentences in turn (and /healthz through the same Lua request() path, for a fair ratio).

    .venv/bin/python benchmarks/serve_load.py [--rounds 3] [--seconds 10] [--connections 16]

Targets (issue 3): one-sentence rate >= 60% of /healthz, p99 <= 25 ms, zero errors.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from framing.paths import SHARED_DATA_DIR

SENTENCES = [
    "The minister said the talks would resume next week in Geneva.",
    "Moscow insists that any settlement must account for the situation on the ground.",
    "Kyiv rejected the proposal as a reward for aggression.",
    "European leaders pledged to keep supplying air defence through the winter.",
    "The Kremlin said the West was using Ukraine to wage war against Russia.",
]
ROTATING_LUA = """
local bodies = {%s}
local counter = 0
request = function()
  counter = counter + 1
  local body = bodies[counter %% #bodies + 1]
  if body == "" then
    return wrk.format("GET", "/healthz")
  end
  return wrk.format("POST", "/v1/tag", {["Content-Type"] = "application/json"}, body)
end
"""
UN_SENTENCES = SHARED_DATA_DIR / "un_general_debate_2015_2021_sentences.csv"


def real_sentences(count: int = 2000) -> list[str]:
    """Distinct sentences from the UN General Debate corpus (../shared/data), if present."""
    if not UN_SENTENCES.is_file():
        return []
    import csv

    with open(UN_SENTENCES, encoding="utf-8", newline="") as handle:
        texts = [row["text"] for row in csv.DictReader(handle) if 40 <= len(row["text"]) <= 300]
    step = max(1, len(texts) // count)
    return texts[::step][:count]


def rotating_script(path: Path, bodies: list[str]) -> Path:
    """A wrk script sending ``bodies`` in turn ("" means GET /healthz), via Lua for every one."""
    quoted = ", ".join("[==[" + body + "]==]" for body in bodies)
    path.write_text(ROTATING_LUA % quoted)
    return path


LUA = """
wrk.method = "POST"
wrk.body = [[%s]]
wrk.headers["Content-Type"] = "application/json"
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_ready(url: str, timeout: float = 60) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(url + "/readyz", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("server did not become ready")


def _ms(value: str, unit: str) -> float:
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def run_wrk(url: str, seconds: int, connections: int, script: Path | None) -> dict[str, float]:
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", url]
    if script:
        command[1:1] = ["-s", str(script)]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    latency = {p: _ms(v, u) for p, v, u in re.findall(r"\s(50|99)%\s+([\d.]+)(us|ms|s)", output)}
    errors = 0
    if match := re.search(r"Non-2xx or 3xx responses: (\d+)", output):
        errors += int(match.group(1))
    if match := re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    ):
        errors += sum(map(int, match.groups()))
    return {"rps": rate, "p50_ms": latency["50"], "p99_ms": latency["99"], "errors": errors}


def start_server(
    workers: int, model: str | None, worker_class: str = "gevent", popen=subprocess.Popen
) -> tuple[subprocess.Popen, str]:
    """`framing serve` on a free loopback port (not yet ready: see wait_ready) and its URL."""
    port = free_port()
    framing = str(Path(sys.executable).with_name("framing"))
    command = [framing, "serve", "--port", str(port), "--workers", str(workers)]
    command += ["--worker-class", worker_class, *(["--model", model] if model else [])]
    server = popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return server, f"http://127.0.0.1:{port}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--worker-class", default="gevent", choices=["gevent", "sync"])
    parser.add_argument("--model", default=None, help="model folder (default: models/default)")
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results/serve_load.md"))
    args = parser.parse_args()
    if not shutil.which("wrk"):
        print("wrk not found: apt-get install wrk", file=sys.stderr)
        return 2
    server, url = start_server(args.workers, args.model, args.worker_class)
    results: dict[str, list[dict[str, float]]] = {
        "healthz": [],
        "tag 1 sentence": [],
        "tag 20 sentences": [],
    }
    try:
        wait_ready(url)
        with tempfile.TemporaryDirectory() as tmp:
            one = Path(tmp) / "one.lua"
            one.write_text(LUA % json.dumps({"sentences": SENTENCES[:1]}))
            twenty = Path(tmp) / "twenty.lua"
            twenty.write_text(LUA % json.dumps({"sentences": (SENTENCES * 4)[:20]}))
            pool = real_sentences()
            if pool:  # the same Lua request() path for both, so wrk's own cost is alike
                scripted_healthz = rotating_script(Path(tmp) / "h.lua", [""])
                rotating = rotating_script(
                    Path(tmp) / "r.lua", [json.dumps({"sentences": [text]}) for text in pool]
                )
                results["healthz (Lua request())"] = []
                results[f"tag 1 real sentence (Lua, {len(pool)} rotating)"] = []
                run_wrk(url + "/", 5, args.connections, rotating)  # warm-up: every sentence once
            run_wrk(url + "/healthz", 2, args.connections, None)  # warm-up
            for _ in range(args.rounds):
                if pool:
                    results["healthz (Lua request())"].append(
                        run_wrk(url + "/", args.seconds, args.connections, scripted_healthz)
                    )
                    results[f"tag 1 real sentence (Lua, {len(pool)} rotating)"].append(
                        run_wrk(url + "/", args.seconds, args.connections, rotating)
                    )
                results["healthz"].append(
                    run_wrk(url + "/healthz", args.seconds, args.connections, None)
                )
                results["tag 1 sentence"].append(
                    run_wrk(url + "/v1/tag", args.seconds, args.connections, one)
                )
                results["tag 20 sentences"].append(
                    run_wrk(url + "/v1/tag", args.seconds, args.connections, twenty)
                )
    finally:
        server.terminate()
        server.wait(timeout=30)
    lines = [
        f"# framing serve under load ({args.workers} {args.worker_class} workers, "
        f"{args.connections} connections, "
        f"{args.rounds} x {args.seconds} s per scenario, interleaved; medians)",
        "",
        "| scenario | requests/s | p50 ms | p99 ms | errors |",
        "|---|---:|---:|---:|---:|",
    ]
    medians = {}
    for name, runs in results.items():
        medians[name] = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
        m = medians[name]
        total_errors = sum(r["errors"] for r in runs)
        lines.append(
            f"| {name} | {m['rps']:.0f} | {m['p50_ms']:.2f} | {m['p99_ms']:.2f} | {total_errors} |"
        )
    ratio = medians["tag 1 sentence"]["rps"] / medians["healthz"]["rps"]
    lines += [
        "",
        f"One-sentence tagging runs at {ratio:.1%} of the /healthz rate (target >= 60%).",
    ]
    rotating_name = next((name for name in medians if name.startswith("tag 1 real")), None)
    if rotating_name:
        real_ratio = medians[rotating_name]["rps"] / medians["healthz (Lua request())"]["rps"]
        lines.append(
            f"Real sentences from the UN General Debate corpus, a different one each request: "
            f"{real_ratio:.1%} of /healthz driven the same way."
        )
    text = "\n".join(lines) + "\n"
    print(text)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
