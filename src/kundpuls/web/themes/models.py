"""Taxonomy revisions (the newest is in force) and discovery runs with their proposals."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kundpuls.web.org.models import Unit
from kundpuls.web.surveys.models import Survey


class TaxonomyRevision(models.Model):
    """One saved version of an organisation's whole taxonomy as YAML text; its highest ``number`` is in force.

    Each organisation (root unit) has its own taxonomy and its own revision numbers (issue 17); one without
    a stored revision uses the shipped default. Revisions are never changed or deleted: restoring an older
    one stores its text as a new revision.
    """

    organisation = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation")
    )
    number = models.PositiveIntegerField(_("revision"))
    text = models.TextField(_("taxonomy (YAML)"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("saved"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("saved by")
    )
    created_by_label = models.CharField(max_length=200, blank=True, help_text="e.g. 'cli' when no user")

    class Meta:
        verbose_name = _("taxonomy revision")
        verbose_name_plural = _("taxonomy revisions")
        ordering = ["organisation_id", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "number"], name="taxonomy_revision_unique")
        ]

    def __str__(self) -> str:
        return f"taxonomy {self.organisation_id} r{self.number}"

    @property
    def author(self) -> str:
        """Who saved it: the user's e-mail address, or the label (``cli``)."""
        if self.created_by is not None:
            return str(self.created_by.email)
        return self.created_by_label or "–"


class DiscoveryStatus(models.TextChoices):
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class DiscoveryRun(models.Model):
    """Themes proposed from the comments of one survey, unit subtree and period, kept for review.

    ``proposals`` is a list of ``{key, top_terms, stems, examples, n, language, outcome}``; ``outcome`` is
    None until a person accepts the proposal (``{"action": "new"|"merge", "theme": key, "revision": n}``).
    """

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="+", verbose_name=_("survey"))
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+", verbose_name=_("unit"))
    period = models.CharField(_("period"), max_length=20, blank=True)
    status = models.CharField(max_length=10, choices=DiscoveryStatus.choices, default=DiscoveryStatus.DONE)
    message = models.TextField(blank=True)
    comments = models.PositiveIntegerField(default=0, help_text="comments that could be shown")
    analysed = models.PositiveIntegerField(default=0, help_text="comments in the sample")
    hidden_periods = models.PositiveIntegerField(default=0, help_text="periods under the comment threshold")
    seconds = models.FloatField(default=0.0)
    revision = models.PositiveIntegerField(null=True, blank=True, help_text="taxonomy revision used")
    proposals = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)

    class Meta:
        verbose_name = _("theme discovery")
        verbose_name_plural = _("theme discoveries")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"discovery {self.pk} {self.survey_id} {self.unit_id} {self.period}"
