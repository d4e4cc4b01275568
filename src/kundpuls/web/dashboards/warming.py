"""Results computed before anyone asks: after a sync changed the lake, the first page should not wait.

A lake commit makes every cached result unreachable (:mod:`kundpuls.reports.cache` keys start with the lake's
generation). :func:`warm_results` computes, for the new generation, what every results page of a survey
starts from: its index plan, its index frames and their lookups, the linked-suppression grid and the change
flags (all computed inside the organisation's overview), and the report of the organisation's root unit
(drivers, funnel, trend, and the period's comments read for themes once for every unit). Each piece is
cached per survey, never per person (the root's report itself is shown to nobody), so a page of any unit or
person afterwards finds them. The lake refresher of each server process calls it after a round that changed
the lake; with ``KUNDPULS_CACHE_URL`` the worker's sync job calls it too and every process shares the result.

Warming only reads and never raises: a survey that fails is logged and skipped (its page computes on demand,
as without warming).
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from kundpuls.errors import NotFound
from kundpuls.reports.overview import organisation_overview
from kundpuls.reports.unit_report import unit_report
from kundpuls.web.dashboards.queries import (
    lake_dir,
    staff_survey_for,
    surveys_with_results,
    threshold_setting,
    unit_names,
)
from kundpuls.web.org.models import Unit
from kundpuls.web.themes.queries import taxonomy_in_force

log = logging.getLogger(__name__)

#: The period kinds warmed: the pages' default first.
WARMED_KINDS = ("quarter",)


@dataclass(frozen=True)
class WarmReport:
    """What one warming did."""

    surveys: int
    failed: int
    seconds: float


def warm_results(kinds: tuple[str, ...] = WARMED_KINDS) -> WarmReport:
    """Compute and cache each survey's shared results for the lake as it is now (see the module)."""
    started = time.perf_counter()
    lake = lake_dir()
    setting = threshold_setting()
    names = unit_names()
    warmed = failed = 0
    for survey, definition in surveys_with_results():
        organisation = survey.organisation
        own = Unit.objects.filter(path__startswith=organisation.path).order_by("path")
        units = list(own.values_list("code", flat=True))
        try:
            for kind in kinds:
                organisation_overview(
                    lake, definition, units, threshold_setting=setting, names=names, period_kind=kind
                )
                unit_report(
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
        except NotFound:  # no responses under the organisation's root yet: nothing to warm
            continue
        except Exception:  # a page computes it on demand; warming must never stop the refresher or a job
            failed += 1
            log.exception("results warming: survey %s failed; its pages compute on demand", survey.lake_key)
        else:
            warmed += 1
    return WarmReport(warmed, failed, round(time.perf_counter() - started, 3))
