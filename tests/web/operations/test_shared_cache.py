"""Two ``kundpuls serve`` processes with one ``KUNDPULS_CACHE_URL`` (Redis) share the rate limit exactly."""

from __future__ import annotations

import time
import urllib.request
from pathlib import Path

import pytest
from kundpuls_servers import servers, status

LIMIT = 7
TOKEN = "shared-metrics-token-" + "s" * 20


@pytest.mark.server
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_two_servers_with_one_redis_hold_the_rate_limit_exactly(redis_url: str, tmp_path: Path) -> None:
    from kundpuls.web.surveys.models import Distribution

    path = Distribution.objects.get(survey__key="nki", unit__code="VOF-HT-N").public_path
    env = {"KUNDPULS_RATE_LIMIT_GETS": str(LIMIT), "KUNDPULS_METRICS_TOKEN": TOKEN}
    with servers([tmp_path / "server0", tmp_path / "server1"], redis_url, env) as ports:
        for _ in range(2):  # a run that crosses a minute (the limit's window) is made again
            window = int(time.time() // 60)
            statuses = [status(f"http://127.0.0.1:{ports[i % 2]}{path}") for i in range(3 * LIMIT)]
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
