"""Staff–customer gap: staff's view of how customers rate an attribute against the customers' own ratings.

The staff survey's codebook names mirrored items (``mirrors: {item, customer_item, customer_survey}``,
docs/methods.md §9.3). For the unit (its subtree) and the newest year in which both sides have enough answers,
each side's item index ``100·(x − lo)/(hi − lo)`` comes from the lake's moments
(:func:`kundpuls.stats.sufficient.mean_index_from_moments`), and the gap ``idx_staff − idx_customer`` with
its z test from :func:`kundpuls.stats.compare`. A side under its survey's threshold (resolved with the
setting, :mod:`kundpuls.reports.anonymity`) is hidden.
"""

from __future__ import annotations

import os

import numpy as np

from kundpuls.analytics.rollup import open_lake, sufficient_statistics
from kundpuls.errors import InsufficientData, InvalidArgument, NotFound
from kundpuls.instruments import SurveyDefinition
from kundpuls.reports import cache
from kundpuls.reports.anonymity import survey_thresholds
from kundpuls.reports.contracts import GapRow
from kundpuls.reports.disclosure import released_cells
from kundpuls.reports.index_frames import plan_for_lake
from kundpuls.stats import IndexResult, compare
from kundpuls.stats.sufficient import mean_index_from_moments


def _item_results(
    lake: str | os.PathLike[str], survey: str, items: list[str], unit: str, threshold: int
) -> dict[tuple[str, str], IndexResult]:
    """``{(period, item): IndexResult}`` per year for ``unit`` (its subtree)."""
    stats = sufficient_statistics(lake, survey, items=items, period="year", units=[unit], threshold=threshold)
    table = stats.table
    table = table[table["unit"] == unit].reset_index(drop=True)
    found: dict[tuple[str, str], IndexResult] = {}
    for row in table.itertuples(index=False):
        item, period = str(row.item), str(row.period)
        if bool(row.suppressed) or item not in stats.scales:
            found[(period, item)] = IndexResult.hidden(item)
            continue
        lo, hi = stats.scales[item]
        a = 100.0 / (hi - lo)
        n, total, total_sq = float(row.n), float(row.sum), float(row.sumsq)
        arrays = mean_index_from_moments(
            np.array([n]),
            np.array([a * (total - lo * n)]),
            np.array([a * a * (total_sq - 2 * lo * total + lo * lo * n)]),
            threshold=threshold,
        )
        found[(period, item)] = arrays.result(0)
    return found


def _released_only(
    lake: str | os.PathLike[str],
    definition: SurveyDefinition,
    threshold_setting: int,
    unit: str,
    found: dict[tuple[str, str], IndexResult],
) -> None:
    """Hide (in place) each item's year that the survey's results do not release for ``unit``.

    An item's yearly mean is a cell of the linked tables of that item's respondents
    (:func:`kundpuls.reports.disclosure.released_cells`): a parent's gap minus its children's, or a year
    against the months of the same item elsewhere, then recovers no small group.
    """
    plan = plan_for_lake(lake, definition, threshold_setting=threshold_setting)
    for (period, item), result in list(found.items()):
        if result.suppressed:
            continue
        cells = released_cells(lake, plan, f"item:{item}", items=(item,))
        if not cells.released(unit, period):
            found[(period, item)] = IndexResult.hidden(item)


def _value(result: IndexResult | None, key: str, label: str) -> IndexResult:
    if result is None or result.suppressed or result.estimate is None:
        return IndexResult.hidden(key, label)
    return result.named(key, label, kind="index")


def staff_customer_gaps(
    lake: str | os.PathLike[str],
    customer: SurveyDefinition,
    staff: SurveyDefinition,
    unit: str,
    *,
    threshold_setting: int,
    language: str = "sv",
) -> tuple[GapRow, ...]:
    """Gap rows for every item of ``staff`` mirrored on ``customer`` (empty when there is nothing to show).

    Each side is hidden under its survey's threshold resolved with ``threshold_setting``
    (``KUNDPULS_ANONYMITY_THRESHOLD``, :func:`kundpuls.reports.anonymity.survey_thresholds`).
    """
    mirrors = [m for m in staff.codebook.mirrors if (m.customer_survey or customer.key) == customer.key]
    if not mirrors:
        return ()
    _, manifest = open_lake(lake)
    staff_items = manifest.survey_items(staff.key)
    customer_items = manifest.survey_items(customer.key)
    pairs = [m for m in mirrors if m.item in staff_items and m.customer_item in customer_items]
    if not pairs:
        return ()
    staff_threshold = survey_thresholds(staff, setting=threshold_setting).groups
    customer_threshold = survey_thresholds(customer, setting=threshold_setting).groups
    key = (
        *cache.lake_key(lake),
        "gaps",
        customer.key,
        staff.key,
        unit,
        language,
        staff_threshold,
        customer_threshold,
    )

    def compute() -> tuple[GapRow, ...]:
        try:
            staff_side = _item_results(lake, staff.key, [m.item for m in pairs], unit, staff_threshold)
            customer_side = _item_results(
                lake, customer.key, [m.customer_item for m in pairs], unit, customer_threshold
            )
        except (NotFound, InvalidArgument):
            return ()
        _released_only(lake, staff, threshold_setting, unit, staff_side)
        _released_only(lake, customer, threshold_setting, unit, customer_side)
        years = sorted(
            {p for (p, i), r in staff_side.items() if not r.suppressed}
            & {p for (p, i), r in customer_side.items() if not r.suppressed}
        )
        if not years:
            return ()
        year = years[-1]
        labels = _labels(customer, language)
        rows = []
        for m in pairs:
            s = staff_side.get((year, m.item))
            c = customer_side.get((year, m.customer_item))
            label = labels.get(m.customer_item, m.customer_item)
            difference = None
            if s is not None and c is not None and not s.suppressed and not c.suppressed:
                try:
                    difference = compare(s, c).difference
                except (InsufficientData, InvalidArgument):
                    difference = None
            rows.append(
                GapRow(
                    m.customer_item,
                    label,
                    _value(s, m.item, label),
                    _value(c, m.customer_item, label),
                    difference,
                    str(year),
                )
            )
        return tuple(rows)

    return cache.cached(key, compute)


def _labels(definition: SurveyDefinition, language: str) -> dict[str, str]:
    """Item key -> a short label (the question or matrix row text)."""
    from kundpuls.instruments import stored_items

    return {item.key: item.text.in_language(language) for item in stored_items(definition)}
