"""A response (answers only) and, apart from it, the contact details of a respondent who consented."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from kundpuls.web.org.models import Unit
from kundpuls.web.surveys.models import Channel, Distribution, Survey, SurveyVersion


class Response(models.Model):
    """One completed questionnaire. ``submission_id`` is unique: a retried submission finds this row."""

    submission_id = models.UUIDField(_("submission id"), unique=True, editable=False)
    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="responses")
    version = models.ForeignKey(SurveyVersion, on_delete=models.PROTECT, related_name="responses")
    distribution = models.ForeignKey(
        Distribution, on_delete=models.SET_NULL, null=True, blank=True, related_name="responses"
    )
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="responses")
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    language = models.CharField(_("language"), max_length=8, default="sv")
    submitted_at = models.DateTimeField(_("submitted"), db_index=True)
    stored_at = models.DateTimeField(_("stored"), auto_now_add=True, db_index=True)
    answers = models.JSONField(_("answers"), default=dict)
    consented = models.BooleanField(_("consented to contact"), default=False)
    # Set in the transaction that stores a consented response, cleared once its follow-up (alert rules,
    # a case) has been handled: a crash between the two leaves it set, and a retry or the worker finishes.
    followup_pending = models.BooleanField(_("follow-up pending"), default=False)

    class Meta:
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        ordering = ["-submitted_at", "-pk"]
        indexes = [models.Index(fields=["survey", "unit", "submitted_at"], name="response_survey_unit_time")]

    def __str__(self) -> str:
        return f"{self.survey_id}/{self.receipt}"

    @property
    def receipt(self) -> str:
        """The short code shown on the thank-you page (the first block of the submission id)."""
        return str(self.submission_id).split("-")[0].upper()


class ContactDetails(models.Model):
    """Contact data given with consent; readable only by roles that follow up, deleted by retention."""

    response = models.OneToOneField(Response, on_delete=models.CASCADE, related_name="contact")
    data = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("contact details")
        verbose_name_plural = _("contact details")

    def __str__(self) -> str:
        return f"contact for response {self.response_id}"
