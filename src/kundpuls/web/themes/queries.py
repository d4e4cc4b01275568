"""Reads: the taxonomy in force (cached per revision), the history, and where each theme is used.

:func:`taxonomy_in_force` is the one way the web layer gets the comment themes. It costs one indexed
query per call; the YAML of a revision is parsed once per process.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.conf import settings
from django.utils.translation import gettext

from kundpuls.analytics.lake.manifest import lake_location, manifest_exists, read_manifest
from kundpuls.errors import NotFound, PermissionDenied
from kundpuls.reports.theme_counts import ThemeCounts, theme_counts
from kundpuls.reports.unit_report import survey_plan
from kundpuls.text.taxonomy import Taxonomy, default_taxonomy, taxonomy_from_yaml
from kundpuls.web.org.actors import SystemActor
from kundpuls.web.org.models import Unit
from kundpuls.web.org.permissions import Capability, allows, units_where
from kundpuls.web.surveys.models import Survey
from kundpuls.web.surveys.queries import current_version, definition_of
from kundpuls.web.themes.models import DiscoveryRun, TaxonomyRevision

_LOCK = threading.Lock()
# (revision pk, saved at) -> parsed taxonomy; the timestamp guards against a reused primary key
_PARSED: dict[tuple[int, datetime], Taxonomy] = {}


def current_revision(organisation: Unit) -> TaxonomyRevision | None:
    """``organisation``'s revision in force (None: none stored, the shipped default applies)."""
    found = TaxonomyRevision.objects.select_related("created_by").filter(organisation=organisation)
    return found.order_by("-number").first()


def taxonomy_in_force(organisation: Unit | int) -> Taxonomy:
    """The newest stored taxonomy revision of ``organisation`` (a root unit or its primary key), or the
    shipped default when it has none. Every organisation has its own (:mod:`kundpuls.web.org.tenancy`)."""
    organisation_pk = organisation if isinstance(organisation, int) else organisation.pk
    row = (
        TaxonomyRevision.objects.filter(organisation_id=organisation_pk)
        .order_by("-number")
        .values_list("pk", "created_at")
        .first()
    )
    if row is None:
        return default_taxonomy()
    key = (int(row[0]), row[1])
    with _LOCK:
        found = _PARSED.get(key)
    if found is not None:
        return found
    text = TaxonomyRevision.objects.values_list("text", flat=True).get(pk=row[0])
    parsed = taxonomy_from_yaml(text)  # stored revisions were validated when saved
    with _LOCK:
        if len(_PARSED) > 64:
            _PARSED.clear()
        _PARSED[key] = parsed
    return parsed


def revision_number(organisation: Unit) -> int:
    """The number of ``organisation``'s revision in force (0: the shipped default)."""
    found = TaxonomyRevision.objects.filter(organisation=organisation).order_by("-number")
    return int(found.values_list("number", flat=True).first() or 0)


def revision(organisation: Unit, number: int) -> TaxonomyRevision:
    found = (
        TaxonomyRevision.objects.select_related("created_by")
        .filter(organisation=organisation, number=number)
        .first()
    )
    if found is None:
        raise NotFound(gettext("revision: no taxonomy revision %(number)s") % {"number": number})
    return found


def revisions(organisation: Unit) -> list[TaxonomyRevision]:
    found = TaxonomyRevision.objects.select_related("created_by").filter(organisation=organisation)
    return list(found.order_by("-number"))


def editable_organisations(actor: object) -> list[Unit]:
    """The organisations (root units) whose taxonomy ``actor`` may edit, in code order."""
    roots = Unit.objects.filter(parent__isnull=True).order_by("code")
    return [root for root in roots if may_edit_taxonomy(actor, root)]


