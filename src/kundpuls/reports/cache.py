"""Cache of expensive results, keyed by the lake's generation and watermark.

A lake commit bumps the manifest's generation, so a cached value is never served for a lake that changed:
the key of every entry starts with ``(lake, generation, watermark)``. Each process keeps a small LRU; with
``KUNDPULS_CACHE_URL`` (Redis) a value is also shared with every other process and machine: a miss in the
LRU asks Redis, and a value computed here is stored there (pickled, for :data:`SHARED_SECONDS`), so two
servers over one lake compute a result once. Only keys that mean the same in every process are shared
(strings, numbers, dates, tuples and frozen dataclasses of them; ``shared=False`` for a key holding an
object's ``id``); a value that does not pickle, or is larger than :data:`SHARED_MAX_BYTES`, stays in the
process. Redis being away never fails a page: the value is computed as without it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import hashlib
import logging
import os
import pickle
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from kundpuls.analytics.rollup import open_lake
from kundpuls.config import cache_url, release_version

T = TypeVar("T")

_LOCK = threading.Lock()
_ENTRIES: OrderedDict[Hashable, Any] = OrderedDict()
MAX_ENTRIES = 256
SHARED_PREFIX = "kundpuls:results:"
SHARED_SECONDS = 6 * 3600  # a newer lake generation makes an entry unreachable long before this
SHARED_MAX_BYTES = 64 * 1024 * 1024
_CLIENTS: dict[str, Any] = {}
log = logging.getLogger(__name__)


def lake_key(lake: str | os.PathLike[str]) -> tuple[str, int, int | None]:
    """``(lake, generation, watermark)`` of the lake's current manifest."""
    _, manifest = open_lake(lake)
    return (os.fspath(lake), manifest.generation, manifest.watermark)


def cached(key: Hashable, compute: Callable[[], T], *, shared: bool = True) -> T:
    """The cached value for ``key``, computing (and storing) it on a miss.

    ``shared``: the value may come from, and goes to, the cache every process shares (when one is set).
    """
    with _LOCK:
        if key in _ENTRIES:
            _ENTRIES.move_to_end(key)
            found: T = _ENTRIES[key]  # stored by this function for the same key
            return found
    name = _shared_name(key) if shared else None
    client = _client() if name else None
    value: T
    stored = _fetch(client, name) if client is not None and name else None
    if stored is not None:
        value = stored[0]
    else:
        value = compute()
        if client is not None and name:
            _store(client, name, value)
    _remember(key, value)
    return value


def clear() -> None:
    """Forget every cached value, in this process and in the shared cache (after an erasure; tests)."""
    with _LOCK:
        _ENTRIES.clear()
    client = _client()
    if client is None:
        return
    try:
        names = list(client.scan_iter(match=SHARED_PREFIX + "*", count=1000))
        for start in range(0, len(names), 500):
            client.delete(*names[start : start + 500])
    except Exception as exc:
        log.warning("results cache: could not empty the shared cache (%s)", type(exc).__name__)


def _remember(key: Hashable, value: Any) -> None:
    with _LOCK:
        _ENTRIES[key] = value
        _ENTRIES.move_to_end(key)
        while len(_ENTRIES) > MAX_ENTRIES:
            _ENTRIES.popitem(last=False)


def _client() -> Any:
    """The Redis client for ``KUNDPULS_CACHE_URL`` (one per process and address), or None without one."""
    url = cache_url(os.environ)
    if url is None:
        return None
    with _LOCK:
        client = _CLIENTS.get(url)
        if client is None:
            import redis

            client = redis.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=2)
            _CLIENTS[url] = client
    return client


def _fetch(client: Any, name: str) -> tuple[Any] | None:
    try:
        raw = client.get(name)
        if raw is None:
            return None
        return (pickle.loads(raw),)
    except Exception as exc:
        log.warning("results cache: shared entry not read (%s)", type(exc).__name__)
        return None


def _store(client: Any, name: str, value: Any) -> None:
    try:
        raw = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:
        return
    if len(raw) > SHARED_MAX_BYTES:
        return
    try:
        client.set(name, raw, ex=SHARED_SECONDS)
    except Exception as exc:
        log.warning("results cache: shared entry not stored (%s)", type(exc).__name__)


def _shared_name(key: Hashable) -> str | None:
    """The Redis key for ``key``, or None when ``key`` may mean something else in another process."""
    text = _canonical(key)
    if text is None:
        return None
    # the release is part of the name: another release's classes may not read this one's values
    return SHARED_PREFIX + hashlib.sha256(f"{_release()}|{text}".encode()).hexdigest()


@functools.cache
def _release() -> str:
    return release_version()


def _canonical(value: Any) -> str | None:
    """A text that is the same for equal keys in every process (no ``hash()``, no set order), or None."""
    if value is None or isinstance(value, bool | int | float | str):
        return f"{type(value).__name__}:{value!r}"
    if isinstance(value, dt.date | dt.datetime | dt.time):
        return f"{type(value).__name__}:{value.isoformat()}"
    if isinstance(value, tuple | list):
        parts = [_canonical(item) for item in value]
        return None if None in parts else "(" + ",".join(p for p in parts if p is not None) + ")"
    if isinstance(value, frozenset):
        items = [_canonical(item) for item in value]
        return None if None in items else "{" + ",".join(sorted(p for p in items if p is not None)) + "}"
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        params = getattr(type(value), "__dataclass_params__", None)
        if params is None or not params.frozen:
            return None
        fields = _canonical(tuple(getattr(value, f.name) for f in dataclasses.fields(value)))
        return None if fields is None else f"{type(value).__module__}.{type(value).__qualname__}{fields}"
    return None
