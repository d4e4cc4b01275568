"""Real ``kundpuls serve`` processes over the test database and one Redis (the several-servers tests)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from database_url import url_of_test_database as database_url

REPO = Path(__file__).resolve().parents[3]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def status(url: str, **headers: str) -> int:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=30) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


def _ready(port: int) -> bool:
    try:
        return status(f"http://127.0.0.1:{port}/healthz") == 200
    except OSError:
        return False


@contextmanager
def servers(
    data_dirs: list[Path], cache_url: str, env: Mapping[str, str], *, threads: int = 2
) -> Iterator[list[int]]:
    """One ``kundpuls serve`` per data folder (one worker each) on the test database; yields the ports."""
    ports = [free_port() for _ in data_dirs]
    processes = []
    for port, data_dir in zip(ports, data_dirs, strict=True):
        environment = {
            **os.environ,
            "PYTHONPATH": str(REPO / "src"),
            "KUNDPULS_DATABASE_URL": database_url(),
            "KUNDPULS_DATA_DIR": str(data_dir),
            "KUNDPULS_CACHE_URL": cache_url,
            **env,
        }
        environment.pop("DJANGO_SETTINGS_MODULE", None)
        command = [sys.executable, "-m", "kundpuls.cli", "serve", "--port", str(port), "--workers", "1"]
        processes.append(
            subprocess.Popen(
                [*command, "--threads", str(threads)],
                env=environment,
                cwd=REPO,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )
    try:
        deadline = time.monotonic() + 120
        for port, process in zip(ports, processes, strict=True):
            while _ready(port) is False:
                assert process.poll() is None, "the server stopped"
                assert time.monotonic() < deadline, "the servers did not start"
                time.sleep(0.3)
        yield ports
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=30)
