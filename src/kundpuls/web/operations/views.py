"""The administrator's status page (``/portal/drift/``): the scheduled jobs and the lake, superusers only."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from kundpuls.web.operations.models import JobOutcome
from kundpuls.web.operations.queries import JobStatus, job_statuses, lake_state

#: What the page calls each count a job reports (the keys of its detail).
DETAIL_LABELS = {
    "batches": gettext_lazy("batches"),
    "responses": gettext_lazy("new responses"),
    "comments": gettext_lazy("comments"),
    "watermark": gettext_lazy("high-water mark"),
    "generation": gettext_lazy("lake generation"),
    "orphans_removed": gettext_lazy("unfinished files removed"),
    "read": gettext_lazy("messages read"),
    "bounced": gettext_lazy("newly bounced"),
    "already_bounced": gettext_lazy("already bounced"),
    "delayed": gettext_lazy("delayed"),
    "unmatched": gettext_lazy("unmatched"),
    "other": gettext_lazy("other messages"),
    "mailed": gettext_lazy("cases notified"),
    "followups_completed": gettext_lazy("follow-ups completed"),
    "surveys": gettext_lazy("surveys"),
    "contacts_deleted": gettext_lazy("contacts deleted"),
    "progress_cleared": gettext_lazy("saved progress cleared"),
    "purged": gettext_lazy("closed cases purged"),
    "without_case": gettext_lazy("responses without a case purged"),
    "reason": gettext_lazy("reason"),
    "error": gettext_lazy("error"),
}


def every(seconds: int) -> str:
    """A schedule in words: every 5 minutes, every hour, every day; off."""
    if seconds <= 0:
        return _("off")
    if seconds % 86400 == 0:
        days = seconds // 86400
        return ngettext("every day", "every %(n)d days", days) % {"n": days}
    if seconds % 3600 == 0:
        hours = seconds // 3600
        return ngettext("every hour", "every %(n)d hours", hours) % {"n": hours}
    if seconds % 60 == 0:
        minutes = seconds // 60
        return ngettext("every minute", "every %(n)d minutes", minutes) % {"n": minutes}
    return ngettext("every second", "every %(n)d seconds", seconds) % {"n": seconds}


def _row(job: JobStatus) -> dict[str, Any]:
    outcome = JobOutcome(job.last_outcome).label if job.last_outcome else _("Not run yet")
    details = [(DETAIL_LABELS.get(k, k), v) for k, v in job.last_detail.items()]
    return {"job": job, "schedule": every(job.interval_seconds), "outcome": outcome, "details": details}


@login_required
def status(request: HttpRequest) -> HttpResponse:
    if not getattr(request.user, "is_superuser", False):
        raise PermissionDenied
    jobs = [_row(job) for job in job_statuses()]
    return render(request, "operations/status.html", {"jobs": jobs, "lake": lake_state()})
