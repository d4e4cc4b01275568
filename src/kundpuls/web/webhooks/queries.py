"""Reads for the webhook page and command."""

from __future__ import annotations

from typing import Any

from kundpuls.web.webhooks.models import DeliveryStatus, Webhook, WebhookDelivery


def webhook_rows(units_paths: list[str] | None = None) -> list[dict[str, Any]]:
    """Active webhooks (in the subtrees of ``units_paths``, or all): id, url, unit, events, created."""
    rows = []
    for w in Webhook.objects.filter(removed_at__isnull=True).select_related("unit").order_by("pk"):
        if units_paths is not None and not any(w.unit.path.startswith(p) for p in units_paths):
            continue
        rows.append(
            {"id": w.pk, "url": w.url, "unit": w.unit.code, "unit_name": w.unit.name, "events": w.events,
             "created_at": w.created_at.isoformat()}
        )  # fmt: skip
    return rows


def delivery_rows(webhook_ids: list[int] | None = None, *, limit: int = 100) -> list[dict[str, Any]]:
    """The latest deliveries: event id and type, webhook, status, attempts, last answer, next attempt."""
    found = WebhookDelivery.objects.select_related("event", "webhook").order_by("-pk")
    if webhook_ids is not None:
        found = found.filter(webhook_id__in=webhook_ids)
    return [
        {
            "id": d.pk,
            "webhook": d.webhook_id,
            "url": d.webhook.url,
            "event_id": str(d.event.event_id),
            "event": d.event.kind,
            "status": d.status,
            "status_label": str(DeliveryStatus(d.status).label),
            "attempts": d.attempts,
            "last_status_code": d.last_status_code,
            "last_error": d.last_error,
            "next_attempt_at": d.next_attempt_at.isoformat() if d.status == "pending" else None,
            "delivered_at": d.delivered_at.isoformat() if d.delivered_at else None,
        }
        for d in found[:limit]
    ]
