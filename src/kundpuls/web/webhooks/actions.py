"""Webhooks: register and remove an address, and deliver events to it (signed, retried with back-off).

Every delivery is a JSON POST of ``{"id", "type", "created_at", "data"}`` with the headers
``Kundpuls-Event-Id``, ``Kundpuls-Event`` and ``Kundpuls-Signature`` (:mod:`kundpuls.web.webhooks.signing`).
A 2xx answer delivers it; anything else (another status, a timeout, a refused connection) is logged and
tried again after ``BACKOFF_SECONDS[attempt]`` — 30 s, 2 min, 10 min, 1 h, 6 h, 24 h — then given up
(``failed``). Every attempt carries the same event id, so a receiver that got one but answered late can
recognise the repeat.
"""

from __future__ import annotations

import json
import secrets
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kundpuls.errors import InvalidArgument
from kundpuls.web.org.actions import record_audit
from kundpuls.web.org.actors import Actor, user_of
from kundpuls.web.org.models import Unit
from kundpuls.web.org.permissions import Capability, require
from kundpuls.web.webhooks.models import EVENT_KINDS, DeliveryStatus, Webhook, WebhookDelivery
from kundpuls.web.webhooks.signing import SIGNATURE_HEADER, signature

BACKOFF_SECONDS = (30, 120, 600, 3600, 6 * 3600, 24 * 3600)
MAX_ATTEMPTS = len(BACKOFF_SECONDS) + 1
TIMEOUT_SECONDS = 10
LOG_KEPT = 10


def _check_url(url: str) -> str:
    url = (url or "").strip()
    parts = urlsplit(url)
    if len(url) > 500 or parts.scheme not in ("https", "http") or not parts.hostname:
        raise InvalidArgument(
            _("url: %(value)r is not an http(s) address") % {"value": url[:80]}, field="url", value=url[:80]
        )
    return url


def _check_events(events: list[str]) -> list[str]:
    unknown = [e for e in events if e not in EVENT_KINDS]
    if not events or unknown:
        raise InvalidArgument(
            _("events: %(events)s; choose from %(kinds)s")
            % {"events": ", ".join(unknown) or _("none"), "kinds": ", ".join(EVENT_KINDS)},
            field="events",
            value=unknown,
        )
    return [e for e in EVENT_KINDS if e in events]


@transaction.atomic
def add_webhook(url: str, events: list[str], *, unit: Unit, actor: Actor) -> Webhook:
    """Register ``url`` for ``events`` in ``unit``'s subtree; needs ``administer`` on ``unit``. The secret
    that signs its deliveries is made here and shown once, by the page or command that called this."""
    require(actor, Capability.ADMINISTER, unit)
    webhook = Webhook.objects.create(
        url=_check_url(url),
        unit=unit,
        events=_check_events(list(events)),
        secret=secrets.token_hex(32),
        created_by=user_of(actor),
    )
    record_audit(actor, "webhooks.add", webhook.url[:200], unit=unit.code, events=webhook.events)
    return webhook


@transaction.atomic
def remove_webhook(webhook: Webhook, *, actor: Actor) -> Webhook:
    """Stop sending to ``webhook`` (its deliveries are kept as the log); needs ``administer`` on its unit."""
    require(actor, Capability.ADMINISTER, webhook.unit)
    if webhook.removed_at is None:
        webhook.removed_at = timezone.now()
        webhook.save(update_fields=["removed_at"])
        WebhookDelivery.objects.filter(webhook=webhook, status=DeliveryStatus.PENDING).update(
            status=DeliveryStatus.FAILED, last_error="webhook removed"
        )
        record_audit(actor, "webhooks.remove", webhook.url[:200], unit=webhook.unit.code)
    return webhook


@dataclass(frozen=True)
class Attempt:
    """What one call of :func:`deliver` did: the delivery's status, and when to try again (if at all)."""

    status: str
    retry_at: datetime | None = None


