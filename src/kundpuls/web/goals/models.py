"""Goals per unit, metric and period (inherited down the tree), improvement actions, unit cost and volume."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kundpuls.web.org.models import Unit
from kundpuls.web.surveys.models import Survey


class Goal(models.Model):
    """A target for ``metric`` on ``unit`` (and every unit below it without its own) over a period.

    ``metric`` is ``index:<NAME>`` (an index of the survey's codebook), ``nps``, ``response_rate`` (percent
    of served customers who answered; volume from the cost import) or ``cases_in_time`` (percent of
    follow-up cases closed by their due date). ``period`` is a year (``2026``), a quarter (``2026-Q2``) or a
    month (``2026-05``).
    """

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="goals", verbose_name=_("unit"))
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, null=True, blank=True, related_name="goals")
    metric = models.CharField(_("metric"), max_length=80)
    period = models.CharField(_("period"), max_length=10)
    target = models.FloatField(_("target"))
    higher_is_better = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)

    class Meta:
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
        ordering = ["unit__path", "metric", "period"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "survey", "metric", "period"], name="goal_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.metric} {self.period} ≥ {self.target:g}"


class ImprovementAction(models.Model):
    """Something the unit does to move a driver (an index of the codebook), and its follow-up."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="improvement_actions")
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="improvement_actions")
    driver = models.CharField(_("driver"), max_length=80)
    title = models.CharField(_("title"), max_length=300)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("owner")
    )
    started = models.DateField(_("started"))
    due_date = models.DateField(_("due date"))
    done_at = models.DateField(_("done"), null=True, blank=True)

    class Meta:
        ordering = ["due_date", "pk"]

    def __str__(self) -> str:
        return self.title


class UnitCost(models.Model):
    """A unit's cost (SEK) and volume (customers served) in one period (imported)."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="costs")
    period = models.CharField(_("period"), max_length=10)
    cost = models.DecimalField(_("cost"), max_digits=16, decimal_places=2)
    volume = models.PositiveIntegerField(_("customers served"))

    class Meta:
        ordering = ["unit__path", "period"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "period"], name="unit_cost_unique"),
            # the bounds of the cost import (goals/cost_import.py), held by the database as well
            models.CheckConstraint(
                condition=models.Q(cost__gte=0, cost__lt=10**12, volume__gte=0), name="unit_cost_in_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.period}"
