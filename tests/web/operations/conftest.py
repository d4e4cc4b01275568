from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from system_tools import unavailable

REDIS_URL = os.environ.get("KUNDPULS_TEST_REDIS_URL", "redis://127.0.0.1:6379/3")


@pytest.fixture
def redis_url() -> Iterator[str]:
    """The Redis of the several-servers tests, emptied of Kundpuls's keys before and after."""
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
