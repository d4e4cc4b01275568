"""Background tasks (django-tasks, database backend; run by ``kundpuls worker``).

One task per mail: a worker killed mid-batch leaves the other tasks queued for the restarted worker, and
the delivery's own state machine (:mod:`kundpuls.web.invitations.delivery`) keeps every mail single.
"""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task

from kundpuls.web.invitations.actions import deliver, mark_stale_as_uncertain
from kundpuls.web.invitations.delivery import waiting_deliveries
from kundpuls.web.surveys.models import Survey


@task()
def deliver_task(delivery_id: int) -> str:
    outcome = deliver(delivery_id)
    if outcome.retry_at is not None:  # this call met a temporary failure: try again after the back-off
        deliver_task.using(run_after=outcome.retry_at).enqueue(delivery_id)
    return str(outcome.state)


def enqueue_due(survey: Survey | None = None) -> int:
    """Queue a task for every ``pending`` delivery (one waiting for a retry: to run after its back-off).

    A duplicate task is harmless: only one can claim the row. Returns how many tasks were queued.
    """
    mark_stale_as_uncertain()
    now = timezone.now()
    waiting = waiting_deliveries(survey)
    for delivery_id, not_before in waiting:
        if not_before is not None and not_before > now:
            deliver_task.using(run_after=not_before).enqueue(delivery_id)
        else:
            deliver_task.enqueue(delivery_id)
    return len(waiting)
