"""The jobs' state for the status page, ``kundpuls jobs status`` and ``/metrics``."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from kundpuls.web.operations.jobs import JOBS, interval_of
from kundpuls.web.operations.models import JobRecord

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from kundpuls.web.org.models import Unit


@dataclass(frozen=True)
class JobStatus:
    name: str
    label: str
    command: str
    interval_seconds: int
    enabled: bool
    last_started_at: datetime | None
    last_finished_at: datetime | None
    last_duration_seconds: float | None
    last_outcome: str
    last_detail: dict[str, Any]
    last_success_at: datetime | None
    last_run_by: str
    runs: int
    failures: int
    running_on: str
    next_due_at: datetime | None

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def _detail(raw: str) -> dict[str, Any]:
    try:
        value = json.loads(raw) if raw else {}
    except ValueError:
        return {"text": raw}
    return value if isinstance(value, dict) else {"value": value}


def job_statuses(now: datetime | None = None) -> list[JobStatus]:
    """Every job in schedule order, with its last run (nothing yet for a job that never ran)."""
    now = now or timezone.now()
    records = {r.name: r for r in JobRecord.objects.filter(name__in=list(JOBS))}
    rows = []
    for name, job in JOBS.items():
        record = records.get(name) or JobRecord(name=name)
        interval = interval_of(name)
        next_due = None
        if interval > 0:
            started = record.last_started_at
            next_due = now if started is None else max(now, started + timedelta(seconds=interval))
        rows.append(
            JobStatus(
                name=name,
                label=str(job.label),
                command=job.command,
                interval_seconds=interval,
                enabled=interval > 0,
                last_started_at=record.last_started_at,
                last_finished_at=record.last_finished_at,
                last_duration_seconds=record.last_duration_seconds,
                last_outcome=record.last_outcome,
                last_detail=_detail(record.last_detail),
                last_success_at=record.last_success_at,
                last_run_by=record.last_run_by,
                runs=record.runs,
                failures=record.failures,
                running_on=record.lease_owner,
                next_due_at=next_due,
            )
        )
    return rows


@dataclass(frozen=True)
class LakeState:
    """How far the lake is behind the database: its last commit and the responses not in it yet."""

    generation: int
    watermark: int | None
    updated_at: datetime | None
    responses_waiting: int
    error: str = ""

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def lake_state(units: QuerySet[Unit] | None = None) -> LakeState:
    """The lake's manifest (generation, high-water mark, last commit) and how many stored responses wait
    (of ``units`` only, when given: another organisation's count would tell how much it receives)."""
    from django.conf import settings

    from kundpuls.analytics.lake.manifest import lake_location, read_manifest
    from kundpuls.errors import KundpulsError
    from kundpuls.web.responses.models import Response

    responses = Response.objects.all() if units is None else Response.objects.filter(unit__in=units)
    try:
        manifest = read_manifest(lake_location(settings.KUNDPULS_LAKE_DIR), missing_ok=True)
    except (KundpulsError, OSError, ValueError) as exc:
        return LakeState(0, None, None, responses.count(), error=type(exc).__name__)
    updated = datetime.fromisoformat(manifest.updated_at) if manifest.updated_at else None
    waiting = responses.filter(pk__gt=manifest.watermark or 0).count()
    return LakeState(manifest.generation, manifest.watermark, updated, waiting)


#: How far back the start page looks for bounced mails and webhook deliveries that gave up.
HEALTH_WINDOW = timedelta(days=7)


@dataclass(frozen=True)
class SystemHealth:
    """What an operator's start page says about the installation (the status page has the details).

    ``late_jobs``: jobs that are on but have not started for two of their intervals (no worker running, or
    one stuck); ``failed_jobs``: jobs whose last run failed; ``bounces`` and ``failed_webhooks`` count the
    last :data:`HEALTH_WINDOW`. ``queue_depth`` is None for an organisation's administrator: the queue
    holds every organisation's mail, and its length would tell how much another one sends.
    """

    lake: LakeState
    failed_jobs: list[JobStatus]
    late_jobs: list[JobStatus]
    queue_depth: int | None
    bounces: int
    failed_webhooks: int

    @property
    def late_job_labels(self) -> str:
        """The late jobs' names, in one line."""
        return ", ".join(job.label for job in self.late_jobs)

    @property
    def attention(self) -> bool:
        """True when something here needs an operator (a failed or late job, mail or webhooks failing)."""
        return bool(self.failed_jobs or self.late_jobs or self.bounces or self.failed_webhooks)


def task_queue_depth() -> int:
    """Background tasks (invitation mails) ready to run."""
    from django_tasks_db.models import DBTaskResult

    return int(DBTaskResult.objects.ready().count())


def system_health(now: datetime | None = None, *, units: QuerySet[Unit] | None = None) -> SystemHealth:
    """The lake's lag, failed and late jobs, the task queue, the last week's bounces and failed webhooks.

    ``units`` (an organisation administrator's units) limits the responses waiting for the lake, the
    bounces and the webhooks to those units and leaves out the mail queue (every organisation's mail:
    its length would tell how much another organisation sends); the jobs serve every organisation alike
    and their outcome says nothing of another's data. None: the whole installation (an operator).
    """
    from kundpuls.web.invitations.models import Invitation
    from kundpuls.web.webhooks.models import DeliveryStatus, WebhookDelivery

    now = now or timezone.now()
    since = now - HEALTH_WINDOW
    jobs = job_statuses(now)
    late = [
        job
        for job in jobs
        if job.enabled
        and (
            job.last_started_at is None
            or now - job.last_started_at > timedelta(seconds=2 * job.interval_seconds)
        )
    ]
    bounces = Invitation.objects.filter(bounced_at__gte=since)
    failed = WebhookDelivery.objects.filter(
        status=DeliveryStatus.FAILED, next_attempt_at__gte=since, webhook__removed_at__isnull=True
    )
    if units is not None:
        bounces = bounces.filter(unit__in=units)
        failed = failed.filter(webhook__unit__in=units)
    return SystemHealth(
        lake=lake_state(units),
        failed_jobs=[job for job in jobs if job.last_outcome == "failed"],
        late_jobs=late,
        queue_depth=task_queue_depth() if units is None else None,
        bounces=bounces.count(),
        failed_webhooks=failed.count(),
    )
