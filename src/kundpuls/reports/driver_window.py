"""The driver analysis of a unit report over one stated window: the twelve months up to the chosen period.

The priority matrix (x = effektmått, y = the area's index) and the "improve first" list of the dashboard and
the PDF come from :func:`drivers_in_window`. Both axes use the same respondents: those who answered every
item of the driver model in the window :func:`driver_window` names — the twelve calendar months ending with
the last month of the report's period (a year report: that year; a quarter report: that quarter and the
three before it). Twelve months give the PLS model enough answers and smooth out seasons, while a report
of a later period never sees older answers than a year back.

The y value of an area is the codebook index of that area (the same weighted mean on 0–100 the index cards
use, :func:`kundpuls.reports.index_frames.index_coefficients`) of the window's respondents; the x value is
the PLS effect (:func:`kundpuls.stats.pls.moments.drivers_from_moments`). An area without a codebook index
of its own keeps the PLS construct index.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

import numpy as np
import pandas as pd
import pyarrow as pa

from kundpuls.analytics.cross_products import CrossProducts, cross_products
from kundpuls.analytics.lake.layout import month_from_index, month_index
from kundpuls.analytics.periods import period_table
from kundpuls.analytics.rollup import open_lake, resolve_query_items
from kundpuls.analytics.unit_paths import path_segments
from kundpuls.errors import ConvergenceError, InsufficientData, InvalidArgument
from kundpuls.instruments import SurveyDefinition
from kundpuls.reports import cache
from kundpuls.reports.contracts import DriverReport, DriverRow
from kundpuls.reports.disclosure import released_cells
from kundpuls.reports.index_frames import IndexPlan, index_coefficients
from kundpuls.stats import priority_matrix
from kundpuls.stats.pls.moments import drivers_from_moments

DRIVER_MIN_N = 50
EFFECT_STEP = 5.0
WINDOW_MONTHS = 12


def driver_window(
    lake: str | os.PathLike[str], survey: str, period: str, period_kind: str
) -> tuple[str, str]:
    """``(first month, last month)`` of the twelve months ending with the last month of ``period``."""
    _, manifest = open_lake(lake)
    table = period_table(manifest.months(survey), period_kind)
    table = table.filter(pa.compute.equal(table.column("period"), period))
    if table.num_rows == 0:
        raise InvalidArgument(
            f"period: {period!r} is not a {period_kind} with responses of survey {survey!r}",
            field="period",
            value=period,
        )
    end = str(table.column("period_end")[0].as_py())
    return month_from_index(month_index(end) - (WINDOW_MONTHS - 1)), end


def driver_table(
    lake: str | os.PathLike[str], definition: SurveyDefinition, plan: IndexPlan, window: tuple[str, str]
) -> CrossProducts | None:
    """Cross products of every driver-model item for every unit over ``window`` (cached)."""
    model = definition.codebook.driver_model
    if model is None:
        return None
    items = tuple(dict.fromkeys(i for c in model.constructs.values() for i in c.indicators))
    _, manifest = open_lake(lake)
    if any(i not in manifest.survey_items(plan.survey_key) for i in items):
        return None
    key = (*cache.lake_key(lake), "drivers", plan.survey_key, plan.threshold, items, window)
    return cache.cached(
        key,
        lambda: cross_products(
            lake,
            plan.survey_key,
            items,
            period="all",
            start=window[0],
            end=window[1],
            threshold=plan.threshold,
        ),
    )


def _area_indices(
    lake: str | os.PathLike[str], plan: IndexPlan, items: tuple[str, ...], means: np.ndarray
) -> dict[str, float]:
    """The codebook index of every index whose items are all among ``items``, from the items' means."""
    _, manifest = open_lake(lake)
    _, _, scales, _ = resolve_query_items(manifest, plan.survey_key)
    position = {item: i for i, item in enumerate(items)}
    out: dict[str, float] = {}
    for key in plan.indices:
        if all(i in position for i in plan.items[key]):
            c, d = index_coefficients(plan, key, scales)
            out[key] = float(c @ means[[position[i] for i in plan.items[key]]] - d)
    return out