def _claim(delivery_id: int, now: datetime) -> WebhookDelivery | None:
    """Take a due delivery for this attempt (one worker at a time: the update is conditional). While
    ``sending``, ``next_attempt_at`` holds when the attempt began (:func:`release_stale_attempts`)."""
    claimed = WebhookDelivery.objects.filter(
        pk=delivery_id, status=DeliveryStatus.PENDING, next_attempt_at__lte=now
    ).update(status=DeliveryStatus.SENDING, next_attempt_at=now)
    if not claimed:
        return None
    return WebhookDelivery.objects.select_related("webhook", "event").get(pk=delivery_id)


def _body(delivery: WebhookDelivery) -> bytes:
    event = delivery.event
    document = {
        "id": str(event.event_id),
        "type": event.kind,
        "created_at": event.created_at.isoformat(),
        "data": event.data,
    }
    return json.dumps(document, ensure_ascii=False, sort_keys=True).encode()


#: An attempt still ``sending`` this long after it began was cut off (a worker killed mid-attempt): no
#: attempt lasts longer than the receiver's timeout.
STALE_SECONDS = 6 * TIMEOUT_SECONDS


def release_stale_attempts(*, actor: Actor, now: datetime | None = None) -> int:
    """Put deliveries left ``sending`` by a worker that died mid-attempt back to ``pending``, due at once
    (the worker calls this on start; operators only). The receiver may have got that attempt: it is sent
    again with the same event id, which is what the receiver deduplicates by (docs/webhooks.md). Returns
    how many were released."""
    require(actor, Capability.ADMINISTER, None)
    now = now or timezone.now()
    stale = list(
        WebhookDelivery.objects.filter(
            status=DeliveryStatus.SENDING, next_attempt_at__lte=now - timedelta(seconds=STALE_SECONDS)
        )
    )
    for delivery in stale:
        note = {"at": now.isoformat(), "status": None, "error": "worker stopped during the attempt"}
        released = WebhookDelivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.SENDING).update(
            status=DeliveryStatus.PENDING,
            next_attempt_at=now,
            last_error=note["error"],
            log=[*delivery.log, note][-LOG_KEPT:],
        )
        if released:
            record_audit(actor, "webhooks.release", str(delivery.pk), webhook=delivery.webhook_id)
    return len(stale)


def deliver(delivery_id: int, *, actor: Actor, now: datetime | None = None) -> Attempt:
    """One attempt of a due delivery (the worker's task; operators only). Not due, or taken by another
    worker: nothing happens."""
    require(actor, Capability.ADMINISTER, None)
    now = now or timezone.now()
    delivery = _claim(delivery_id, now)
    if delivery is None:
        current = (
            WebhookDelivery.objects.filter(pk=delivery_id).values_list("status", "next_attempt_at").first()
        )
        if current and current[0] == DeliveryStatus.PENDING:
            return Attempt(current[0], current[1])
        return Attempt(current[0] if current else "missing")
    body = _body(delivery)
    timestamp = int(now.timestamp())
    request = urllib.request.Request(
        delivery.webhook.url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": "Kundpuls-Webhooks/1",
            "Kundpuls-Event-Id": str(delivery.event.event_id),
            "Kundpuls-Event": delivery.event.kind,
            SIGNATURE_HEADER: signature(delivery.webhook.secret, timestamp, body),
        },
    )
    code: int | None = None
    error = ""
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as answer:
            code = answer.status
    except urllib.error.HTTPError as exc:
        code = exc.code
    except (urllib.error.URLError, TimeoutError, OSError, ValueError) as exc:
        error = type(exc).__name__ + ": " + str(getattr(exc, "reason", exc))[:150]
    delivery.attempts += 1
    delivery.last_status_code = code
    delivery.last_error = error[:200]
    delivery.log = [*delivery.log, {"at": now.isoformat(), "status": code, "error": error[:200]}][-LOG_KEPT:]
    retry_at = None
    if code is not None and 200 <= code < 300:
        delivery.status = DeliveryStatus.DELIVERED
        delivery.delivered_at = now
    elif delivery.attempts >= MAX_ATTEMPTS or delivery.webhook.removed_at is not None:
        delivery.status = DeliveryStatus.FAILED
    else:
        delivery.status = DeliveryStatus.PENDING
        retry_at = now + timedelta(seconds=BACKOFF_SECONDS[delivery.attempts - 1])
        delivery.next_attempt_at = retry_at
    delivery.save()
    return Attempt(str(delivery.status), retry_at)
