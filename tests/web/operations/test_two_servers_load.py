"""Two ``kundpuls serve`` processes over one database and one Redis, under many respondents at once.

Every respondent answers page by page, each page through the other server than the one before (the state
is signed, so either server takes it up), and sends the last page to both servers at the same moment, as
a double click behind a load balancer would: every response is stored exactly once. One address that
floods both servers gets exactly the shared limit. Then the results cache: the report computed by one
server is served by the other from Redis, even when the other could not read the lake any more.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from kundpuls_servers import REPO, servers, status

from database_url import url_of_test_database as database_url
from respondent_forms import form_answers

STATE = re.compile(r'name="state" value="([^"]+)"')
RESPONDENTS = 30
POSTS = 12  # per address and minute, for both servers together
UNIT = "VOF-HT-N"


def _post(url: str, data: dict[str, Any], address: str, *, html: bool) -> tuple[int, str]:
    body = urllib.parse.urlencode(data, doseq=True).encode()
    headers = {"X-Forwarded-For": address, "Accept": "text/html" if html else "application/json"}
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return int(response.status), response.read().decode()
    except urllib.error.HTTPError as error:
        return int(error.code), error.read().decode()


def _get(url: str, address: str) -> tuple[int, str]:
    request = urllib.request.Request(url, headers={"X-Forwarded-For": address, "Accept": "text/html"})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return int(response.status), response.read().decode()
    except urllib.error.HTTPError as error:
        return int(error.code), error.read().decode()


def _respond(number: int, ports: list[int], path: str, definition: Any) -> list[tuple[int, dict[str, Any]]]:
    """One respondent from an address of their own; returns both answers to the last page."""
    from kundpuls.instruments import first_page_key, next_page_key

    address = f"10.21.{number // 200}.{number % 200 + 1}"
    base = [f"http://127.0.0.1:{port}{path}" for port in ports]
    code, page = _get(base[number % 2], address)
    assert code == 200, (code, page[:300])
    answers: dict[str, Any] = {}
    key = first_page_key(definition, answers)
    step = 0
    while key is not None:
        data = form_answers(definition, key, answers)
        found = STATE.search(page)
        assert found is not None, page[:500]
        shown = {**data, "state": found.group(1), "action": "next"}
        answers.update({k: int(v) if isinstance(v, str) and v.isdigit() else v for k, v in data.items()})
        following = next_page_key(definition, key, answers)
        step += 1
        if following is None:  # the last page: to both servers at the same moment
            return _to_both(base, shown, address)
        code, page = _post(base[(number + step) % 2], shown, address, html=True)
        assert code == 200, (code, page[:300])
        assert 'class="errors"' not in page, page[:2000]
        key = following
    raise AssertionError("the survey has no last page")


def _to_both(urls: list[str], data: dict[str, Any], address: str) -> list[tuple[int, dict[str, Any]]]:
    barrier = threading.Barrier(len(urls))

    def send(url: str) -> tuple[int, str]:
        barrier.wait()
        return _post(url, data, address, html=False)

    with ThreadPoolExecutor(len(urls)) as pool:
        answers = list(pool.map(send, urls))
    return [(code, json.loads(text)) for code, text in answers]


def _kundpuls(env: dict[str, str], *arguments: str) -> str:
    environment = {**os.environ, "PYTHONPATH": str(REPO / "src"), **env}
    environment.pop("DJANGO_SETTINGS_MODULE", None)
    done = subprocess.run(
        [sys.executable, "-m", "kundpuls.cli", *arguments],
        env=environment,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def _results(port: int, token: str) -> dict[str, Any]:
    url = f"http://127.0.0.1:{port}/api/v1/results/nki/units/{UNIT}/"
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(request, timeout=120) as response:
        found: dict[str, Any] = json.loads(response.read().decode())
    return found


@pytest.mark.server
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_two_servers_store_every_response_once_hold_the_limit_and_share_the_results(
    redis_url: str, tmp_path: Path, personas: dict[str, Any]
) -> None:
    import redis

    from kundpuls.web.api.actions import create_token
    from kundpuls.web.org.actors import CLI
    from kundpuls.web.responses.models import Response
    from kundpuls.web.surveys.models import Distribution
    from kundpuls.web.surveys.queries import current_version, definition_of

    distribution = Distribution.objects.get(survey__key="nki", unit__code=UNIT)
    definition = definition_of(current_version(distribution.survey))
    before = set(Response.objects.values_list("submission_id", flat=True))
    lake = tmp_path / "lake"
    env = {
        "KUNDPULS_TRUSTED_PROXIES": "1",
        "KUNDPULS_RATE_LIMIT_POSTS": str(POSTS),
        "KUNDPULS_RATE_LIMIT_GETS": str(POSTS),
        "KUNDPULS_LAKE_DIR": str(lake),
        "KUNDPULS_LAKE_REFRESH_SECONDS": "0",  # the lake changes only when this test syncs it
    }
    with servers([tmp_path / "a", tmp_path / "b"], redis_url, env, threads=4) as ports:
        with ThreadPoolExecutor(10) as pool:
            finals = list(
                pool.map(
                    lambda n: _respond(n, ports, distribution.public_path, definition), range(RESPONDENTS)
                )
            )
        for pair in finals:
            assert sorted(code for code, _ in pair) == [200, 201], pair
            assert [answer["stored"] for _, answer in pair].count(True) == 1, pair
            assert pair[0][1]["receipt"] == pair[1][1]["receipt"], "both servers name the one response"
        stored = Response.objects.exclude(submission_id__in=before)
        assert stored.count() == RESPONDENTS
        assert stored.values("submission_id").distinct().count() == RESPONDENTS
        assert {r.receipt for r in stored} == {pair[0][1]["receipt"] for pair in finals}

        # One address floods both servers at once: exactly the limit gets through, the rest 429.
        for attempt in range(2):  # a run that crosses a minute (the limit's window) is made again
            window = int(time.time() // 60)
            flood = f"10.99.0.{attempt + 1}"
            urls = [f"http://127.0.0.1:{ports[i % 2]}{distribution.public_path}" for i in range(3 * POSTS)]
            with ThreadPoolExecutor(12) as pool:
                codes = list(
                    pool.map(lambda url: _post(url, {"state": "x"}, flood, html=True)[0], urls)  # noqa: B023
                )
            if int(time.time() // 60) == window:
                break
            time.sleep(61 - time.time() % 60)
        assert codes.count(429) == 2 * POSTS, codes
        assert len(codes) - codes.count(429) == POSTS
        assert status(f"http://127.0.0.1:{ports[0]}{distribution.public_path}") == 200, "others still answer"

        # The results cache: server A computes the unit's report, server B serves it from Redis.
        database = {"KUNDPULS_DATABASE_URL": database_url(), "KUNDPULS_DATA_DIR": str(tmp_path / "a")}
        _kundpuls({**database, "KUNDPULS_LAKE_DIR": str(lake), "KUNDPULS_LAKE_SETTLE_SECONDS": "0"}, "sync")
        token = create_token(personas["admin"], "load test", actor=CLI)[1]
        shared = redis.Redis.from_url(redis_url)
        assert not list(shared.scan_iter("kundpuls:results:*"))
        first = _results(ports[0], token)
        assert list(shared.scan_iter("kundpuls:results:*")), "server A stored its results in Redis"
        data_files = list(lake.rglob("*.parquet"))
        assert data_files
        for file in data_files:  # server B cannot read the lake's rows any more: only Redis can answer
            file.rename(file.with_suffix(".hidden"))
        assert _results(ports[1], token) == first
        for file in data_files:
            file.with_suffix(".hidden").rename(file)
