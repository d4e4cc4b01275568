"""The start page: what needs a person's attention today, gathered from the apps below the portal.

For everyone with roles: the results of the units they hold a role on (the main index of each of their
organisation's surveys, its interval, n and whether it changed clearly), their open, new and overdue
follow-up cases, and the goals in force on their units that are not met or uncertain. For analysts and
administrators also the organisation's clear drops and the units whose answers are too few to show. For a
superuser the lake's freshness. Each item links to the page where it is acted on. Nothing here computes a
number: the values are the overview's (:func:`kundpuls.web.dashboards.queries.overview`), so they equal
the results pages.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from kundpuls.reports.contracts import Overview, OverviewRow
from kundpuls.stats.goal_status import GoalState
from kundpuls.web.cases.queries import cases_for, is_overdue
from kundpuls.web.dashboards import queries as results
from kundpuls.web.goals.queries import GoalRow, goal_statuses
from kundpuls.web.org.models import Role, RoleKind, Unit
from kundpuls.web.org.permissions import Capability, can, units_where
from kundpuls.web.responses.queries import lake_updated_at

#: Cases opened in the last days count as new.
NEW_CASE_DAYS = 7
#: At most this many rows per list on the start page (the full lists are one click away).
LIST_LIMIT = 8


@dataclass(frozen=True)
class SurveyResults:
    """One survey's main index for the person's own units, and (for analysts) the organisation's news."""

    survey_key: str
    title: str
    overview: Overview
    own: list[OverviewRow]
    drops: list[OverviewRow] = field(default_factory=list)
    hidden: list[OverviewRow] = field(default_factory=list)


@dataclass(frozen=True)
class StartPage:
    role_units: list[Unit]
    surveys: list[SurveyResults]
    open_cases: int
    new_cases: int
    overdue_cases: int
    may_see_cases: bool
    goals_at_risk: list[GoalRow]
    analyst: bool
    lake_updated_at: datetime | None
    superuser: bool

    @property
    def nothing_to_do(self) -> bool:
        return not (self.overdue_cases or self.new_cases or self.goals_at_risk)


def _role_units(user: Any) -> list[Unit]:
    units = Unit.objects.filter(roles__user=user, valid_to__isnull=True).distinct().order_by("path")
    return list(units)


def _is_analyst(user: Any) -> bool:
    if user.is_superuser:
        return True
    return Role.objects.filter(user=user, role__in=(RoleKind.ANALYST, RoleKind.ADMIN)).exists()


def _root(path: str) -> str:
    return path.strip("/").split("/")[0]


def _survey_results(user: Any, own_codes: set[str], analyst: bool, language: str) -> list[SurveyResults]:
    """The main index of each survey of the person's organisations (one never run there is left out)."""
    roots = {
        _root(path) for path in units_where(user, Capability.VIEW_RESULTS).values_list("path", flat=True)
    }
    found = []
    for survey, definition in results.surveys_with_results():
        if _root(survey.owner.path) not in roots:
            continue
        overview = results.overview(
            user,
            definition,
            organisation=survey.organisation_id,
            period_kind="quarter",
            period=None,
            sort="tree",
            descending=False,
            language=language,
        )
        own = [row for row in overview.rows if row.unit_code in own_codes and row.measured]
        drops: list[OverviewRow] = []
        hidden: list[OverviewRow] = []
        if analyst:
            drops = [
                row
                for row in overview.rows
                if row.change is not None and row.change.significant and (row.change.difference or 0.0) < 0
            ][:LIST_LIMIT]
            hidden = [
                row
                for row in overview.rows
                if row.measured and (row.needs.suppressed if row.needs else row.value.suppressed)
            ][:LIST_LIMIT]
        if own or drops or hidden:
            title = definition.title.in_language(language) if definition.title else survey.key
            found.append(SurveyResults(survey.url_key, title, overview, own, drops, hidden))
    return found


def start_page(user: Any, *, language: str = "sv") -> StartPage:
    """Everything the start page shows for ``user``."""
    role_units = _role_units(user)
    analyst = _is_analyst(user)
    own_codes = {unit.code for unit in role_units}
    may_see_cases = can(user, Capability.VIEW_CASES)
    open_cases = new_cases = overdue_cases = 0
    if may_see_cases:
        today = timezone.localdate()
        since = timezone.now() - timedelta(days=NEW_CASE_DAYS)
        cases = [c for c in cases_for(user) if c.is_open]
        open_cases = len(cases)
        new_cases = sum(1 for c in cases if c.opened_at >= since)
        overdue_cases = sum(1 for c in cases if is_overdue(c, today=today))
    at_risk = [
        row
        for row in goal_statuses(role_units)
        if row.status.state in (GoalState.NOT_MET, GoalState.UNCERTAIN)
    ][:LIST_LIMIT]
    return StartPage(
        role_units=role_units,
        surveys=_survey_results(user, own_codes, analyst, language),
        open_cases=open_cases,
        new_cases=new_cases,
        overdue_cases=overdue_cases,
        may_see_cases=may_see_cases,
        goals_at_risk=at_risk,
        analyst=analyst,
        lake_updated_at=lake_updated_at(),
        superuser=bool(user.is_superuser),
    )
