"""The cost of counting requests for ``/metrics``: the same requests with and without the counting middleware.

    python benchmarks/request_metrics.py [--quick] [--json] [--redis redis://127.0.0.1:6379/3]

Each request goes through Django's test client to ``/healthz`` (a database query, no template), in one
process on a temporary SQLite database, without ``RequestMetricsMiddleware`` (the baseline, measured in
the same run, rounds interleaved) and with it: with the default in-process cache, and with Redis when
``--redis`` is given (three ``INCRBY`` in one pipelined round trip over loopback). Prints the time per
request and the ratio to the baseline.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
METRICS = "kundpuls.web.request_metrics.RequestMetricsMiddleware"


def _setup(redis_url: str | None) -> None:
    folder = tempfile.mkdtemp(prefix="kundpuls-bench-metrics-")
    os.environ.update({"KUNDPULS_DATA_DIR": folder, "KUNDPULS_SECRET_KEY": "bench-" + "k" * 50})
    os.environ.pop("KUNDPULS_DATABASE_URL", None)
    if redis_url:
        os.environ["KUNDPULS_CACHE_URL"] = redis_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "kundpuls.web.settings"
    sys.path.insert(0, str(REPO / "src"))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _round(requests: int, *, with_metrics: bool) -> float:
    from django.conf import settings
    from django.test import Client, override_settings

    middleware = [m for m in settings.MIDDLEWARE if m != METRICS]
    if with_metrics:
        middleware = [METRICS, *middleware]
    with override_settings(MIDDLEWARE=middleware, ALLOWED_HOSTS=["testserver"]):
        client = Client()
        started = time.perf_counter()
        for _ in range(requests):
            client.get("/healthz")
        return (time.perf_counter() - started) / requests


def _per_request(requests: int, rounds: int) -> tuple[float, float]:
    """Median time per request without and with the counting, rounds interleaved (same load on both)."""
    without, with_ = [], []
    for _ in range(rounds):
        without.append(_round(requests, with_metrics=False))
        with_.append(_round(requests, with_metrics=True))
    return statistics.median(without), statistics.median(with_)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--redis", default=None, help="also measure with this Redis as the shared cache")
    options = parser.parse_args()
    _setup(options.redis)
    requests, rounds = (300, 5) if options.quick else (2000, 7)
    _per_request(100, 1)  # warm up
    baseline, counted = _per_request(requests, rounds)
    cache = "redis" if options.redis else "in-process"
    result: dict[str, Any] = {
        "requests_per_round": requests,
        "rounds": rounds,
        "baseline_ms": round(baseline * 1000, 4),
        "with_metrics_ms": round(counted * 1000, 4),
        "cache": cache,
        "ratio": round(counted / baseline, 3),
        "added_ms": round((counted - baseline) * 1000, 4),
    }
    if options.json:
        print(json.dumps(result))
    else:
        print(
            f"/healthz through the test client: {result['baseline_ms']} ms without counting, "
            f"{result['with_metrics_ms']} ms with it ({cache} cache): ratio {result['ratio']}, "
            f"+{result['added_ms']} ms a request"
        )


if __name__ == "__main__":
    main()
