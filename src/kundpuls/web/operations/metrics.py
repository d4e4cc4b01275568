"""``/metrics``: the installation in the Prometheus text format (version 0.0.4), for the tools IT runs.

Written by hand rather than with ``prometheus-client``: every value is read at scrape time from where it
already lives — the database (responses, queue, jobs, bounces), the lake's manifest and the shared cache
(:mod:`kundpuls.web.request_metrics`) — so a process-local registry (and its multiprocess mode under
gunicorn) would add a dependency and nothing else.

Protected by ``KUNDPULS_METRICS_TOKEN``: without it the route answers 404 (metrics are off); with it a
scrape must send ``Authorization: Bearer <token>``, else 401. No value names a person or a unit.
"""

from __future__ import annotations

import hmac
from collections.abc import Iterable
from datetime import datetime

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from kundpuls.web import request_metrics
from kundpuls.web.operations.models import JobOutcome
from kundpuls.web.operations.queries import job_statuses, lake_state, task_queue_depth

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def _labels(labels: dict[str, str]) -> str:
    if not labels:
        return ""
    return "{" + ",".join(f'{k}="{_escape(v)}"' for k, v in labels.items()) + "}"


def _number(value: float | int) -> str:
    return repr(float(value)) if isinstance(value, float) else str(value)


class Exposition:
    """Collects metric families and writes them in the text format."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def family(
        self, name: str, kind: str, help_text: str, samples: Iterable[tuple[dict[str, str], float | int]]
    ) -> None:
        self.lines.append(f"# HELP {name} {help_text}")
        self.lines.append(f"# TYPE {name} {kind}")
        for labels, value in samples:
            self.lines.append(f"{name}{_labels(labels)} {_number(value)}")

    def text(self) -> str:
        return "\n".join(self.lines) + "\n"


def _timestamp(moment: datetime | None) -> float | None:
    return moment.timestamp() if moment is not None else None


def _requests(out: Exposition) -> None:
    counts = request_metrics.snapshot()
    groups = request_metrics.GROUP_NAMES
    out.family(
        "kundpuls_http_requests_total",
        "counter",
        "HTTP requests answered, per route group and status class.",
        (
            ({"group": g, "status": c}, counts.get(f"count:{g}:{c}", 0))
            for g in groups
            for c in request_metrics.STATUS_CLASSES
        ),
    )
    histogram: list[tuple[dict[str, str], float | int]] = []
    bounds = [*(repr(b) for b in request_metrics.BUCKETS), "+Inf"]
    sums: list[tuple[dict[str, str], float | int]] = []
    totals: list[tuple[dict[str, str], float | int]] = []
    for g in groups:
        running = 0
        for i, bound in enumerate(bounds):
            running += counts.get(f"bucket:{g}:{i}", 0)
            histogram.append(({"group": g, "le": bound}, running))
        sums.append(({"group": g}, counts.get(f"ms:{g}", 0) / 1000))
        totals.append(({"group": g}, running))
    name = "kundpuls_http_request_duration_seconds"
    out.lines.append(f"# HELP {name} Time to answer an HTTP request, per route group.")
    out.lines.append(f"# TYPE {name} histogram")
    out.lines += [f"{name}_bucket{_labels(labels)} {value}" for labels, value in histogram]
    out.lines += [f"{name}_sum{_labels(labels)} {_number(value)}" for labels, value in sums]
    out.lines += [f"{name}_count{_labels(labels)} {value}" for labels, value in totals]


def _jobs(out: Exposition, now: datetime) -> None:
    jobs = job_statuses(now)
    out.family(
        "kundpuls_job_enabled",
        "gauge",
        "1 when the scheduled job is on.",
        (({"job": j.name}, int(j.enabled)) for j in jobs),
    )
    out.family(
        "kundpuls_job_interval_seconds",
        "gauge",
        "Seconds between runs of the job.",
        (({"job": j.name}, j.interval_seconds) for j in jobs),
    )
    for field, name, help_text in (
        ("last_started_at", "kundpuls_job_last_run_timestamp_seconds", "When the job's last run started."),
        ("last_success_at", "kundpuls_job_last_success_timestamp_seconds", "When the job last succeeded."),
    ):
        samples = [({"job": j.name}, _timestamp(getattr(j, field))) for j in jobs]
        out.family(name, "gauge", help_text, ((labels, v) for labels, v in samples if v is not None))
    out.family(
        "kundpuls_job_last_duration_seconds",
        "gauge",
        "How long the job's last run took.",
        (({"job": j.name}, j.last_duration_seconds) for j in jobs if j.last_duration_seconds is not None),
    )
    out.family(
        "kundpuls_job_last_outcome",
        "gauge",
        "1 for the outcome of the job's last run (ok, failed, skipped).",
        (
            ({"job": j.name, "outcome": str(o)}, int(j.last_outcome == o))
            for j in jobs
            if j.last_outcome
            for o in JobOutcome.values
        ),
    )
    out.family(
        "kundpuls_job_runs_total", "counter", "Runs of the job.", (({"job": j.name}, j.runs) for j in jobs)
    )
    out.family(
        "kundpuls_job_failures_total",
        "counter",
        "Failed runs of the job.",
        (({"job": j.name}, j.failures) for j in jobs),
    )


def _data(out: Exposition, now: datetime) -> None:
    from kundpuls.web.invitations.models import Invitation
    from kundpuls.web.responses.models import Response

    lake = lake_state()
    out.family(
        "kundpuls_responses_stored", "gauge", "Responses in the database.", [({}, Response.objects.count())]
    )
    out.family(
        "kundpuls_lake_responses_waiting",
        "gauge",
        "Stored responses not yet in the lake (the lake's lag).",
        [({}, lake.responses_waiting)],
    )
    out.family("kundpuls_lake_generation", "gauge", "The lake's commit generation.", [({}, lake.generation)])
    if lake.updated_at is not None:
        out.family(
            "kundpuls_lake_last_commit_timestamp_seconds",
            "gauge",
            "When the lake last committed.",
            [({}, lake.updated_at.timestamp())],
        )
        out.family(
            "kundpuls_lake_age_seconds",
            "gauge",
            "Seconds since the lake last committed.",
            [({}, max(0.0, (now - lake.updated_at).total_seconds()))],
        )
    out.family(
        "kundpuls_task_queue_depth",
        "gauge",
        "Background tasks (invitation mails) ready to run.",
        [({}, task_queue_depth())],
    )
    out.family(
        "kundpuls_mail_bounces",
        "gauge",
        "Invitations whose mail bounced.",
        [({}, Invitation.objects.filter(bounced_at__isnull=False).count())],
    )


def exposition(now: datetime | None = None) -> str:
    """Every metric, in the Prometheus text format."""
    now = now or timezone.now()
    out = Exposition()
    _requests(out)
    _jobs(out, now)
    _data(out, now)
    return out.text()


def _authorised(request: HttpRequest, token: str) -> bool:
    header = request.headers.get("Authorization", "")
    scheme, _, given = header.partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), token.encode())


@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    token = settings.KUNDPULS_METRICS_TOKEN
    if not token:
        raise Http404("metrics are off (KUNDPULS_METRICS_TOKEN is not set)")
    if not _authorised(request, token):
        response = HttpResponse("unauthorised\n", status=401, content_type="text/plain; charset=utf-8")
        response.headers["WWW-Authenticate"] = 'Bearer realm="kundpuls metrics"'
        return response
    return HttpResponse(exposition(), content_type=CONTENT_TYPE)
