"""Background tasks (django-tasks, database backend; run by ``kundpuls worker``).

One task per mail: a worker killed mid-batch leaves the other tasks queued for the restarted worker, and
the delivery's own state machine (:mod:`kundpuls.web.invitations.delivery`) keeps every mail single.
"""

from __future__ import annotations

from django_tasks import task

from kundpuls.web.invitations.delivery import deliver, due_deliveries, mark_stale_as_uncertain
from kundpuls.web.surveys.models import Survey


@task()
def deliver_task(delivery_id: int) -> str:
    outcome = deliver(delivery_id)
    if outcome.retry_at is not None and outcome.state == "pending":
        deliver_task.using(run_after=outcome.retry_at).enqueue(delivery_id)
    return str(outcome.state)


def enqueue_due(survey: Survey | None = None) -> int:
    """Queue a task for every due delivery (a duplicate task is harmless: only one can claim the row)."""
    mark_stale_as_uncertain()
    ids = due_deliveries(survey)
    for delivery_id in ids:
        deliver_task.enqueue(delivery_id)
    return len(ids)
