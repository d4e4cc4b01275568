"""Running a scheduled job under its lock, and recording the run (``JobRecord``)."""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from kundpuls.errors import InvalidArgument
from kundpuls.web.operations.jobs import JOBS, JobSkipped, interval_of, is_due
from kundpuls.web.operations.locks import job_lock
from kundpuls.web.operations.models import JobOutcome, JobRecord
from kundpuls.web.org.actors import Actor, actor_label
from kundpuls.web.org.permissions import Capability, require

log = logging.getLogger(__name__)

BUSY = "busy"
NOT_DUE = "not_due"


@dataclass(frozen=True)
class JobResult:
    """What asking for one job did: ``outcome`` is ok, failed, skipped, busy (another runs it) or not_due."""

    name: str
    outcome: str
    duration_seconds: float = 0.0
    detail: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "outcome": self.outcome,
            "duration_seconds": round(self.duration_seconds, 3),
            "detail": self.detail,
        }


def run_job(name: str, *, actor: Actor, now: datetime | None = None, only_if_due: bool = False) -> JobResult:
    """Run job ``name`` now under its lock (``only_if_due``: only when its schedule says so) and record it.

    When another process holds the lock the answer is ``busy`` and nothing runs. The schedule is checked
    again once the lock is held, so a worker that saw the job due just before another finished it does not
    run it a second time. A failing job is recorded as ``failed`` (its error's type and message) and does
    not raise. Operators and superusers only: the jobs span every unit.
    """
    require(actor, Capability.ADMINISTER, None)
    job = JOBS.get(name)
    if job is None:
        known = ", ".join(JOBS)
        raise InvalidArgument(
            _("job: %(value)r is not a job (known: %(known)s)") % {"value": name, "known": known},
            field="job",
            value=name,
        )
    now = now or timezone.now()
    with job_lock(name, now=now) as held:
        if not held:
            log.debug("job %s: busy (another process runs it)", name)
            return JobResult(name, BUSY)
        record = JobRecord.objects.get(name=name)
        if only_if_due and not is_due(record, interval_of(name), now):
            log.debug("job %s: not due", name)
            return JobResult(name, NOT_DUE)
        JobRecord.objects.filter(name=name).update(last_started_at=now, last_run_by=actor_label(actor)[:200])
        started = time.monotonic()
        detail: dict[str, Any]
        try:
            detail = job.run(actor)
            outcome = JobOutcome.OK
        except JobSkipped as exc:
            detail, outcome = {"reason": str(exc)}, JobOutcome.SKIPPED
        except Exception as exc:  # a failing job is recorded, and the worker goes on with the others
            log.exception("job %s failed", name)
            detail, outcome = {"error": f"{type(exc).__name__}: {exc}"[:400]}, JobOutcome.FAILED
        duration = time.monotonic() - started
        finished = now + timedelta(seconds=duration)
        changes: dict[str, Any] = {
            "last_finished_at": finished,
            "last_duration_seconds": duration,
            "last_outcome": outcome,
            "last_detail": json.dumps(detail, ensure_ascii=False, default=str)[:500],
            "runs": F("runs") + 1,
        }
        if outcome == JobOutcome.OK:
            changes["last_success_at"] = finished
        if outcome == JobOutcome.FAILED:
            changes["failures"] = F("failures") + 1
        JobRecord.objects.filter(name=name).update(**changes)
    log.info("job %s: %s in %.2f s", name, outcome, duration)
    return JobResult(name, str(outcome), duration, detail)


def run_due_jobs(*, actor: Actor, now: datetime | None = None) -> list[JobResult]:
    """Run every job whose schedule says it is due (one scheduler tick); the others are left alone."""
    require(actor, Capability.ADMINISTER, None)
    now = now or timezone.now()
    records = {r.name: r for r in JobRecord.objects.filter(name__in=list(JOBS))}
    results = []
    for name in JOBS:
        if is_due(records.get(name), interval_of(name), now):
            results.append(run_job(name, actor=actor, now=now, only_if_due=True))
    return results
