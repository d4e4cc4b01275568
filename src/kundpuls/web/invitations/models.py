"""Personal invitations: the invitation (hashed token, progress, outcome), its contact data, its mails.

Three tables keep three kinds of data apart:

* :class:`Invitation` — no personal data: the hash of the single-use token, the unit, the language, the
  background variables of the list, the saved progress and the outcome (answered, bounced, opted out).
* :class:`InvitationContact` — the e-mail address and name; readable only by roles that send invitations,
  never read by the lake seam, deleted by the retention rule.
* :class:`Delivery` — one row per recipient and step (0 = the invitation, 1… = reminders), unique, with a
  state machine that makes every mail go out at most once (see :mod:`kundpuls.web.invitations.delivery`).
"""

from __future__ import annotations

import secrets
import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from kundpuls.web.org.models import Unit
from kundpuls.web.responses.models import Response
from kundpuls.web.surveys.models import Distribution, Survey

#: The characters of a personal reference: capitals and digits without 0/O, 1/I/L (read out, typed by hand).
REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def new_reference() -> str:
    """A fresh personal reference ``K7MQ-4HXA`` (30**8 ≈ 6.6e11 of them; the column is unique)."""
    chars = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))
    return f"{chars[:4]}-{chars[4:]}"


class Invitation(models.Model):
    """One named recipient invited to one survey; ``token_hash`` is SHA-256 of the link's token."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="invitations")
    distribution = models.ForeignKey(Distribution, on_delete=models.PROTECT, related_name="invitations")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="invitations")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    submission_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # printed on the invitation; typed by staff who take the same person's answers on paper or by phone
    reference = models.CharField(max_length=9, unique=True, default=new_reference, editable=False)
    language = models.CharField(_("language"), max_length=8, default="sv")
    background = models.JSONField(_("background variables"), default=dict, blank=True)
    progress = models.JSONField(_("saved progress"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("link expires"), null=True, blank=True)
    response = models.OneToOneField(
        Response, on_delete=models.SET_NULL, null=True, blank=True, related_name="invitation"
    )
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    bounced_at = models.DateTimeField(_("bounced"), null=True, blank=True)
    opted_out_at = models.DateTimeField(_("opted out"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["survey", "unit", "pk"]
        indexes = [models.Index(fields=["survey", "unit"], name="invitation_survey_unit")]

    def __str__(self) -> str:
        return f"invitation {self.pk} ({self.survey_id})"


class InvitationContact(models.Model):
    """The contact data of one invitation, kept apart and deleted by the retention rule."""

    invitation = models.OneToOneField(Invitation, on_delete=models.CASCADE, related_name="contact")
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="invitation_contacts")
    email = models.EmailField(_("e-mail"), max_length=254)
    name = models.CharField(_("name"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("invitation contact")
        verbose_name_plural = _("invitation contacts")
        constraints = [
            models.UniqueConstraint(fields=["survey", "email"], name="one_invitation_per_address_and_survey")
        ]

    def __str__(self) -> str:
        return f"contact of invitation {self.invitation_id}"


class DeliveryState(models.TextChoices):
    PENDING = "pending", _("Waiting")
    SENDING = "sending", _("Being sent")
    SENT = "sent", _("Sent")
    UNCERTAIN = "uncertain", _("Uncertain (worker stopped while sending)")
    FAILED = "failed", _("Failed")
    SKIPPED = "skipped", _("Not sent")


class Delivery(models.Model):
    """One mail of one step to one recipient. ``(invitation, step)`` is unique: a step is never doubled."""

    invitation = models.ForeignKey(Invitation, on_delete=models.CASCADE, related_name="deliveries")
    step = models.PositiveSmallIntegerField(_("step"))  # 0 = invitation, 1.. = reminders
    state = models.CharField(max_length=16, choices=DeliveryState.choices, default=DeliveryState.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    not_before = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    claimed_by = models.CharField(max_length=100, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["invitation", "step"]
        constraints = [
            models.UniqueConstraint(
                fields=["invitation", "step"], name="one_delivery_per_invitation_and_step"
            )
        ]
        indexes = [models.Index(fields=["state", "not_before"], name="delivery_state_due")]

    def __str__(self) -> str:
        return f"delivery {self.invitation_id}/{self.step} ({self.state})"


class InvitationBackground(models.Model):
    """Background variables of an invited respondent that are not items of the survey, kept with the response.

    They are copied from the list when the invitation is answered, never the contact data.
    """

    response = models.OneToOneField(Response, on_delete=models.CASCADE, related_name="invitation_background")
    data = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("invitation background")
        verbose_name_plural = _("invitation backgrounds")

    def __str__(self) -> str:
        return f"background of response {self.response_id}"
