"""The start page: what needs a person's attention today, gathered from the apps below the portal.

For everyone with roles: the results of the units they hold a role on (the main index of each of their
organisation's surveys, its interval, n and whether it changed clearly; the response rate where customers
were invited; the comment themes raised clearly more often than the period before), their open, new and
overdue follow-up cases, and the goals in force on their units that are not met or uncertain. For analysts
and administrators also the organisation's clear drops, the units that differ clearly from their siblings
(the funnel outliers of :func:`kundpuls.reports.unit_report.period_outliers`) and the units whose answers
are too few to show.
For a superuser the system's health (:func:`kundpuls.web.operations.queries.system_health`); for an
organisation's administrator the same, with the bounces and webhooks of her own units. Each item links
to the page where it is acted on. Nothing here computes a number: the values are the overview's
(:func:`kundpuls.web.dashboards.queries.overview`), the unit page's comment themes
(:func:`kundpuls.web.dashboards.queries.unit_comment_themes`) and the invitation page's response rates, so
they equal those pages.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from kundpuls.reports.contracts import Overview, OverviewRow
from kundpuls.stats.count_change import rise_p_values
from kundpuls.stats.goal_status import GoalState
from kundpuls.stats.multiplicity import bh_reject
from kundpuls.web.cases.queries import cases_for, is_overdue
from kundpuls.web.dashboards import queries as results
from kundpuls.web.goals.queries import GoalRow, goal_statuses
from kundpuls.web.invitations.queries import UnitRate, unit_rates
from kundpuls.web.operations.queries import SystemHealth, system_health
from kundpuls.web.org.models import Role, RoleKind, Unit
from kundpuls.web.org.permissions import Capability, can, units_where
from kundpuls.web.responses.queries import lake_updated_at

#: Cases opened in the last days count as new.
NEW_CASE_DAYS = 7
#: At most this many rows per list on the start page (the full lists are one click away).
LIST_LIMIT = 8
#: At most this many rising comment themes per unit (:func:`_theme_rises` says when a theme rises).
THEMES_SHOWN = 3


@dataclass(frozen=True)
class ThemeRise:
    """A comment theme raised in ``count`` comments this period and ``previous`` the period before."""

    key: str
    label: str
    count: int
    previous: int


@dataclass(frozen=True)
class OwnResult:
    """The main index of one of the person's units, with its response rate (invited customers only) and
    the comment themes that rose since ``previous_period``."""

    row: OverviewRow
    rate: UnitRate | None = None
    themes: list[ThemeRise] = field(default_factory=list)
    previous_period: str | None = None


@dataclass(frozen=True)
class SurveyResults:
    """One survey's main index for the person's own units, and (for analysts) the organisation's news."""

    survey_key: str
    title: str
    overview: Overview
    own: list[OwnResult]
    drops: list[OverviewRow] = field(default_factory=list)
    outliers: list[OverviewRow] = field(default_factory=list)
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
    health: SystemHealth | None = None

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


def _theme_rises(
    user: Any, unit: Unit, definition: Any, overview: Overview, language: str
) -> tuple[list[ThemeRise], str | None]:
    """The themes the unit's comments raised clearly more often this period than the period before, most
    risen first: more than the change in the number of respondents explains, with the false discovery rate
    kept at 5 % across the unit's themes (:func:`kundpuls.stats.count_change.rise_p_values`, then
    Benjamini–Hochberg). Nothing when either period's comments are hidden or not readable."""
    periods = list(overview.periods)
    if overview.period not in periods or periods.index(overview.period) == 0:
        return [], None
    previous_period = periods[periods.index(overview.period) - 1]
    now = results.unit_comment_themes(
        user, unit, definition, period_kind=overview.period_kind, period=overview.period, language=language
    )
    if now is None or now.suppressed or not now.themes:
        return [], previous_period
    before = results.unit_comment_themes(
        user, unit, definition, period_kind=overview.period_kind, period=previous_period, language=language
    )
    if before is None or before.suppressed or not before.respondents:
        return [], previous_period
    earlier = {theme.key: theme.count for theme in before.themes}
    counts = [(theme, earlier.get(theme.key, 0)) for theme in now.themes]
    p_values = rise_p_values(
        [theme.count for theme, _ in counts],
        [previous for _, previous in counts],
        # a survey with two open questions can give one respondent two comments on a theme: the exposure is
        # never below the comments counted
        respondents_now=max(now.respondents or 0, now.comments),
        respondents_before=max(before.respondents or 0, before.comments),
    )
    rises = [
        ThemeRise(theme.key, theme.label, theme.count, previous)
        for (theme, previous), flagged in zip(counts, bh_reject(p_values), strict=True)
        if flagged
    ]
    rises.sort(key=lambda r: (-(r.count - r.previous), r.label))
    return rises[:THEMES_SHOWN], previous_period


def _survey_results(
    user: Any, own_units: dict[str, Unit], analyst: bool, language: str
) -> list[SurveyResults]:
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
        rates = {rate.unit_code: rate for rate in unit_rates(survey) if rate.invited}
        own = []
        for row in overview.rows:
            if row.unit_code not in own_units or not row.measured:
                continue
            themes, previous = _theme_rises(user, own_units[row.unit_code], definition, overview, language)
            own.append(OwnResult(row, rates.get(row.unit_code), themes, previous))
        drops: list[OverviewRow] = []
        outliers: list[OverviewRow] = []
        hidden: list[OverviewRow] = []
        if analyst:
            drops = [
                row
                for row in overview.rows
                if row.change is not None and row.change.significant and (row.change.difference or 0.0) < 0
            ][:LIST_LIMIT]
            # below their siblings first: those are the ones to look into
            outliers = sorted(
                (row for row in overview.rows if row.outlier is not None), key=lambda r: r.outlier != "below"
            )[:LIST_LIMIT]
            hidden = [
                row
                for row in overview.rows
                if row.measured and (row.needs.suppressed if row.needs else row.value.suppressed)
            ][:LIST_LIMIT]
        if own or drops or outliers or hidden:
            title = definition.title.in_language(language) if definition.title else survey.key
            found.append(SurveyResults(survey.url_key, title, overview, own, drops, outliers, hidden))
    return found


def start_page(user: Any, *, language: str = "sv") -> StartPage:
    """Everything the start page shows for ``user``."""
    role_units = _role_units(user)
    analyst = _is_analyst(user)
    own_units = {unit.code: unit for unit in role_units}
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
        surveys=_survey_results(user, own_units, analyst, language),
        open_cases=open_cases,
        new_cases=new_cases,
        overdue_cases=overdue_cases,
        may_see_cases=may_see_cases,
        goals_at_risk=at_risk,
        analyst=analyst,
        lake_updated_at=lake_updated_at(),
        superuser=bool(user.is_superuser),
        health=_health(user),
    )


def _health(user: Any) -> SystemHealth | None:
    """The installation's health for an operator; for an organisation's administrator the same, with the
    bounces and failed webhooks of her own units only; nothing for anyone else."""
    if user.is_superuser:
        return system_health()
    if not Role.objects.filter(user=user, role=RoleKind.ADMIN).exists():
        return None
    return system_health(units=units_where(user, Capability.ADMINISTER))
