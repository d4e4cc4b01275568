"""Metric results for goals, read from the analytics lake (never from the transactional response tables).

- ``index:<NAME>`` and ``nps``: a goal's month, quarter or year is a cell of the index frame every results
  surface reads (:mod:`kundpuls.reports.index_frames`), so a goal shows the dashboard's number; an
  improvement action's follow-up window uses the frame's own arithmetic
  (:func:`kundpuls.reports.index_frames.window_results`; NPS through :func:`index_table`).
- ``response_rate``: respondents in the lake / customers served (the imported volume), a Wilson interval
  from :func:`kundpuls.stats.proportion_from_counts`, shown only where the respondents' cell is released
  by the linked rule (:func:`response_rates`).
- ``cases_in_time``: follow-up cases due in the period and closed by their due date (Wilson interval).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from kundpuls.analytics.index_tables import index_table
from kundpuls.analytics.lake.layout import month_from_index, month_index
from kundpuls.analytics.rollup import open_lake, sufficient_statistics
from kundpuls.analytics.unit_paths import path_segments
from kundpuls.errors import KundpulsError, ValidationError
from kundpuls.instruments import SurveyDefinition
from kundpuls.reports.anonymity import survey_thresholds
from kundpuls.reports.disclosure import released_cells
from kundpuls.reports.index_frames import frame_result, window_results
from kundpuls.reports.unit_report import survey_lookup, survey_plan
from kundpuls.stats import IndexResult, proportion_from_counts
from kundpuls.web.cases.queries import share_closed_in_time
from kundpuls.web.goals.models import UnitCost
from kundpuls.web.goals.periods import Period
from kundpuls.web.org.models import Unit
from kundpuls.web.surveys.models import Survey
from kundpuls.web.surveys.queries import results_definition

METRIC_KINDS = ("nps", "response_rate", "cases_in_time")


def _empty() -> IndexResult:
    return IndexResult(None, None, None, 0, 0.0, "no data", False)


def _hidden(method: str) -> IndexResult:
    """A suppressed result: no numbers, not even n."""
    return IndexResult.hidden(method=method)


def _released_only(
    definition: SurveyDefinition, key: str, period: Period, results: dict[str, IndexResult]
) -> dict[str, IndexResult]:
    """``results`` with every cell the survey's results do not release hidden (docs/methods.md, anonymity).

    A goal's period is a month, a quarter or a year, so its numbers are cells of the tables the unit page
    and the API read: :func:`kundpuls.reports.disclosure.released_cells` decides for them all at once, so
    that no goal shows a number that could be differenced with a page. An improvement action's follow-up
    window (months before and after) is shown only when each of its months is released.
    """
    lake = settings.KUNDPULS_LAKE_DIR
    plan = survey_plan(lake, definition, threshold_setting=int(settings.KUNDPULS_ANONYMITY_THRESHOLD))
    if (key == "NPS" and not plan.nps_item) or (key != "NPS" and key not in plan.indices):
        return {c: _hidden(r.method) if r.suppressed else r for c, r in results.items()}
    found = released_cells(lake, plan, key)
    calendar = period.label[:4].isdigit()  # a goal's year, quarter or month; else a follow-up window
    months = [
        month_from_index(i) for i in range(month_index(period.start_month), month_index(period.end_month) + 1)
    ]
    out = {}
    for code, result in results.items():
        has_numbers = result.estimate is not None or result.suppressed
        allowed = found.released(code, period.label) if calendar else found.released_window(code, months)
        shown = not result.suppressed and allowed
        out[code] = _hidden(result.method) if has_numbers and not shown else result
    return out


def survey_definition(survey: Survey) -> SurveyDefinition:
    """The survey's newest published definition as the results read it (keyed by its lake key)."""
    version = survey.versions.filter(published_at__isnull=False).order_by("-number").first()
    if version is None:
        raise ValidationError(
            _("survey: %(key)r has no published version") % {"key": survey.key},
            field="survey",
            value=survey.key,
        )
    return results_definition(survey, version)


