"""In-process cache of expensive results, keyed by the lake's generation and watermark.

A lake commit bumps the manifest's generation, so a cached value is never served for a lake that changed:
the key of every entry starts with ``(lake, generation, watermark)``. The cache is a small LRU per process
(web workers hold no other state); a miss recomputes.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from kundpuls.analytics.rollup import open_lake

T = TypeVar("T")

_LOCK = threading.Lock()
_ENTRIES: OrderedDict[Hashable, Any] = OrderedDict()
MAX_ENTRIES = 256


def lake_key(lake: str | os.PathLike[str]) -> tuple[str, int, int | None]:
    """``(lake, generation, watermark)`` of the lake's current manifest."""
    _, manifest = open_lake(lake)
    return (os.fspath(lake), manifest.generation, manifest.watermark)


def cached(key: Hashable, compute: Callable[[], T]) -> T:
    """The cached value for ``key``, computing (and storing) it on a miss."""
    with _LOCK:
        if key in _ENTRIES:
            _ENTRIES.move_to_end(key)
            found: T = _ENTRIES[key]  # stored by this function for the same key
            return found
    value = compute()
    with _LOCK:
        _ENTRIES[key] = value
        _ENTRIES.move_to_end(key)
        while len(_ENTRIES) > MAX_ENTRIES:
            _ENTRIES.popitem(last=False)
    return value


def clear() -> None:
    """Forget every cached value (tests; after a lake rebuild in the same process)."""
    with _LOCK:
        _ENTRIES.clear()
