"""Two ``kundpuls serve`` processes with one ``KUNDPULS_CACHE_URL`` (Redis) share the rate limit exactly."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from database_url import url_of_test_database as database_url
from system_tools import unavailable

REPO = Path(__file__).resolve().parents[3]
REDIS_URL = os.environ.get("KUNDPULS_TEST_REDIS_URL", "redis://127.0.0.1:6379/3")
LIMIT = 7
TOKEN = "shared-metrics-token-" + "s" * 20


@pytest.fixture
def redis_url() -> Iterator[str]:
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.RedisError as exc:
        unavailable(f"no Redis at {REDIS_URL} ({exc}); set KUNDPULS_TEST_REDIS_URL")

    def clear() -> None:
        for key in client.scan_iter("kundpuls:*"):
            client.delete(key)

    clear()
    yield REDIS_URL
    clear()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _serve(port: int, data_dir: Path, cache_url: str) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "PYTHONPATH": str(REPO / "src"),
        "KUNDPULS_DATABASE_URL": database_url(),
        "KUNDPULS_DATA_DIR": str(data_dir),
        "KUNDPULS_CACHE_URL": cache_url,
        "KUNDPULS_RATE_LIMIT_GETS": str(LIMIT),
        "KUNDPULS_METRICS_TOKEN": TOKEN,
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "kundpuls.cli",
            "serve",
            "--port",
            str(port),
            "--workers",
            "1",
            "--threads",
            "2",
        ],
        env=env,
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


@pytest.mark.server
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_two_servers_with_one_redis_hold_the_rate_limit_exactly(redis_url: str, tmp_path: Path) -> None:
    from kundpuls.web.surveys.models import Distribution

    path = Distribution.objects.get(survey__key="nki", unit__code="VOF-HT-N").public_path
    ports = [_free_port(), _free_port()]
    servers = [_serve(port, tmp_path / f"server{i}", redis_url) for i, port in enumerate(ports)]
    try:
        deadline = time.monotonic() + 120
        for port, server in zip(ports, servers, strict=True):
            while _ready(port) is False:
                assert server.poll() is None, "the server stopped"
                assert time.monotonic() < deadline, "the servers did not start"
                time.sleep(0.3)
        for _ in range(2):  # a run that crosses a minute (the limit's window) is made again
            window = int(time.time() // 60)
            statuses = [_status(f"http://127.0.0.1:{ports[i % 2]}{path}") for i in range(3 * LIMIT)]
            if int(time.time() // 60) == window:
                break
            time.sleep(61 - time.time() % 60)
        assert statuses.count(200) == LIMIT, statuses
        assert statuses.count(429) == 2 * LIMIT, "both servers refuse once the shared count is reached"
        assert {s for i, s in enumerate(statuses) if i % 2 == 0} == {200, 429}
        assert {s for i, s in enumerate(statuses) if i % 2 == 1} == {200, 429}
        # /metrics of either server counts the requests of both (the counts live in Redis)
        scrape = urllib.request.Request(
            f"http://127.0.0.1:{ports[1]}/metrics", headers={"Authorization": f"Bearer {TOKEN}"}
        )
        with urllib.request.urlopen(scrape, timeout=10) as response:
            text = response.read().decode()
        counted = {
            line.split(" ")[0]: float(line.split(" ")[1])
            for line in text.splitlines()
            if line.startswith('kundpuls_http_requests_total{group="respondent"')
        }
        assert counted['kundpuls_http_requests_total{group="respondent",status="2xx"}'] >= LIMIT
        assert sum(counted.values()) >= len(statuses)
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait(timeout=30)


def _ready(port: int) -> bool:
    try:
        return _status(f"http://127.0.0.1:{port}/healthz") == 200
    except OSError:
        return False