def check_metric(metric: str, survey: Survey | None) -> None:
    """Raise :class:`ValidationError` unless ``metric`` fits ``survey`` (its codebook)."""
    if metric == "cases_in_time":
        return
    if survey is None:
        raise ValidationError(
            _("survey: metric %(metric)r needs a survey") % {"metric": metric}, field="survey", value=None
        )
    definition = survey_definition(survey)
    if metric == "nps":
        if definition.codebook.nps is None:
            raise ValidationError(
                _("metric: survey %(key)r has no NPS item") % {"key": survey.key},
                field="metric",
                value=metric,
            )
        return
    if metric == "response_rate":
        return
    if metric.startswith("index:") and metric[6:] in definition.codebook.indices:
        return
    choices = [f"index:{k}" for k in definition.codebook.indices] + list(METRIC_KINDS)
    raise ValidationError(
        _("metric: %(metric)r is not one of %(choices)s") % {"metric": metric, "choices": ", ".join(choices)},
        field="metric",
        value=metric,
    )


def _threshold(definition: SurveyDefinition | None) -> int:
    """The survey's threshold resolved with ``KUNDPULS_ANONYMITY_THRESHOLD`` (no survey: the setting)."""
    return survey_thresholds(definition, setting=int(settings.KUNDPULS_ANONYMITY_THRESHOLD)).groups


def _period_kind(period: Period) -> str | None:
    """The report period kind of a goal's period (``2026``, ``2026-Q2``, ``2026-05``); None for a window."""
    label = period.label
    if len(label) == 4 and label.isdigit():
        return "year"
    if len(label) == 7 and label[4:6] == "-Q":
        return "quarter"
    if len(label) == 7 and label[4] == "-" and label[5:].isdigit():
        return "month"
    return None


def index_results(
    survey: Survey, index_name: str, period: Period, unit_codes: Sequence[str]
) -> dict[str, IndexResult]:
    """A codebook index (or ``"NPS"``) per unit (rolled up over each unit's subtree) for ``period``.

    A month, quarter or year is read from the index frame every results surface reads
    (:func:`kundpuls.reports.unit_report.survey_lookup`), so a goal shows the dashboard's number; a
    follow-up window of months is computed with the frame's own arithmetic
    (:func:`kundpuls.reports.index_frames.window_results`).
    """
    definition = survey_definition(survey)
    lake = settings.KUNDPULS_LAKE_DIR
    plan = survey_plan(lake, definition, threshold_setting=int(settings.KUNDPULS_ANONYMITY_THRESHOLD))
    if index_name != "NPS" and index_name not in plan.indices:
        return {code: _empty() for code in unit_codes}
    kind = _period_kind(period)
    if kind is not None:
        found = survey_lookup(lake, plan, period_kind=kind)
        label, kind = plan.label(index_name), plan.kind(index_name)
        rows = {code: found.row(code, index_name, period.label) for code in unit_codes}
        out = {
            code: _empty() if row is None else frame_result(row, index_name, label, kind)
            for code, row in rows.items()
        }
    elif index_name == "NPS":
        return _window_nps(survey, period, unit_codes)
    else:
        results = window_results(
            lake, plan, index_name, start=period.start_month, end=period.end_month, units=unit_codes
        )
        out = {code: results.get(code, _empty()) for code in unit_codes}
    return _released_only(definition, index_name, period, out)


def nps_results(survey: Survey, period: Period, unit_codes: Sequence[str]) -> dict[str, IndexResult]:
    """NPS per unit for ``period`` (as :func:`index_results`)."""
    return index_results(survey, "NPS", period, unit_codes)


def _window_nps(survey: Survey, period: Period, unit_codes: Sequence[str]) -> dict[str, IndexResult]:
    definition = survey_definition(survey)
    item = definition.codebook.nps
    stats = sufficient_statistics(
        settings.KUNDPULS_LAKE_DIR,
        survey.lake_key,
        items=[item] if item else None,
        nps_items=[item] if item else None,
        period="all",
        start=period.start_month,
        end=period.end_month,
        units=list(unit_codes),
        threshold=_threshold(definition),
    )
    return _released_only(definition, "NPS", period, _results_by_unit(index_table(stats)))


