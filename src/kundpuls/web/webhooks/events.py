"""Events for webhooks, recorded inside the transaction of the change they announce.

:func:`emit` is a step of other apps' actions (a response stored, a case opened or closed, a goal set or
removed): it writes one :class:`~kundpuls.web.webhooks.models.WebhookEvent` (``event_id`` once per event —
``(kind, subject)`` is unique, so an announcement repeated after a crash adds nothing) and one pending
delivery per webhook that listens to the kind in the subject's unit subtree, in the same transaction as the
change: the change and its events commit together or not at all. Once committed, a task per delivery is
queued for the worker (:mod:`kundpuls.web.webhooks.tasks`). With no webhook registered nothing is written.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from kundpuls.web.webhooks.models import Webhook, WebhookDelivery, WebhookEvent


@dataclass(frozen=True)
class Occurrence:
    """One thing that happened: its kind, the unit path it belongs to, a stable subject and its data."""

    kind: str
    unit_path: str
    subject: str
    data: dict[str, Any]


def _listeners(kind: str) -> list[Webhook]:
    return [
        w for w in Webhook.objects.filter(removed_at__isnull=True).select_related("unit") if kind in w.events
    ]


def emit_many(occurrences: Iterable[Occurrence], *, now: datetime | None = None) -> int:
    """Record ``occurrences`` (see the module docstring); returns how many deliveries were created."""
    occurrences = list(occurrences)
    if not occurrences:
        return 0
    listeners = {kind: _listeners(kind) for kind in {o.kind for o in occurrences}}
    wanted = [o for o in occurrences if any(o.unit_path.startswith(w.unit.path) for w in listeners[o.kind])]
    if not wanted:
        return 0
    now = now or timezone.now()
    with transaction.atomic():
        WebhookEvent.objects.bulk_create(
            [
                WebhookEvent(
                    event_id=uuid.uuid4(), kind=o.kind, subject=o.subject[:80], unit_path=o.unit_path,
                    data=o.data, created_at=now,
                )
                for o in wanted
            ],
            ignore_conflicts=True,
        )  # fmt: skip
        events = {
            (e.kind, e.subject): e
            for e in WebhookEvent.objects.filter(
                subject__in=[o.subject[:80] for o in wanted], kind__in=list(listeners)
            )
        }
        deliveries = [
            WebhookDelivery(webhook=w, event=events[(o.kind, o.subject[:80])], next_attempt_at=now)
            for o in wanted
            for w in listeners[o.kind]
            if o.unit_path.startswith(w.unit.path)
        ]
        WebhookDelivery.objects.bulk_create(deliveries, ignore_conflicts=True)
        created = list(
            WebhookDelivery.objects.filter(
                event__in=[d.event for d in deliveries], status="pending", attempts=0
            ).values_list("pk", flat=True)
        )
        transaction.on_commit(lambda: _enqueue(created))
    return len(created)


def emit(
    kind: str, *, unit_path: str, subject: str, data: dict[str, Any], now: datetime | None = None
) -> int:
    """:func:`emit_many` for one occurrence."""
    return emit_many([Occurrence(kind, unit_path, subject, data)], now=now)


def _enqueue(delivery_ids: list[int]) -> None:
    from kundpuls.web.webhooks.tasks import deliver_webhook_task

    for pk in delivery_ids:
        deliver_webhook_task.enqueue(pk)


def responses_created_receiver(sender: object, submission_ids: list[uuid.UUID], **kwargs: object) -> None:
    """``response.stored`` for every new response (sent inside the transaction that stores them)."""
    from kundpuls.web.responses.models import Response

    if not submission_ids or not Webhook.objects.filter(removed_at__isnull=True).exists():
        return
    rows = Response.objects.filter(submission_id__in=submission_ids).values_list(
        "submission_id", "survey__key", "unit__code", "unit__path", "channel", "submitted_at"
    )
    emit_many(
        Occurrence(
            "response.stored",
            path,
            f"response:{submission}",
            {
                "receipt": str(submission).split("-")[0].upper(),
                "survey": survey,
                "unit": unit,
                "channel": channel,
                "submitted_at": submitted.isoformat(),
            },
        )
        for submission, survey, unit, path, channel, submitted in rows
    )
