"""The periodic jobs ``kundpuls worker`` runs: each calls the owning app's actions with the given actor.

Every job is idempotent (it may run again after a crash, or twice in a row, and leaves the same state):
the sync is incremental from the lake's high-water mark, a bounce or an overdue notice is recorded once,
retention deletes what is past its time. Each returns counts (never personal data) for the job's record.
How often each runs is its variable in :data:`kundpuls.config.JOB_INTERVALS`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from kundpuls.web.org.actors import Actor

if TYPE_CHECKING:
    from kundpuls.web.operations.models import JobRecord


class JobSkipped(Exception):
    """A job that has nothing to do in this installation (no bounce Maildir configured)."""


@dataclass(frozen=True)
class Job:
    name: str
    label: Any  # lazy translation
    command: str
    run: Callable[[Actor], dict[str, Any]]


def _sync(actor: Actor) -> dict[str, Any]:
    """Sync the lake; when it changed and the results cache is shared (``KUNDPULS_CACHE_URL``), compute each
    survey's shared results for every server (:mod:`kundpuls.web.dashboards.warming`)."""
    import os

    from kundpuls.config import cache_url
    from kundpuls.web.dashboards.warming import warm_results
    from kundpuls.web.responses.actions import sync_to_lake

    report = asdict(sync_to_lake())
    summary = {k: v for k, v in report.items() if isinstance(v, (int, float, str)) and k != "lake"}
    if report.get("batches") and cache_url(os.environ) is not None:
        warmed = warm_results()
        summary.update(
            surveys_warmed=warmed.surveys, unit_pages_warmed=warmed.pages, warm_seconds=warmed.seconds
        )
    return summary


def _bounces(actor: Actor) -> dict[str, Any]:
    from kundpuls.web.invitations.bounces import read_bounces

    if not settings.KUNDPULS_BOUNCE_MAILDIR:
        raise JobSkipped("KUNDPULS_BOUNCE_MAILDIR is not set")
    summary = read_bounces().as_dict()
    return {k: v for k, v in summary.items() if isinstance(v, (int, float))}


def _overdue(actor: Actor) -> dict[str, Any]:
    from kundpuls.web.cases.actions import notify_overdue
    from kundpuls.web.responses.actions import complete_pending_followups

    followups = complete_pending_followups(actor=actor, older_than_seconds=60)
    return {"mailed": notify_overdue(actor=actor), "followups_completed": followups}


def _invitation_retention(actor: Actor) -> dict[str, Any]:
    from kundpuls.web.invitations.actions import apply_retention
    from kundpuls.web.paper.actions import apply_entry_retention

    summary = apply_retention(actor=actor)
    return {
        "surveys": summary.surveys,
        "contacts_deleted": summary.contacts_deleted,
        "progress_cleared": summary.progress_cleared,
        "paper_entries_deleted": apply_entry_retention(actor=actor),
    }


def _case_contacts(actor: Actor) -> dict[str, Any]:
    from kundpuls.web.cases.actions import purge_contact_details, purge_unused_contact_details

    return {
        "purged": purge_contact_details(actor=actor),
        "without_case": purge_unused_contact_details(actor=actor),
    }


JOBS: dict[str, Job] = {
    job.name: job
    for job in (
        Job("sync", _("Lake sync"), "kundpuls sync", _sync),
        Job("bounces", _("Returned mail"), "kundpuls invitations bounces", _bounces),
        Job("overdue", _("Overdue cases"), "kundpuls cases overdue", _overdue),
        Job(
            "invitation-retention",
            _("Invitation contact retention"),
            "kundpuls invitations retention",
            _invitation_retention,
        ),
        Job("case-contacts", _("Case contact retention"), "kundpuls cases purge-contacts", _case_contacts),
    )
}


def interval_of(name: str) -> int:
    """Seconds between runs of job ``name`` (0: off), as :data:`kundpuls.config.JOB_INTERVALS` reads them."""
    return int(settings.SCHEDULED_JOB_SECONDS.get(name, 0))


def is_due(record: JobRecord | None, interval: int, now: datetime) -> bool:
    """A job is due when it is on (interval > 0) and never started, or its last run never finished (a worker
    killed midway: it runs again as soon as its lock is free), or it started ``interval`` s ago or more."""
    if interval <= 0:
        return False
    if record is None or record.last_started_at is None:
        return True
    if record.last_finished_at is None or record.last_finished_at < record.last_started_at:
        return True
    return now >= record.last_started_at + timedelta(seconds=interval)
