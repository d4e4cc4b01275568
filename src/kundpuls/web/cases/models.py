"""Follow-up cases: alert rules per survey, a case per alerting response, its notes and event log."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kundpuls.web.org.models import Unit
from kundpuls.web.responses.models import Response
from kundpuls.web.surveys.models import Survey


class AlertRuleSet(models.Model):
    """The alert rules of one survey, as data (see :mod:`kundpuls.web.cases.rules`)."""

    survey = models.OneToOneField(Survey, on_delete=models.CASCADE, related_name="alert_rules")
    rules = models.JSONField(_("rules"), default=dict)
    revision = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)

    class Meta:
        verbose_name = _("alert rule set")
        verbose_name_plural = _("alert rule sets")

    def __str__(self) -> str:
        return f"alert rules of {self.survey_id} r{self.revision}"


class CaseDeadline(models.Model):
    """A unit's own deadline in working days (units without one inherit the nearest ancestor's, else 2)."""

    unit = models.OneToOneField(Unit, on_delete=models.CASCADE, related_name="case_deadline")
    working_days = models.PositiveSmallIntegerField(_("working days"), default=2)

    def __str__(self) -> str:
        return f"{self.unit_id}: {self.working_days}"


class CaseStatus(models.TextChoices):
    # In context: a bare "Closed" is a closed unit or survey ("Stängd"); a case is "Avslutad".
    NEW = "new", pgettext_lazy("case status", "New")
    CONTACTED = "contacted", pgettext_lazy("case status", "Contacted")
    RESOLVED = "resolved", pgettext_lazy("case status", "Resolved")
    CLOSED = "closed", pgettext_lazy("case status", "Closed")


class Case(models.Model):
    """A respondent who consented to contact and whose answers triggered an alert rule.

    When the respondent's data are erased (a data-protection request, ``kundpuls responses erase``) the case
    stays as a *tombstone*: ``response`` becomes null, its notes and close reason go, and what remains is
    the status, the dates, the unit, the survey, the triggered rule keys, the root causes and the staff's
    improvement action — enough for the follow-up statistics, nothing about the person. ``PROTECT`` stays:
    only the erasure, which detaches the case first, may delete a response that has a case.
    """

    response = models.OneToOneField(Response, on_delete=models.PROTECT, null=True, related_name="case")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="cases")
    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="cases")
    rules = models.JSONField(_("triggered rules"), default=list)
    status = models.CharField(_("status"), max_length=16, choices=CaseStatus.choices, default=CaseStatus.NEW)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_cases",
        verbose_name=_("assignee"),
    )
    opened_at = models.DateTimeField(_("opened"), db_index=True)
    due_date = models.DateField(_("due date"))
    contacted_at = models.DateTimeField(_("contacted"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closed_without_contact = models.BooleanField(default=False)
    close_reason = models.CharField(_("reason"), max_length=300, blank=True)
    root_causes = models.JSONField(_("root causes"), default=list, blank=True)
    improvement = models.TextField(_("improvement action"), blank=True)
    overdue_notified_at = models.DateTimeField(null=True, blank=True)
    contact_deleted_at = models.DateTimeField(null=True, blank=True)
    erased_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["due_date", "pk"]
        indexes = [models.Index(fields=["unit", "status"], name="case_unit_status")]

    def __str__(self) -> str:
        return f"case {self.pk} ({self.status})"

    @property
    def is_open(self) -> bool:
        return self.status != CaseStatus.CLOSED


class CaseNote(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    text = models.TextField(_("note"))
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"note {self.pk} on case {self.case_id}"


class CaseEvent(models.Model):
    """Who did what to a case, and when (the case's own log; every event is also audited)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    actor_label = models.CharField(max_length=200, blank=True)
    kind = models.CharField(max_length=32)
    details = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind} {self.at:%Y-%m-%d %H:%M}"