def _results_by_unit(table: Any) -> dict[str, IndexResult]:
    out = {}

    def number(v: Any, suppressed: bool) -> float | None:
        return None if suppressed or v is None or v != v else float(v)

    for row in table.itertuples(index=False):
        suppressed = bool(row.suppressed)
        n = 0 if row.n is None or row.n != row.n else int(row.n)
        out[str(row.unit)] = IndexResult(
            number(row.estimate, suppressed),
            number(row.ci_low, suppressed),
            number(row.ci_high, suppressed),
            n,
            float(row.n_eff) if row.n_eff == row.n_eff and row.n_eff is not None else 0.0,
            str(row.method),
            suppressed,
        )
    return out


def response_rates(survey: Survey, period: Period, units: Sequence[Unit]) -> dict[str, IndexResult]:
    """Respondents / customers served per unit subtree in ``period``, under the linked rule.

    The respondents are a cell of the grid of every respondent the comments are released by
    (:func:`kundpuls.reports.disclosure.released_cells`, docs/methods.md, anonymity): a rate is shown only
    when that cell is released (a follow-up window: each of its months), so a small group of respondents
    cannot be read off a rate times its volume, nor differenced with another period or unit.
    """
    definition = survey_definition(survey)
    lake = settings.KUNDPULS_LAKE_DIR
    plan = survey_plan(lake, definition, threshold_setting=int(settings.KUNDPULS_ANONYMITY_THRESHOLD))
    everyone = released_cells(lake, plan, "respondents", items=(), answered=((), ()))
    months = [
        month_from_index(i) for i in range(month_index(period.start_month), month_index(period.end_month) + 1)
    ]
    calendar = period.label[:4].isdigit()
    out: dict[str, IndexResult] = {}
    for unit in units:
        volume = served(unit, period)
        if not volume or volume[1] <= 0:
            continue
        if calendar:
            answered = everyone.counts.get((unit.code, period.label, "", ""), 0)
            allowed = everyone.released(unit.code, period.label)
        else:
            answered = sum(everyone.counts.get((unit.code, m, "", ""), 0) for m in months)
            allowed = everyone.released_window(unit.code, months)
        result = proportion_from_counts(
            [min(answered, volume[1])], [volume[1]], threshold=plan.threshold
        ).result(0)
        out[unit.code] = result if allowed and answered >= plan.threshold else _hidden(result.method)
    return out


def served(unit: Unit, period: Period) -> tuple[float, int] | None:
    """(cost, customers served) of the subtree in periods inside ``period`` (None: nothing imported)."""
    rows = [c for c in UnitCost.objects.filter(unit__path__startswith=unit.path) if _inside(c.period, period)]
    if not rows:
        return None
    return float(sum(c.cost for c in rows)), int(sum(c.volume for c in rows))


def _inside(label: str, period: Period) -> bool:
    from kundpuls.web.goals.periods import parse_period

    other = parse_period(label)
    return period.start <= other.start and other.end <= period.end


def metric_results(
    metric: str, survey: Survey | None, period: Period, units: Sequence[Unit]
) -> dict[str, IndexResult]:
    """``metric`` for each unit (keyed by unit code); units without data get a 'no data' result."""
    codes = [u.code for u in units]
    found: dict[str, IndexResult] = {}
    try:
        if metric != "cases_in_time":
            paths = open_lake(settings.KUNDPULS_LAKE_DIR)[1].units.values()
            in_lake = {code for path in paths for code in path_segments(path)}
            lake_codes = [c for c in codes if c in in_lake]  # units without responses have no data
            if not lake_codes:
                return {code: _empty() for code in codes}
        if metric == "cases_in_time":
            for unit in units:
                in_time, due = share_closed_in_time(unit, period.start, period.end)
                found[unit.code] = (
                    proportion_from_counts([in_time], [due], threshold=_threshold(None)).result(0)
                    if due
                    else _empty()
                )
        elif survey is None:
            pass
        elif metric == "nps":
            found = nps_results(survey, period, lake_codes)
        elif metric.startswith("index:"):
            found = index_results(survey, metric[6:], period, lake_codes)
        elif metric == "response_rate":
            found = response_rates(survey, period, [u for u in units if u.code in lake_codes])
    except KundpulsError:  # no lake yet, survey without responses …: no data
        found = {}
    return {code: found.get(code, _empty()) for code in codes}
