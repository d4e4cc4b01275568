"""The record of each scheduled job (``kundpuls worker``, ``kundpuls jobs``): one row per job name.

The row holds the last run (start, end, duration, outcome, a short detail without personal data), the
last success, counts, and who runs it now. On SQLite it is also the job's lock (``lease_owner`` and
``lease_until``); on PostgreSQL the lock is an advisory lock and these columns only say who holds it
(:mod:`kundpuls.web.operations.locks`).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class JobOutcome(models.TextChoices):
    OK = "ok", _("Succeeded")
    FAILED = "failed", _("Failed")
    SKIPPED = "skipped", _("Skipped")


class JobRecord(models.Model):
    """The state of one periodic job, shared by every worker on every machine."""

    name = models.CharField(max_length=40, unique=True)
    last_started_at = models.DateTimeField(null=True, blank=True)
    last_finished_at = models.DateTimeField(null=True, blank=True)
    last_duration_seconds = models.FloatField(null=True, blank=True)
    last_outcome = models.CharField(max_length=10, choices=JobOutcome.choices, blank=True)
    last_detail = models.CharField(max_length=500, blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    last_run_by = models.CharField(max_length=200, blank=True)
    runs = models.PositiveIntegerField(default=0)
    failures = models.PositiveIntegerField(default=0)
    lease_owner = models.CharField(max_length=200, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
