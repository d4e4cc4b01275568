"""Reads of the organisation for pages and the CLI."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from kundpuls.errors import NotFound
from kundpuls.web.org.models import Role, Unit, UnitEvent
from kundpuls.web.org.permissions import Capability, can, units_where
from kundpuls.web.org.tenancy import outside_organisations


@dataclass(frozen=True)
class TreeRow:
    unit: Unit
    level: int  # indentation relative to the top of what the user sees


def visible_tree(user: Any, *, include_closed: bool = False) -> list[TreeRow]:
    """The units ``user`` may see, in tree order, indented relative to the topmost visible unit."""
    units: QuerySet[Unit] = units_where(user, Capability.VIEW_RESULTS)
    if not include_closed:
        units = units.filter(valid_to__isnull=True)
    ordered = sorted(units, key=lambda u: u.ancestor_ids())
    visible_ids = {u.pk for u in ordered}
    rows = []
    for unit in ordered:
        level = sum(1 for pk in unit.ancestor_ids()[:-1] if pk in visible_ids)
        rows.append(TreeRow(unit=unit, level=level))
    return rows


def unit_by_code(code: str, *, actor: Any = None) -> Unit:
    """The unit with ``code``. With ``actor``, a unit of an organisation in which she holds no role is not
    found either (:func:`~kundpuls.web.org.tenancy.outside_organisations`)."""
    unit = Unit.objects.select_related("parent", "merged_into").filter(code=code).first()
    if unit is None or (actor is not None and outside_organisations(actor, unit)):
        raise NotFound(_("unit: no unit with code %(code)r") % {"code": code})
    return unit


@dataclass(frozen=True)
class UnitPage:
    unit: Unit
    ancestors: list[Unit]
    children: list[Unit]
    events: list[UnitEvent]
    roles: list[Role]


def unit_page(user: Any, unit: Unit) -> UnitPage:
    """What the unit page shows ``user`` about ``unit`` (the caller has checked view permission)."""
    ancestor_ids = unit.ancestor_ids()[:-1]
    ancestors = [
        a for a in Unit.objects.filter(pk__in=ancestor_ids).order_by("depth") if can(user, "view_results", a)
    ]
    children = list(unit.children.filter(valid_to__isnull=True).order_by("name"))
    events = list(unit.events.select_related("from_parent", "to_parent", "merged_into").order_by("-at")[:20])
    roles = (
        list(Role.objects.filter(unit=unit).select_related("user").order_by("role", "user__email"))
        if can(user, Capability.ADMINISTER, unit)
        else []
    )
    return UnitPage(unit=unit, ancestors=ancestors, children=children, events=events, roles=roles)
