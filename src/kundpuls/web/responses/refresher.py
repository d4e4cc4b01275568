"""Keeps the response lake fresh in the background, so that results pages only read.

Every server worker runs one daemon thread (started by ``kundpuls serve`` after the worker has forked) that
every ``KUNDPULS_LAKE_REFRESH_SECONDS`` syncs the responses stored since the lake's high-water mark
(:func:`kundpuls.web.responses.actions.bring_lake_up_to_date` with no age limit). A sync runs under the
lake's writer lock and does nothing when there is nothing new, so several workers (or a ``kundpuls worker``
running the sync job as well) never write one response twice. A stored response is in the results within
the refresh interval plus the settle time (``KUNDPULS_LAKE_SETTLE_SECONDS``); pages say how fresh the lake
is.

``after_change`` (the server passes :func:`kundpuls.web.dashboards.warming.warm_results`) runs once when the
thread starts and after every round that changed the lake, so the first results page after a sync reads
what is already computed instead of computing every index frame itself.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from django.conf import settings
from django.db import close_old_connections

from kundpuls.analytics.lake.manifest import lake_location, read_manifest

logger = logging.getLogger(__name__)

AfterChange = Callable[[], object]


def lake_generation() -> int:
    """The lake's generation now (that of an empty lake without one): a commit changes it."""
    return read_manifest(lake_location(str(settings.KUNDPULS_LAKE_DIR)), missing_ok=True).generation


def refresh_once(after_change: AfterChange | None = None, *, force: bool = False) -> None:
    """One round: sync what is new, then ``after_change`` if the lake changed (or ``force``); log (never
    raise) what went wrong."""
    from kundpuls.web.responses.actions import bring_lake_up_to_date

    try:
        before = lake_generation()
        bring_lake_up_to_date(max_age_seconds=0)
        changed = lake_generation() != before
    except Exception:  # a failed round must not stop the refresher; the next one tries again
        logger.exception("the background lake refresh failed; the next round tries again")
        return
    if after_change is None or not (changed or force):
        return
    try:
        after_change()
    except Exception:
        logger.exception("the step after the lake refresh failed; pages compute on demand")


def start_lake_refresher(
    interval: float | None = None, *, after_change: AfterChange | None = None
) -> threading.Thread | None:
    """Start the refresher thread (None when the interval is 0: refreshing is then left to the worker)."""
    seconds = float(settings.KUNDPULS_LAKE_REFRESH_SECONDS if interval is None else interval)
    if seconds <= 0:
        return None
    stop = threading.Event()

    def run() -> None:
        force = True  # the first round warms what the pages read, whether or not the lake changed
        while True:
            close_old_connections()
            refresh_once(after_change, force=force)
            close_old_connections()  # the thread's connection is not kept between rounds
            force = False
            if stop.wait(seconds):
                return

    thread = threading.Thread(target=run, name="kundpuls-lake-refresher", daemon=True)
    thread.start()
    return thread
