"""The worker's part (django-tasks, run by ``kundpuls worker``): one task per delivery attempt."""

from __future__ import annotations

from django_tasks import task

from kundpuls.web.org.actors import WORKER
from kundpuls.web.webhooks.actions import deliver


@task()
def deliver_webhook_task(delivery_id: int) -> str:
    attempt = deliver(delivery_id, actor=WORKER)
    if attempt.retry_at is not None:  # not delivered yet: try again after the back-off
        deliver_webhook_task.using(run_after=attempt.retry_at).enqueue(delivery_id)
    return attempt.status
