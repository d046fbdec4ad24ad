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


def test_sighup_reloads_the_model_without_dropping_requests(two_models):
    current, second = two_models
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    framing = str(Path(sys.executable).with_name("framing"))
    server = subprocess.Popen(
        [framing, "serve", "--port", str(port), "--workers", "2", "--model", str(current)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                if _get(base + "/readyz")[0] == 200:
                    break
            except OSError:
                time.sleep(0.2)
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
        server.send_signal(signal.SIGHUP)
        deadline = time.time() + 30
        while time.time() < deadline and _get(base + "/v1/model")[1].get("name") != "second":
            time.sleep(0.2)
        time.sleep(0.5)
        stop.set()
        worker.join(timeout=10)
        assert _get(base + "/v1/model")[1]["name"] == "second"
        assert statuses and set(statuses) == {200}, sorted(set(statuses))
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    assert server.returncode == 0