def drivers_in_window(
    lake: str | os.PathLike[str],
    definition: SurveyDefinition,
    plan: IndexPlan,
    path: str,
    window: tuple[str, str],
    names: Mapping[str, str],
    language: str,
) -> DriverReport | None:
    """PLS driver analysis of the unit over ``window``, or of its nearest ancestor with n ≥ 50 there;
    none for a unit where no one answered the model's items in the window.

    The survey's PLS model is fitted on the group's item means and covariance from the lake's cross
    products (the same result as fitting the respondents' rows), so no answers leave the analytics engine.
    """
    cp = driver_table(lake, definition, plan, window)
    model = definition.codebook.driver_model
    if cp is None or model is None:
        return None
    groups = cp.groups.reset_index(drop=True)
    # the windows of consecutive periods overlap: shown only where each month of the window is a released
    # cell of the same respondents (the driver items answered), a window adds nothing to those cells, and
    # no month is recovered as one window minus another (docs/methods.md, conventions on anonymity)
    released = released_cells(lake, plan, "drivers", items=cp.items)
    first, last = month_index(window[0]), month_index(window[1])
    months = [month_from_index(i) for i in range(first, last + 1)]
    codes = path_segments(path)[::-1]
    own = groups.index[groups["unit"] == codes[0]]
    if not len(own) or (not pd.isna(groups.loc[own[0], "n"]) and float(groups.loc[own[0], "n"]) <= 0):
        return None  # no one answered here in the window: another unit's matrix is no advice for this one
    chosen = None
    for code in codes:
        hit = groups.index[(groups["unit"] == code) & ~groups["suppressed"].astype(bool)]
        if (
            len(hit)
            and float(groups.loc[hit[0], "n"]) >= DRIVER_MIN_N
            and released.released_window(code, months)
        ):
            chosen = int(hit[0])
            break
    if chosen is None:
        return None
    _, manifest = open_lake(lake)
    meta = manifest.survey_items(plan.survey_key)
    scales = {i: (float(meta[i].get("min", 1)), float(meta[i].get("max", 10))) for i in cp.items}
    n = int(groups.loc[chosen, "n"])
    means = cp.means()[chosen]
    try:
        found = drivers_from_moments(
            model.as_model_file(),
            list(cp.items),
            means,
            cp.covariance(chosen),
            n,
            target=model.outcome,
            scales=scales,
            step=EFFECT_STEP,
        )
    except (ConvergenceError, InsufficientData, InvalidArgument):  # e.g. a negative weight: no 0–100 index
        return None
    drivers = [d for d in model.drivers if d in found.effects]
    if not drivers:
        return None
    indices = _area_indices(lake, plan, cp.items, np.asarray(means, dtype=float))
    labels = [plan.label(d, language) for d in drivers]
    effects = np.array([found.effects[d] for d in drivers])
    scores = np.array([indices.get(d, found.scores[d]) for d in drivers])
    matrix = priority_matrix(effects, scores, labels=labels)
    rows = tuple(
        DriverRow(key, label, float(score), float(effect), name)
        for key, label, score, effect, name in zip(drivers, labels, scores, effects, matrix.name, strict=True)
    )
    code = str(groups.loc[chosen, "unit"])
    return DriverReport(
        outcome=model.outcome,
        rows=rows,
        score_cut=float(matrix.y_cut),
        effect_cut=float(matrix.x_cut),
        n=n,
        r_squared=found.r_squared,
        scope_code=code,
        scope_name=names.get(code, code),
        method=(
            f"PLS path model of {model.outcome} (standardised, path scheme) on the listwise-complete item "
            f"covariances of {window[0]}–{window[1]} (the {WINDOW_MONTHS} months up to the report's period); "
            "area scores are the codebook indices of the same respondents; "
            f"effect = {EFFECT_STEP:g} × total effect × sd ratio (effektmått); SCB priority matrix, cuts at "
            "the means"
        ),
        window_start=window[0],
        window_end=window[1],
    )
