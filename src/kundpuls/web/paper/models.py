"""A paper form's entry waiting for its second, independent entry (double entry)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from kundpuls.web.responses.models import Response
from kundpuls.web.surveys.models import Distribution, SurveyVersion


class PaperEntry(models.Model):
    """One typing of paper form ``form_id`` (entry 1 or 2); deleted once the response is stored."""

    distribution = models.ForeignKey(Distribution, on_delete=models.CASCADE, related_name="paper_entries")
    form_id = models.CharField(max_length=40)
    number = models.PositiveSmallIntegerField()
    answers = models.JSONField(default=dict)  # validated answers and contact fields, as the form gave them
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    entered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["distribution", "form_id", "number"], name="paper_entry_once")
        ]
        ordering = ["form_id", "number"]

    def __str__(self) -> str:
        return f"{self.form_id} #{self.number}"


class PaperForm(models.Model):
    """One printed copy of a paper questionnaire: its form id (unique), the survey version, unit (through
    the paper distribution) and language it was printed for. The data-entry page accepts only recorded
    ids, and only on the page of their survey and unit."""

    form_id = models.CharField(max_length=40, unique=True)
    distribution = models.ForeignKey(Distribution, on_delete=models.CASCADE, related_name="paper_forms")
    version = models.ForeignKey(SurveyVersion, on_delete=models.PROTECT, related_name="paper_forms")
    language = models.CharField(max_length=8)
    printed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    printed_at = models.DateTimeField(auto_now_add=True)
    response = models.OneToOneField(
        Response, on_delete=models.SET_NULL, null=True, blank=True, related_name="paper_form"
    )  # set when the form is stored, whichever submission id it was stored under

    class Meta:
        ordering = ["printed_at", "form_id"]

    def __str__(self) -> str:
        return self.form_id
