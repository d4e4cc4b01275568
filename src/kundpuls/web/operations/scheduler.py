"""The scheduler loop of ``kundpuls worker``: a thread beside the task worker that runs due jobs.

It wakes when the next job is due (at least every ``POLL_SECONDS``, so a job run elsewhere or a changed
record is seen), runs what is due through :func:`~kundpuls.web.operations.actions.run_due_jobs` and sleeps
again. Errors (a database that is briefly away) are logged and retried on the next wake-up; the thread
closes its database connection when it stops.
"""

from __future__ import annotations

import logging
import threading
from datetime import datetime, timedelta

from django.db import close_old_connections, connection
from django.utils import timezone

from kundpuls.web.operations.actions import run_due_jobs
from kundpuls.web.operations.jobs import JOBS, interval_of, is_due
from kundpuls.web.operations.models import JobRecord
from kundpuls.web.org.actors import Actor

log = logging.getLogger(__name__)

POLL_SECONDS = 30.0


def seconds_until_next(now: datetime) -> float:
    """Seconds until the next job is due (0 when one is due now), at most :data:`POLL_SECONDS`."""
    records = {r.name: r for r in JobRecord.objects.filter(name__in=list(JOBS))}
    waits = [POLL_SECONDS]
    for name in JOBS:
        interval, record = interval_of(name), records.get(name)
        if interval <= 0:
            continue
        if is_due(record, interval, now) or record is None or record.last_started_at is None:
            waits.append(0.0)
        else:
            waits.append((record.last_started_at + timedelta(seconds=interval) - now).total_seconds())
    return max(0.0, min(waits))


def run_scheduler(stop: threading.Event, *, actor: Actor) -> None:
    """Run due jobs until ``stop`` is set."""
    rounds = 0
    try:
        while not stop.is_set():
            close_old_connections()
            try:
                run_due_jobs(actor=actor)
                wait = seconds_until_next(timezone.now())
            except Exception:  # the database may be away for a moment: try again on the next wake-up
                log.exception("scheduler: could not run the due jobs")
                wait = POLL_SECONDS
            rounds += 1
            if rounds == 1:
                log.info("scheduler: first round done; next wake-up in %.0f s", max(wait, 1.0))
            stop.wait(max(wait, 1.0))
    finally:
        connection.close()


def start_scheduler(*, actor: Actor) -> tuple[threading.Thread, threading.Event]:
    """Start :func:`run_scheduler` in a daemon thread; set the returned event to stop it."""
    stop = threading.Event()
    thread = threading.Thread(
        target=run_scheduler, args=(stop,), kwargs={"actor": actor}, name="kundpuls-scheduler", daemon=True
    )
    thread.start()
    return thread, stop
