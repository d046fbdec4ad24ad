"""The production server: `framing serve` under gunicorn, graceful model reload on SIGHUP."""

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def _post(url: str, body: dict) -> int:
    request = urllib.request.Request(
        url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            response.read()
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code
    except OSError:
        return -1


@pytest.fixture()
def two_models(tiny_dir, tiny_model_dir, tmp_path):
    from click.testing import CliRunner

    from framing.cli import main

    second = tmp_path / "v2"
    result = CliRunner().invoke(
        main,
        [
            "train",
            "--data",
            str(tiny_dir / "labeled.csv"),
            "--codebook",
            str(tiny_dir / "codebook.yaml"),
            "--out",
            str(second),
            "--folds",
            "3",
            "--name",
            "second",
        ],
    )
    assert result.exit_code == 0, result.output
    current = tmp_path / "current"
    current.symlink_to(tiny_model_dir)
    return current, second


class Server:
    """`framing serve` on a free port, stopped with SIGTERM at the end."""

    def __init__(self, model_dir: Path, *extra: str) -> None:
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        framing = str(Path(sys.executable).with_name("framing"))
        self.process = subprocess.Popen(
            [framing, "serve", "--port", str(self.port), "--model", str(model_dir), *extra],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                if _get(self.base + "/readyz")[0] == 200:
                    return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError("framing serve did not become ready")

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        _, errors = self.process.communicate(timeout=30)
        self.errors = (errors or b"").decode("utf-8", "replace")
        return self.process.returncode


@pytest.fixture()
def server(tiny_model_dir):
    running = Server(tiny_model_dir, "--workers", "2")
    yield running
    running.stop()


def test_sighup_reloads_the_model_without_dropping_requests(two_models):
    current, second = two_models
    server = Server(current, "--workers", "2")
    base = server.base
    try:
        assert _get(base + "/v1/model")[1]["name"] == "tiny"
        statuses: list[int] = []
        stop = threading.Event()

        def client() -> None:
            while not stop.is_set():
                statuses.append(_post(base + "/v1/tag", {"sentences": ["Rain and a late goal."]}))

        worker = threading.Thread(target=client)
        worker.start()
        time.sleep(0.5)
        os.unlink(current)
        current.symlink_to(second)
        server.process.send_signal(signal.SIGHUP)
        deadline = time.time() + 30
        while time.time() < deadline and _get(base + "/v1/model")[1].get("name") != "second":
            time.sleep(0.2)
        time.sleep(0.5)
        stop.set()
        worker.join(timeout=10)
        assert _get(base + "/v1/model")[1]["name"] == "second"
        assert statuses and set(statuses) == {200}, sorted(set(statuses))
    finally:
        assert server.stop() == 0


def test_slow_clients_do_not_starve_the_others(server):
    """Fifty clients trickle a request header a few bytes a second (slowloris); others still get
    answers at once. Two workers would be enough to block with one connection per worker."""
    slow = []
    for _ in range(50):
        sock = socket.create_connection(("127.0.0.1", server.port))
        sock.sendall(b"POST /v1/tag HTTP/1.1\r\nHost: x\r\n")
        slow.append(sock)
    try:
        for second in range(3):
            for sock in slow:
                sock.sendall(f"X-Slow-{second}: 1\r\n".encode())
            started = time.perf_counter()
            assert _post(server.base + "/v1/tag", {"sentences": ["Rain at the match."]}) == 200
            assert _get(server.base + "/healthz")[0] == 200
            assert time.perf_counter() - started < 2
            time.sleep(0.5)
    finally:
        for sock in slow:
            sock.close()


def _raw(port: int, request: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(request)
        chunks = []
        try:
            while chunk := sock.recv(65536):
                chunks.append(chunk)
        except ConnectionResetError:
            pass  # the server answered and closed without reading the rest of the request
    return b"".join(chunks)


def test_oversized_request_lines_and_headers_are_refused(server):
    long_line = b"GET /healthz?" + b"a" * 10_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n"
    big_header = b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + b"b" * 20_000 + b"\r\n\r\n"
    many = b"".join(f"X-{i}: 1\r\n".encode() for i in range(200))
    many_headers = b"GET /healthz HTTP/1.1\r\nHost: x\r\n" + many + b"\r\n"
    for request in (long_line, big_header, many_headers):
        answer = _raw(server.port, request)
        status = answer.split(b"\r\n", 1)[0]
        assert status.startswith(b"HTTP/1.1 4"), status
        assert b"Traceback" not in answer
    # The server is unharmed.
    assert _get(server.base + "/healthz")[0] == 200


def test_sigterm_finishes_requests_in_flight_and_exits_cleanly(tiny_model_dir):
    server = Server(tiny_model_dir, "--workers", "1")
    body = json.dumps({"sentences": ["Rain at the match and soup for dinner."] * 50}).encode()
    head = (
        f"POST /v1/tag HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    ).encode()
    with socket.create_connection(("127.0.0.1", server.port), timeout=30) as sock:
        sock.sendall(head + body[:100])  # the request is now in flight
        time.sleep(0.5)
        server.process.send_signal(signal.SIGTERM)
        time.sleep(1.0)
        assert server.process.poll() is None, "the server quit with a request in flight"
        sock.sendall(body[100:])
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 200"), answer[:200]
    assert len(json.loads(answer.split(b"\r\n\r\n", 1)[1])["results"]) == 50
    assert server.stop() == 0
    assert "Traceback" not in server.errors


def test_the_readmes_curl_examples_work_as_written(server):
    """Every curl line of the README's API block, run by the shell against `framing serve`
    (only the port differs), answers JSON; /healthz answers exactly what the README says."""
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    block = readme.split("```sh\ncurl -s http://127.0.0.1:8000/healthz", 1)[1].split("```", 1)[0]
    block = "curl -s http://127.0.0.1:8000/healthz" + block
    commands = [c for c in block.replace("\\\n", " ").splitlines() if c.startswith("curl ")]
    assert len(commands) == 7, commands
    answers = []
    for command in commands:
        command = command.split("  #")[0].replace("127.0.0.1:8000", f"127.0.0.1:{server.port}")
        done = subprocess.run(["bash", "-c", command], capture_output=True, text=True, timeout=30)
        assert done.returncode == 0, (command, done.stderr)
        answers.append(json.loads(done.stdout))
    assert block.split("# ", 1)[1].startswith(json.dumps(answers[0], separators=(",", ":")))
    assert answers[1]["status"] == "ready"
    assert answers[3]["name"] == answers[1]["model"]["name"]  # the card of the model served
    assert [f["threshold"] for f in answers[2]["frames"]] == list(answers[3]["thresholds"].values())
    assert answers[4]["openapi"].startswith("3.")
    assert answers[5]["results"][0]["sentence"].startswith("Russia must withdraw")
    assert [r["start"] for r in answers[6]["results"]] == [0, 27]
    assert all("evidence" in f for r in answers[6]["results"] for f in r["frames"])
