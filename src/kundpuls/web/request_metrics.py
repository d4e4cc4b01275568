"""Request counts and latency per route group, for ``/metrics`` (:mod:`kundpuls.web.operations.metrics`).

The counts live in Django's cache: with ``KUNDPULS_CACHE_URL`` (Redis) one count for every server process
and machine, so a scrape through the load balancer sees them all; without it each process counts its own.
Each request adds three atomic increments: its (group, status class) count, its latency bucket and its
latency sum in milliseconds (on Redis in one pipelined round trip). Buckets are stored apart and summed
into Prometheus' cumulative form when read.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from typing import Any

from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache
from django.http import HttpRequest, HttpResponse

GROUPS: tuple[tuple[str, str], ...] = (
    ("/s/", "respondent"),
    ("/i/", "invitation"),
    ("/api/", "api"),
    ("/portal/", "staff"),
    ("/konto/", "accounts"),
    ("/admin/", "admin"),
    ("/static/", "static"),
    ("/healthz", "health"),
    ("/metrics", "metrics"),
)
GROUP_NAMES: tuple[str, ...] = (*(name for _, name in GROUPS), "other")
STATUS_CLASSES = ("2xx", "3xx", "4xx", "5xx")
BUCKETS: tuple[float, ...] = (0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
_PREFIX = "kundpuls:metrics"
_NEVER = None  # cache timeout: the counts live as long as the cache


def route_group(path: str) -> str:
    """The group of a request path (``respondent``, ``staff``, ``api`` …; ``other`` for the rest)."""
    for prefix, name in GROUPS:
        if path.startswith(prefix):
            return name
    return "other"


def _incr(key: str, amount: int = 1) -> None:
    try:
        cache.incr(key, amount)
    except ValueError:  # not there yet: create it (add is atomic: a racing process's add just fails)
        if not cache.add(key, amount, timeout=_NEVER):
            cache.incr(key, amount)


def _redis_client() -> Any:
    """The Redis client behind Django's cache when it is Redis (one pipelined round trip per request)."""
    backend = caches["default"]
    if isinstance(backend, RedisCache):
        return backend._cache.get_client(write=True)
    return None


def record(group: str, status: int, seconds: float) -> None:
    """Count one request of ``group`` answered with ``status`` after ``seconds``."""
    status_class = f"{min(max(status // 100, 2), 5)}xx"
    bucket = next((i for i, bound in enumerate(BUCKETS) if seconds <= bound), len(BUCKETS))
    counts = (
        (f"{_PREFIX}:count:{group}:{status_class}", 1),
        (f"{_PREFIX}:bucket:{group}:{bucket}", 1),
        (f"{_PREFIX}:ms:{group}", round(seconds * 1000)),
    )
    client = _redis_client()
    if client is None:
        for key, amount in counts:
            _incr(key, amount)
        return
    with client.pipeline(transaction=False) as pipeline:  # INCRBY creates a missing key: no add first
        for key, amount in counts:
            pipeline.incrby(cache.make_and_validate_key(key), amount)
        pipeline.execute()


def snapshot() -> dict[str, int]:
    """Every stored count: ``{"count:GROUP:CLASS": n, "bucket:GROUP:I": n, "ms:GROUP": n}`` by kind."""
    keys = [f"{_PREFIX}:count:{g}:{c}" for g in GROUP_NAMES for c in STATUS_CLASSES]
    keys += [f"{_PREFIX}:bucket:{g}:{i}" for g in GROUP_NAMES for i in range(len(BUCKETS) + 1)]
    keys += [f"{_PREFIX}:ms:{g}" for g in GROUP_NAMES]
    found = cache.get_many(keys)
    return {key.removeprefix(_PREFIX + ":"): int(value) for key, value in found.items()}


class RequestMetricsMiddleware:
    """Times every request and counts it under its route group (first in the middleware list)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        # a cache that is away must not fail the request it measures
        with contextlib.suppress(Exception):
            record(route_group(request.path), response.status_code, time.perf_counter() - started)
        return response
