"""Results computed before anyone asks: after a sync changed the lake, the first page should not wait.

A lake commit makes every cached result unreachable (:mod:`kundpuls.reports.cache` keys start with the lake's
generation). :func:`warm_results` computes, for the new generation, what every results page of a survey
starts from: its index plan, its index frames and their lookups, the linked-suppression grid and the change
flags (all computed inside the organisation's overview), and the report of the organisation's root unit
(drivers, funnel, trend, and the period's comments read for themes once for every unit; the period before's
too, which the start page sets each unit's themes beside). Each piece is
cached per survey, never per person, so a page of any unit or person afterwards finds them. Then the page
each unit opens on — its report for the newest period of :data:`WARMED_KINDS`' first kind, in
:data:`WARMED_LANGUAGE`, with comments — and that page's charts are computed for every unit of the
organisation with responses (the report's cache entry is the one :func:`~kundpuls.web.dashboards.queries.
unit_report_of` reads for every person allowed its comments), so the first visit after a sync only reads.
The lake refresher of each server process calls it after a round that changed the lake; with
``KUNDPULS_CACHE_URL`` the worker's sync job calls it too and every process shares the results (the charts
are drawn in each process: :mod:`kundpuls.render.report_page`).

Warming only reads and never raises: a survey that fails is logged and skipped (its page computes on demand,
as without warming).
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from kundpuls.errors import NotFound
from kundpuls.instruments import SurveyDefinition
from kundpuls.render.report_page import report_page
from kundpuls.reports.overview import organisation_overview
from kundpuls.reports.unit_report import survey_lookup, survey_plan, unit_comment_summary, unit_report
from kundpuls.web.dashboards.queries import (
    lake_dir,
    staff_survey_for,
    surveys_with_results,
    threshold_setting,
    unit_names,
    unit_report_of,
)
from kundpuls.web.org.models import Unit
from kundpuls.web.themes.queries import taxonomy_in_force

log = logging.getLogger(__name__)

#: The period kinds warmed: the pages' default first.
WARMED_KINDS = ("quarter",)
#: The language each unit's page is drawn in beforehand (Swedish first: docs/architecture.md).
WARMED_LANGUAGE = "sv"


@dataclass(frozen=True)
class WarmReport:
    """What one warming did."""

    surveys: int
    failed: int
    seconds: float
    #: Unit pages (report and charts) computed beforehand.
    pages: int = 0


def warm_results(kinds: tuple[str, ...] = WARMED_KINDS) -> WarmReport:
    """Compute and cache each survey's shared results for the lake as it is now (see the module)."""
    started = time.perf_counter()
    lake = lake_dir()
    setting = threshold_setting()
    names = unit_names()
    warmed = failed = pages = 0
    for survey, definition in surveys_with_results():
        organisation = survey.organisation
        own = list(Unit.objects.filter(path__startswith=organisation.path).order_by("path"))
        units = [unit.code for unit in own]
        try:
            for kind in kinds:
                organisation_overview(
                    lake, definition, units, threshold_setting=setting, names=names, period_kind=kind
                )
                root = unit_report(
                    lake,
                    definition,
                    organisation.code,
                    threshold_setting=setting,
                    names=names,
                    period_kind=kind,
                    include_comments=True,  # the period's comments read once for every unit
                    staff_definition=staff_survey_for(definition),
                    taxonomy=taxonomy_in_force(organisation),
                )
                periods = list(root.periods)
                if root.period in periods and periods.index(root.period) > 0:
                    # the start page sets each unit's comment themes beside the period before's
                    unit_comment_summary(
                        lake,
                        definition,
                        organisation.code,
                        threshold_setting=setting,
                        period=periods[periods.index(root.period) - 1],
                        period_kind=kind,
                        taxonomy=taxonomy_in_force(organisation),
                    )
            pages += _warm_unit_pages(lake, definition, own, setting=setting, kind=kinds[0])
        except NotFound:  # no responses under the organisation's root yet: nothing to warm
            continue
        except Exception:  # a page computes it on demand; warming must never stop the refresher or a job
            failed += 1
            log.exception("results warming: survey %s failed; its pages compute on demand", survey.lake_key)
        else:
            warmed += 1
    return WarmReport(warmed, failed, round(time.perf_counter() - started, 3), pages)


def _warm_unit_pages(
    lake: str, definition: SurveyDefinition, units: list[Unit], *, setting: int, kind: str
) -> int:
    """Each unit's opening page (report and charts) for the lake as it is now; how many were drawn."""
    plan = survey_plan(lake, definition, threshold_setting=setting)
    with_results = survey_lookup(lake, plan, period_kind=kind).unit_periods
    drawn = 0
    for unit in units:
        if unit.code not in with_results:
            continue
        report = unit_report_of(
            unit,
            definition,
            period_kind=kind,
            period=None,
            segment=None,
            segment_value=None,
            language=WARMED_LANGUAGE,
            comments=True,
        )
        report_page(report, WARMED_LANGUAGE)
        drawn += 1
    return drawn
