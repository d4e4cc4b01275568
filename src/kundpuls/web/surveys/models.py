"""A survey, its versions (definition JSON, frozen once published) and its distributions to units."""

from __future__ import annotations

import secrets
from datetime import datetime
from functools import cached_property

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kundpuls.web.org.models import Unit
from kundpuls.web.org.tenancy import organisation_id
from kundpuls.web.org.viewer import viewer_organisations


class Survey(models.Model):
    """A survey with a stable key; what is asked lives in its versions.

    The key is unique within the survey's organisation (the root of its owner unit, kept in
    ``organisation`` by :meth:`save`): two organisations may each have their ``nki``
    (:mod:`kundpuls.web.org.tenancy`). ``lake_key`` names the survey in the analytics lake and the results
    cache, unique across the installation and never changed (:meth:`assign_lake_key`).
    """

    key = models.SlugField(_("key"), max_length=64)
    title = models.CharField(_("title"), max_length=300)
    owner = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="surveys", verbose_name=_("owner unit")
    )
    organisation = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", editable=False, verbose_name=_("organisation")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    lake_key = models.CharField(_("key in the analytics lake"), max_length=100, unique=True, editable=False)

    class Meta:
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        ordering = ["key", "organisation_id"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "key"], name="survey_key_unique_in_organisation")
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.key})"

    def save(self, *args: object, **kwargs: object) -> None:
        self.organisation_id = organisation_id(self.owner)
        if not self.lake_key:
            self.lake_key = self.assign_lake_key()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "owner" in update_fields:  # type: ignore[operator]
            kwargs["update_fields"] = [*update_fields, "organisation"]  # type: ignore[misc]
        if self._state.adding and self.lake_key == self.key:
            try:
                with transaction.atomic():  # a savepoint: the outer transaction survives a refusal
                    super().save(*args, **kwargs)  # type: ignore[arg-type]
                return
            except IntegrityError:
                # Another organisation's survey took the key between the look-up and this insert (two
                # organisations creating ``nki`` at the same moment): take the second form instead.
                if (
                    not Survey.objects.filter(lake_key=self.key)
                    .exclude(organisation_id=self.organisation_id)
                    .exists()
                ):
                    raise
                self.lake_key = f"{self.key}.{self.organisation_id}"
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def assign_lake_key(self) -> str:
        """The lake key of a new survey: its key, or ``KEY.ORGANISATION_ID`` when another organisation's
        survey already has that key in the lake.

        Partitions, the manifest's item metadata and cached results are keyed by it, so two organisations'
        ``nki`` never share a partition or a cached frame. A survey key is a slug (no ``.``), so the second
        form can never be another survey's key; it is kept when the key or the owner changes later, because
        the survey's rows already lie in the lake under it.
        """
        taken = Survey.objects.filter(lake_key=self.key).exclude(pk=self.pk).exists()
        return f"{self.key}.{self.organisation_id}" if taken else self.key

    @property
    def reference(self) -> str:
        """``ORG:KEY``: the survey named unambiguously across organisations (the CLI, links of a person of
        several organisations)."""
        return f"{self.organisation.code}:{self.key}"

    @cached_property
    def url_key(self) -> str:
        """The key in links: ``KEY``, or ``ORG:KEY`` where another organisation whose surveys the reader can
        name uses the same key (so the link of a person of several organisations is not ambiguous, and a
        person of one organisation learns nothing of another's keys: :mod:`kundpuls.web.org.viewer`)."""
        others = Survey.objects.filter(key=self.key).exclude(organisation_id=self.organisation_id)
        visible = viewer_organisations()
        if visible is not None:
            others = others.filter(organisation_id__in=visible)
        return self.reference if others.exists() else self.key


class SurveyVersion(models.Model):
    """One version of a survey's definition. Published versions never change (see ``save``)."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    definition = models.JSONField(_("definition"))
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)

    class Meta:
        verbose_name = _("survey version")
        verbose_name_plural = _("survey versions")
        ordering = ["survey", "number"]
        constraints = [models.UniqueConstraint(fields=["survey", "number"], name="survey_version_unique")]

    def __str__(self) -> str:
        return f"{self.survey.key} v{self.number}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            stored = (
                SurveyVersion.objects.filter(pk=self.pk).values_list("published_at", "definition").first()
            )
            if stored is not None and stored[0] is not None and stored[1] != self.definition:
                raise ValueError(
                    f"definition: version {self.number} of {self.survey_id} is published and frozen"
                )
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class SurveyStatus(models.TextChoices):
    """Where a survey stands (derived, not stored): the value goes to the CLI, the label to the pages."""

    DRAFT = "draft", _("draft")
    PUBLISHED = "published", _("published")
    CLOSED = "closed", _("closed")


class Channel(models.TextChoices):
    LINK = "link", _("Open link")
    QR = "qr", _("QR code")
    INVITATION = "invitation", _("Personal invitation")
    API = "api", _("API")
    IMPORT = "import", _("Import")
    PAPER = "paper", _("Paper questionnaire")
    PHONE = "phone", _("Phone interview")
    KIOSK = "kiosk", _("Kiosk")


def _new_token() -> str:
    return secrets.token_urlsafe(9)


class Distribution(models.Model):
    """A survey opened for one unit on one channel; its ``token`` is the public address of the survey."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="distributions")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="distributions")
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices, default=Channel.LINK)
    token = models.CharField(max_length=32, unique=True, default=_new_token, editable=False)
    opens_at = models.DateTimeField(_("opens"), null=True, blank=True)
    closes_at = models.DateTimeField(_("closes"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("distribution")
        verbose_name_plural = _("distributions")
        ordering = ["survey", "unit__path", "channel"]
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "unit", "channel"],
                condition=models.Q(closed_at__isnull=True),
                name="one_open_distribution_per_unit_and_channel",
            )
        ]

    def __str__(self) -> str:
        return f"{self.survey.key} → {self.unit.code} ({self.channel})"

    def state(self, now: datetime | None = None) -> str:
        """``open``, ``not_yet_open`` or ``closed`` at ``now``."""
        now = now or timezone.now()
        if self.closed_at is not None or self.survey.closed_at is not None:
            return "closed"
        if self.closes_at is not None and now >= self.closes_at:
            return "closed"
        if self.opens_at is not None and now < self.opens_at:
            return "not_yet_open"
        return "open"

    @property
    def public_path(self) -> str:
        return f"/s/{self.token}/"
