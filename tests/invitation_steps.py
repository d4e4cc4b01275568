"""What a worker does with the mails that are due, done in the test's own process and transaction.

The product queues one task per mail (``invitations.tasks.enqueue_due``) for ``kundpuls worker``; tests that
want the mails sent at once take the same rows and call the same ``deliver`` directly.
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q
from django.utils import timezone

from kundpuls.web.invitations.models import Delivery, DeliveryState
from kundpuls.web.surveys.models import Survey


def due_deliveries(survey: Survey | None = None, *, now: datetime | None = None) -> list[int]:
    """Ids of the ``pending`` deliveries whose back-off has passed, oldest first."""
    now = now or timezone.now()
    query = Delivery.objects.filter(state=DeliveryState.PENDING).filter(
        Q(not_before__isnull=True) | Q(not_before__lte=now)
    )
    if survey is not None:
        query = query.filter(invitation__survey=survey)
    return list(query.order_by("pk").values_list("pk", flat=True))
