"""The worker's part (django-tasks, run by ``kundpuls worker``): one task per delivery attempt."""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task

from kundpuls.web.org.actors import WORKER
from kundpuls.web.webhooks.actions import deliver, release_stale_attempts
from kundpuls.web.webhooks.models import DeliveryStatus, WebhookDelivery


@task()
def deliver_webhook_task(delivery_id: int) -> str:
    attempt = deliver(delivery_id, actor=WORKER)
    if attempt.retry_at is not None:  # not delivered yet: try again after the back-off
        deliver_webhook_task.using(run_after=attempt.retry_at).enqueue(delivery_id)
    return attempt.status


def enqueue_waiting() -> int:
    """Queue a task for every delivery still waiting (``kundpuls worker`` calls this on start).

    A worker killed between taking a task and finishing it leaves the task marked running forever, and a
    process that stopped after storing a response but before queueing its deliveries queued nothing: either
    way a ``pending`` delivery would wait for ever. Deliveries left ``sending`` by a killed worker are put
    back first (:func:`~kundpuls.web.webhooks.actions.release_stale_attempts`). A duplicate task is
    harmless: only one can claim the delivery. Returns how many tasks were queued.
    """
    release_stale_attempts(actor=WORKER)
    now = timezone.now()
    waiting = WebhookDelivery.objects.filter(status=DeliveryStatus.PENDING).values_list(
        "pk", "next_attempt_at"
    )
    count = 0
    for delivery_id, due in waiting:
        if due > now:
            deliver_webhook_task.using(run_after=due).enqueue(delivery_id)
        else:
            deliver_webhook_task.enqueue(delivery_id)
        count += 1
    return count
