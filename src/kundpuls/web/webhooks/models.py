"""A webhook (an address that hears about events in a unit's subtree), the events and their deliveries."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kundpuls.web.org.models import Unit

EVENT_KINDS = ("response.stored", "case.opened", "case.closed", "goal.changed")
EVENT_LABELS = {
    "response.stored": _("A new response"),
    "case.opened": _("A follow-up case opened"),
    "case.closed": _("A follow-up case closed"),
    "goal.changed": _("A goal changed"),
}
"""What each event kind means, in the page's language; the kind itself is what the receiver reads."""


class Webhook(models.Model):
    """An address that gets a signed JSON POST for every event of ``events`` in ``unit``'s subtree."""

    url = models.URLField(_("address"), max_length=500)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="webhooks")
    events = models.JSONField(_("events"), default=list)
    secret = models.CharField(max_length=64, editable=False)  # signs the deliveries (HMAC-SHA256)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("webhook")
        verbose_name_plural = _("webhooks")
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.url} ({self.unit_id})"


class WebhookEvent(models.Model):
    """One event, once: ``event_id`` is what the receiver sees on every attempt of every delivery."""

    event_id = models.UUIDField(unique=True, editable=False)
    kind = models.CharField(max_length=32)
    subject = models.CharField(max_length=80)
    unit_path = models.CharField(max_length=255)
    data = models.JSONField(default=dict)
    created_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "subject"], name="webhook_event_once")]
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.kind} {self.subject}"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("waiting")
    SENDING = "sending", _("sending")
    DELIVERED = "delivered", _("delivered")
    FAILED = "failed", _("failed")


class WebhookDelivery(models.Model):
    """One event to one webhook: attempted until the receiver answers 2xx, with back-off, logged."""

    webhook = models.ForeignKey(Webhook, on_delete=models.CASCADE, related_name="deliveries")
    event = models.ForeignKey(WebhookEvent, on_delete=models.CASCADE, related_name="deliveries")
    status = models.CharField(max_length=16, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(db_index=True)
    last_status_code = models.PositiveIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=200, blank=True)
    log = models.JSONField(default=list)  # the last attempts: time, status code or error
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["webhook", "event"], name="webhook_delivery_once")]
        ordering = ["-pk"]

    def __str__(self) -> str:
        return f"{self.event} → {self.webhook_id} ({self.status})"
