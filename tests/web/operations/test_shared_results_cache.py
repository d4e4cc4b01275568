"""With ``KUNDPULS_CACHE_URL`` the results cache is shared: a value one process computed, another reads.

Each step runs in a process of its own (with a different ``PYTHONHASHSEED``, so a key must not depend on
``hash()`` or a set's order), over a real Redis.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
STEP = """
import json, sys, datetime
from kundpuls.reports import cache
key = ("/lake", 7, 123, "frame", frozenset({"a", "b", "c", "d"}), datetime.date(2026, 3, 1), sys.argv[1])
def compute():
    if sys.argv[2] == "refuse":
        raise SystemExit("computed")
    return {"computed_by": sys.argv[2]}
if sys.argv[3] == "local":
    print(json.dumps(cache.cached(key, compute, shared=False)))
elif sys.argv[3] == "clear":
    cache.clear()
    print("cleared")
else:
    print(json.dumps(cache.cached(key, compute)))
"""


def _step(cache_url: str, seed: int, key: str, compute: str, mode: str = "shared") -> tuple[int, str]:
    env = {**os.environ, "PYTHONPATH": str(REPO / "src"), "PYTHONHASHSEED": str(seed)}
    env["KUNDPULS_CACHE_URL"] = cache_url
    done = subprocess.run(
        [sys.executable, "-c", STEP, key, compute, mode],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    return done.returncode, (done.stdout or done.stderr).strip().splitlines()[-1]


@pytest.mark.server
def test_a_value_computed_by_one_process_is_read_by_another(redis_url: str) -> None:
    import redis

    assert _step(redis_url, 1, "k1", "first") == (0, json.dumps({"computed_by": "first"}))
    # another process, another hash seed: the same key names the same entry; it computes nothing
    assert _step(redis_url, 2, "k1", "refuse") == (0, json.dumps({"computed_by": "first"}))
    # a different key is not served the first one's value
    assert _step(redis_url, 3, "k2", "refuse") == (1, "computed")
    # a value kept in its process only (shared=False) is not in Redis for the next one
    assert _step(redis_url, 1, "k3", "own", "local") == (0, json.dumps({"computed_by": "own"}))
    assert _step(redis_url, 2, "k3", "refuse") == (1, "computed")
    client = redis.Redis.from_url(redis_url)
    assert len(list(client.scan_iter("kundpuls:results:*"))) == 1
    # emptying the cache (as an erasure does) empties it for every process
    assert _step(redis_url, 1, "k1", "refuse", "clear") == (0, "cleared")
    assert list(client.scan_iter("kundpuls:results:*")) == []
    assert _step(redis_url, 2, "k1", "refuse") == (1, "computed")


def test_without_redis_the_value_is_computed_and_nothing_fails() -> None:
    # nothing listens on port 1: every page still gets its results, computed in its own process
    assert _step("redis://127.0.0.1:1/0", 1, "k1", "here") == (0, json.dumps({"computed_by": "here"}))


def test_keys_that_mean_something_else_in_another_process_are_not_shared() -> None:
    from kundpuls.reports.cache import _shared_name

    class Loose:
        pass

    assert _shared_name(("/lake", 1, None, "x", Loose())) is None
    assert _shared_name(("/lake", 1, None, "x", {"a": 1})) is None  # a dict is not a key
    assert _shared_name(("/lake", 1, None, "x")) != _shared_name(("/lake", 2, None, "x"))  # generation
    assert _shared_name(("/lake", 1, None, "1")) != _shared_name(("/lake", 1, None, 1))  # types count
