"""Units in a tree (materialised path), roles held on a unit for its subtree, and the audit log."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kundpuls.analytics.unit_paths import path_segments


class UnitKind(models.TextChoices):
    ORGANISATION = "organisation", _("Organisation")
    ADMINISTRATION = "administration", _("Administration")
    DEPARTMENT = "department", _("Department")
    UNIT = "unit", _("Unit")


class Unit(models.Model):
    """A part of the organisation that meets customers or contains parts that do.

    ``path`` is the materialised path of primary keys from the root, e.g. ``/1/4/17/``: the subtree of a
    unit is every unit whose path starts with its path. A unit is never deleted once it has history: it is
    closed (``valid_to``) and, when merged, points to the unit that took over (``merged_into``).
    """

    code = models.CharField(_("code"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=32, choices=UnitKind.choices, default=UnitKind.UNIT)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent"),
    )
    path = models.CharField(_("path"), max_length=1024, db_index=True, editable=False)
    depth = models.PositiveSmallIntegerField(_("depth"), default=0, editable=False)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_from",
        verbose_name=_("merged into"),
    )

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["path"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_to__isnull=True)
                | models.Q(valid_from__isnull=True)
                | models.Q(valid_to__gte=models.F("valid_from")),
                name="unit_valid_to_after_valid_from",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    @property
    def is_active(self) -> bool:
        return self.valid_to is None

    def ancestor_ids(self) -> list[int]:
        """Primary keys from the root down to and including this unit."""
        return [int(part) for part in path_segments(self.path)]


class RoleKind(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    ANALYST = "analyst", _("Analyst")
    MANAGER = "manager", _("Unit manager")
    VIEWER = "viewer", _("Viewer")


class Role(models.Model):
    """``user`` holds ``role`` on ``unit`` and on every unit below it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="roles", verbose_name=_("user")
    )
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="roles", verbose_name=_("unit"))
    role = models.CharField(_("role"), max_length=16, choices=RoleKind.choices)

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        constraints = [models.UniqueConstraint(fields=["user", "unit", "role"], name="role_unique")]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} – {self.unit}"


class UnitEvent(models.Model):
    """History of the tree: a unit was created, moved, renamed, closed or merged."""

    class Kind(models.TextChoices):
        CREATED = "created", _("Created")
        MOVED = "moved", _("Moved")
        CHANGED = "changed", _("Changed")
        CLOSED = "closed", _("Closed")
        MERGED = "merged", _("Merged")

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    from_parent = models.ForeignKey(Unit, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    to_parent = models.ForeignKey(Unit, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    merged_into = models.ForeignKey(Unit, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    effective = models.DateField(null=True, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.unit} {self.kind} {self.effective or self.at:%Y-%m-%d}"


class AuditEvent(models.Model):
    """Every change of state by a person: who, what, when (and on what)."""

    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    actor_label = models.CharField(max_length=200, blank=True, help_text="e.g. 'cli' when no user")
    action = models.CharField(max_length=100)
    target = models.CharField(max_length=200, blank=True)
    details = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label or self.actor} {self.action} {self.target}"
