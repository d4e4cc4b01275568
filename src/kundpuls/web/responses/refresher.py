"""Keeps the response lake fresh in the background, so that results pages only read.

Every server worker runs one daemon thread (started by ``kundpuls serve`` after the worker has forked) that
every ``KUNDPULS_LAKE_REFRESH_SECONDS`` syncs the responses stored since the lake's high-water mark
(:func:`kundpuls.web.responses.actions.bring_lake_up_to_date` with no age limit). A sync runs under the
lake's writer lock and does nothing when there is nothing new, so several workers (or a ``kundpuls worker``
running the sync job as well) never write one response twice. A stored response is in the results within
the refresh interval plus the settle time (``KUNDPULS_LAKE_SETTLE_SECONDS``); pages say how fresh the lake
is.
"""

from __future__ import annotations

import logging
import threading

from django.conf import settings
from django.db import close_old_connections

logger = logging.getLogger(__name__)


def refresh_once() -> None:
    """One round: sync what is new; log (never raise) what went wrong."""
    from kundpuls.web.responses.actions import bring_lake_up_to_date

    try:
        bring_lake_up_to_date(max_age_seconds=0)
    except Exception:  # a failed round must not stop the refresher; the next one tries again
        logger.exception("the background lake refresh failed; the next round tries again")


def start_lake_refresher(interval: float | None = None) -> threading.Thread | None:
    """Start the refresher thread (None when the interval is 0: refreshing is then left to the worker)."""
    seconds = float(settings.KUNDPULS_LAKE_REFRESH_SECONDS if interval is None else interval)
    if seconds <= 0:
        return None
    stop = threading.Event()

    def run() -> None:
        while not stop.wait(seconds):
            close_old_connections()
            refresh_once()
            close_old_connections()  # the thread's connection is not kept between rounds

    thread = threading.Thread(target=run, name="kundpuls-lake-refresher", daemon=True)
    thread.start()
    return thread
