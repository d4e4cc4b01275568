"""The scheduled jobs: on time under a fake clock, one runner at a time, rerun after a kill, recorded."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from database_url import url_of_test_database as database_url
from kundpuls.analytics.lake.manifest import lake_location, read_manifest
from kundpuls.errors import InvalidArgument, PermissionDenied
from kundpuls.web.operations.actions import BUSY, NOT_DUE, run_due_jobs, run_job
from kundpuls.web.operations.models import JobRecord
from kundpuls.web.operations.queries import job_statuses
from kundpuls.web.org.actors import CLI, RESPONDENT, WORKER
from kundpuls.web.responses.actions import submit_response
from kundpuls.web.responses.models import Response
from kundpuls.web.surveys.models import Distribution
from kundpuls.web.surveys.queries import current_version

REPO = Path(__file__).resolve().parents[3]
T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
EVERY = {"sync": 300, "bounces": 900, "overdue": 3600, "invitation-retention": 86400, "case-contacts": 0}


def _submit(n: int) -> None:
    distribution = Distribution.objects.get(survey__key="nki", unit__code="VOF-HT-N")
    version = current_version(distribution.survey)
    assert version is not None
    for _ in range(n):
        answers = {"tjanst": "socialtjanst", "nki_helhet": 8, "nki_forvantan": 7, "nki_ideal": 6}
        submit_response(
            version=version, distribution=distribution, submission_id=uuid.uuid4(), answers=answers
        )


def _runs() -> dict[str, int]:
    return dict(JobRecord.objects.values_list("name", "runs"))


@pytest.mark.django_db
def test_each_job_runs_on_its_schedule_under_a_fake_clock(settings: Any) -> None:
    settings.SCHEDULED_JOB_SECONDS = EVERY
    ran = {r.name for r in run_due_jobs(actor=WORKER, now=T0)}
    assert ran == {"sync", "bounces", "overdue", "invitation-retention"}, "case-contacts is off"
    assert run_due_jobs(actor=WORKER, now=T0 + timedelta(seconds=299)) == []
    assert [r.name for r in run_due_jobs(actor=WORKER, now=T0 + timedelta(seconds=300))] == ["sync"]
    assert [r.name for r in run_due_jobs(actor=WORKER, now=T0 + timedelta(seconds=900))] == [
        "sync",
        "bounces",
    ]
    assert [r.name for r in run_due_jobs(actor=WORKER, now=T0 + timedelta(seconds=1000))] == []
    hour = {r.name for r in run_due_jobs(actor=WORKER, now=T0 + timedelta(seconds=3600))}
    assert hour == {"sync", "bounces", "overdue"}
    assert _runs() == {"sync": 4, "bounces": 3, "overdue": 2, "invitation-retention": 1}
    sync = JobRecord.objects.get(name="sync")
    assert sync.last_started_at == T0 + timedelta(seconds=3600)
    assert sync.last_outcome == "ok" and sync.last_success_at is not None and sync.last_run_by == "worker"
    bounces = JobRecord.objects.get(name="bounces")
    assert bounces.last_outcome == "skipped" and "KUNDPULS_BOUNCE_MAILDIR" in bounces.last_detail
    rows = {row.name: row for row in job_statuses(now=T0 + timedelta(seconds=3601))}
    assert rows["sync"].next_due_at == T0 + timedelta(seconds=3900)
    assert rows["case-contacts"].enabled is False and rows["case-contacts"].next_due_at is None


@pytest.mark.django_db
def test_a_job_run_now_counts_its_work_and_only_operators_and_superusers_may(settings: Any) -> None:
    settings.SCHEDULED_JOB_SECONDS = EVERY
    _submit(3)
    result = run_job("sync", actor=CLI, now=T0)
    assert result.outcome == "ok" and result.detail["responses"] == 3
    assert run_job("sync", actor=CLI, now=T0, only_if_due=True).outcome == NOT_DUE
    assert run_job("sync", actor=CLI, now=T0).detail["responses"] == 0, "idempotent: nothing new"
    with pytest.raises(InvalidArgument, match="job: 'nightly' är inget jobb"):  # Swedish unless set
        run_job("nightly", actor=CLI)
    with pytest.raises(PermissionDenied):
        run_job("sync", actor=RESPONDENT)


@pytest.mark.django_db
def test_a_failing_job_is_recorded_and_the_others_still_run(settings: Any, tmp_path: Path) -> None:
    settings.SCHEDULED_JOB_SECONDS = EVERY
    settings.KUNDPULS_BOUNCE_MAILDIR = tmp_path / "not-a-maildir"
    results = {r.name: r.outcome for r in run_due_jobs(actor=WORKER, now=T0)}
    assert results == {"sync": "ok", "bounces": "failed", "overdue": "ok", "invitation-retention": "ok"}
    record = JobRecord.objects.get(name="bounces")
    assert record.failures == 1 and record.last_success_at is None
    assert "is not a Maildir" in record.last_detail


def _hold_lock_in_another_process() -> subprocess.Popen[str]:
    """A real process that takes the sync job's lock and keeps it until it is killed."""
    code = (
        "import django, sys, time\n"
        "django.setup()\n"
        "from django.utils import timezone\n"
        "from kundpuls.web.operations.locks import job_lock\n"
        "with job_lock('sync', now=timezone.now()) as held:\n"
        "    print('held' if held else 'busy', flush=True)\n"
        "    time.sleep(600)\n"
    )
    env = {**os.environ, "KUNDPULS_DATABASE_URL": database_url(), "PYTHONPATH": str(REPO / "src")}
    env["DJANGO_SETTINGS_MODULE"] = "kundpuls.web.settings"
    return subprocess.Popen(
        [sys.executable, "-c", code],
        env=env,
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.mark.server
@pytest.mark.django_db(transaction=True)
def test_a_job_held_by_a_process_is_busy_and_runs_again_once_that_process_is_killed(settings: Any) -> None:
    settings.SCHEDULED_JOB_SECONDS = EVERY
    _submit(4)
    JobRecord.objects.create(name="sync", last_started_at=T0)  # a run that never finished: killed midway
    holder = _hold_lock_in_another_process()
    try:
        assert holder.stdout is not None
        line = holder.stdout.readline().strip()
        assert line == "held", holder.stderr.read() if holder.stderr else line
        assert run_job("sync", actor=WORKER).outcome == BUSY
        assert [r.outcome for r in run_due_jobs(actor=WORKER) if r.name == "sync"] == [BUSY]
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait(timeout=10)
    rerun = [r for r in run_due_jobs(actor=WORKER, now=T0 + timedelta(seconds=1)) if r.name == "sync"]
    assert [r.outcome for r in rerun] == ["ok"], "the interrupted run is due again at once"
    record = JobRecord.objects.get(name="sync")
    assert record.runs == 1 and record.lease_owner == ""
    assert rerun[0].detail["responses"] == 4
    assert (
        read_manifest(lake_location(settings.KUNDPULS_LAKE_DIR)).watermark
        == Response.objects.order_by("-pk")[0].pk
    )


def _worker(env_extra: dict[str, str]) -> subprocess.Popen[str]:
    env = {
        **os.environ,
        "KUNDPULS_DATABASE_URL": database_url(),
        "PYTHONPATH": str(REPO / "src"),
        **env_extra,
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.Popen(
        [sys.executable, "-m", "kundpuls.cli", "worker"],
        env=env,
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.mark.server
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_two_worker_processes_run_a_due_job_once(tmp_path: Path) -> None:
    _submit(5)
    only_sync = {
        "KUNDPULS_JOB_SYNC_SECONDS": "3600",
        "KUNDPULS_JOB_BOUNCES_SECONDS": "0",
        "KUNDPULS_JOB_OVERDUE_SECONDS": "0",
        "KUNDPULS_JOB_INVITATION_RETENTION_SECONDS": "0",
        "KUNDPULS_JOB_CASE_CONTACTS_SECONDS": "0",
        "KUNDPULS_LAKE_DIR": str(tmp_path / "lake"),
    }
    workers = [_worker(only_sync) for _ in range(2)]
    logs = []
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            done = [w for w in workers if w.poll() is None]
            assert len(done) == 2, "both workers keep running"
            if JobRecord.objects.filter(name="sync", runs__gte=1).exists():
                break
            time.sleep(0.2)
        time.sleep(4)  # both had their first round by now (each logs it); neither may run it again
    finally:
        for w in workers:
            w.send_signal(signal.SIGTERM)
        for w in workers:
            try:
                _, errors = w.communicate(timeout=30)
            except subprocess.TimeoutExpired:
                w.kill()
                _, errors = w.communicate()
            logs.append(errors)
    assert all("scheduler: first round done" in log for log in logs), logs[0][-2000:]
    ran = [log for log in logs if "job sync: ok" in log]
    assert len(ran) == 1, "exactly one of the two workers ran the job"
    record = JobRecord.objects.get(name="sync")
    assert record.runs == 1 and record.last_outcome == "ok" and record.last_run_by == "worker"
    assert read_manifest(lake_location(tmp_path / "lake")).watermark == Response.objects.order_by("-pk")[0].pk
    assert connection.vendor in ("sqlite", "postgresql")
