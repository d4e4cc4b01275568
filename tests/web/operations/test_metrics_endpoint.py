"""``/metrics``: the Prometheus text format behind a token; requests, jobs, the lake's lag, the queue."""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from kundpuls.web.operations.actions import run_job
from kundpuls.web.operations.models import JobRecord
from kundpuls.web.org.actors import WORKER
from kundpuls.web.responses.actions import submit_response
from kundpuls.web.surveys.models import Distribution
from kundpuls.web.surveys.queries import current_version

TOKEN = "metrics-token-" + "m" * 20
SAMPLE = re.compile(r'^[a-z_]+(\{[a-z_]+="[^"\\]*"(,[a-z_]+="[^"\\]*")*\})? -?[0-9.e+-]+$')


def _samples(text: str) -> dict[str, float]:
    found = {}
    for line in text.splitlines():
        if line.startswith("#"):
            assert re.match(r"^# (HELP|TYPE) kundpuls_[a-z_]+ .+$", line), line
            continue
        assert SAMPLE.match(line), f"not in the text format: {line!r}"
        name, value = line.rsplit(" ", 1)
        found[name] = float(value)
    return found


def _submit(n: int) -> None:
    distribution = Distribution.objects.get(survey__key="nki", unit__code="VOF-HT-N")
    version = current_version(distribution.survey)
    assert version is not None
    for _ in range(n):
        answers = {"tjanst": "socialtjanst", "nki_helhet": 8, "nki_forvantan": 7}
        submit_response(
            version=version, distribution=distribution, submission_id=uuid.uuid4(), answers=answers
        )


@pytest.mark.django_db
def test_metrics_are_off_without_a_token_and_refused_without_the_right_one(settings: Any) -> None:
    settings.KUNDPULS_METRICS_TOKEN = None
    assert Client().get("/metrics").status_code == 404
    settings.KUNDPULS_METRICS_TOKEN = TOKEN
    assert Client().get("/metrics").status_code == 401
    assert Client(HTTP_AUTHORIZATION="Bearer " + "x" * 34).get("/metrics").status_code == 401
    assert Client(HTTP_AUTHORIZATION=f"Basic {TOKEN}").get("/metrics").status_code == 401
    assert Client(HTTP_AUTHORIZATION=f"Bearer {TOKEN}").post("/metrics").status_code == 405


@pytest.mark.django_db
def test_metrics_count_requests_per_group_and_show_jobs_the_lake_and_the_queue(settings: Any) -> None:
    settings.KUNDPULS_METRICS_TOKEN = TOKEN
    settings.SCHEDULED_JOB_SECONDS = {"sync": 300, "overdue": 0}
    cache.clear()
    client = Client()
    for _ in range(3):
        assert client.get("/healthz").status_code == 200
    assert client.get("/s/no-such-link/").status_code == 404
    _submit(4)
    run_job("sync", actor=WORKER)
    _submit(2)  # stored after the sync: the lake's lag
    scrape = Client(HTTP_AUTHORIZATION=f"Bearer {TOKEN}").get("/metrics")
    assert scrape.status_code == 200 and scrape["Content-Type"].startswith("text/plain; version=0.0.4")
    samples = _samples(scrape.content.decode())
    assert samples['kundpuls_http_requests_total{group="health",status="2xx"}'] == 3
    assert samples['kundpuls_http_requests_total{group="respondent",status="4xx"}'] == 1
    assert samples['kundpuls_http_request_duration_seconds_count{group="health"}'] == 3
    assert samples['kundpuls_http_request_duration_seconds_bucket{group="health",le="+Inf"}'] == 3
    record = JobRecord.objects.get(name="sync")
    assert record.last_success_at is not None
    stamp = samples['kundpuls_job_last_success_timestamp_seconds{job="sync"}']
    assert stamp == pytest.approx(record.last_success_at.timestamp())
    assert samples['kundpuls_job_last_outcome{job="sync",outcome="ok"}'] == 1
    assert samples['kundpuls_job_enabled{job="overdue"}'] == 0
    assert samples["kundpuls_lake_responses_waiting"] == 2
    assert samples["kundpuls_responses_stored"] == 6
    assert samples["kundpuls_lake_age_seconds"] >= 0
    assert samples["kundpuls_task_queue_depth"] == 0 and samples["kundpuls_mail_bounces"] == 0