def may_edit_taxonomy(actor: object, organisation: Unit | None = None) -> bool:
    """Administrators and analysts of a whole organisation: ``manage_surveys`` on its root unit
    (``None``: on some organisation's, for menus).

    The taxonomy is the organisation's, shared by all its units, so a role on a part of the tree is not
    enough. Operators (the terminal, the demo loader) may; anything else is refused
    (:func:`~kundpuls.web.org.permissions.allows`).
    """
    if isinstance(actor, SystemActor):
        return allows(actor, Capability.MANAGE_SURVEYS, None)
    if organisation is not None:
        return organisation.parent_id is None and allows(actor, Capability.MANAGE_SURVEYS, organisation)
    return any(
        allows(actor, Capability.MANAGE_SURVEYS, root) for root in Unit.objects.filter(parent__isnull=True)
    )


def require_taxonomy_editor(actor: object, organisation: Unit) -> None:
    """Raise :class:`~kundpuls.errors.PermissionDenied` unless :func:`may_edit_taxonomy` allows ``actor`` on
    ``organisation``'s taxonomy."""
    if not may_edit_taxonomy(actor, organisation):
        raise PermissionDenied(
            gettext(
                "%(actor)s may not edit the taxonomy of %(organisation)s (manage_surveys on its root unit)"
            )
            % {"actor": actor, "organisation": organisation.code}
        )


@dataclass
class ThemeUsage:
    """Where a theme key is used: alert rules (``survey:rule``) and follow-up cases (their numbers)."""

    rules: list[str] = field(default_factory=list)
    cases: list[int] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.rules or self.cases)


#: Where other apps look up their uses of theme keys (``organisation pk, keys -> {key: ThemeUsage}``).
#: The cases app, which sits above this one, registers its alert rules and root causes here when it is
#: ready (``CasesConfig``).
USAGE_PROVIDERS: list[Callable[[int, set[str]], dict[str, ThemeUsage]]] = []


def theme_usage(organisation: Unit, keys: Iterable[str]) -> dict[str, ThemeUsage]:
    """For each of ``keys`` that is in use in ``organisation`` (every registered provider): where."""
    wanted = set(keys)
    usage: dict[str, ThemeUsage] = {}
    for provider in USAGE_PROVIDERS:
        for key, found in provider(organisation.pk, wanted).items():
            merged = usage.setdefault(key, ThemeUsage())
            merged.rules.extend(found.rules)
            merged.cases.extend(found.cases)
    return usage


def discovery_runs(user: Any, *, limit: int = 20) -> list[DiscoveryRun]:
    """The newest discovery runs on units whose comments ``user`` may read (runs hold example comments)."""
    visible = units_where(user, Capability.VIEW_COMMENTS)
    runs = DiscoveryRun.objects.filter(unit__in=visible).select_related("survey", "unit", "created_by")
    return list(runs[:limit])


def discovery_run(pk: int) -> DiscoveryRun:
    found = DiscoveryRun.objects.select_related("survey", "unit", "created_by").filter(pk=pk).first()
    if found is None:
        raise NotFound(gettext("discovery: no discovery run %(run)s") % {"run": pk})
    return found


def comments_per_theme(organisation: Unit, taxonomy: Taxonomy) -> ThemeCounts | None:
    """How many of ``organisation``'s comments each theme catches (each survey's last twelve months, under
    the rule of the results pages: :mod:`kundpuls.reports.theme_counts`); None without a lake."""
    lake = str(settings.KUNDPULS_LAKE_DIR)
    location = lake_location(lake)
    if not manifest_exists(location):
        return None
    in_lake = set(read_manifest(location).survey_keys())
    plans = {}
    for survey in Survey.objects.filter(organisation=organisation, key__in=in_lake).order_by("key"):
        version = current_version(survey)
        if version is not None:
            plans[survey.key] = survey_plan(
                lake, definition_of(version), threshold_setting=int(settings.KUNDPULS_ANONYMITY_THRESHOLD)
            )
    return theme_counts(lake, taxonomy, organisation=organisation.code, plans=plans)


def survey_titles(organisation: Unit, keys: Iterable[str]) -> list[str]:
    """The titles of ``organisation``'s surveys ``keys``, in that order (a key without a survey as itself)."""
    wanted = list(keys)
    found = dict(Survey.objects.filter(organisation=organisation, key__in=wanted).values_list("key", "title"))
    return [str(found.get(key, key)) for key in wanted]
