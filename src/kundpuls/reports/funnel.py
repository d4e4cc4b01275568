"""The funnel of a unit's siblings and the organisation's funnel outliers, one family per period.

Every unit with at least three shown siblings (:data:`MIN_COMPARED` units under one parent) is tested
against its siblings' target on the main index (:func:`kundpuls.stats.funnel_means`, with overdispersion
where the siblings spread more than chance). The p-values of every such unit of the survey in the period
form **one family**: Benjamini–Hochberg across all of them (:func:`outlier_family`) decides which units
*differ clearly*, so the unit page, the start page, the overview and the API show the same outliers
whoever looks, and among all the outliers a page lists at most 5 % are expected to be as good as their
siblings (docs/statistics.md, "What a flag means"). A family per sibling group would flag a unit somewhere
in nearly every period of a large organisation by chance.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping

import numpy as np
import pandas as pd

from kundpuls.analytics.unit_paths import parent_path
from kundpuls.reports.contracts import Funnel, FunnelLimit, FunnelPoint
from kundpuls.reports.frame_lookup import FrameLookup
from kundpuls.reports.index_frames import FRAME_COLUMNS, IndexPlan
from kundpuls.stats import funnel_means
from kundpuls.stats.funnel import FunnelResult
from kundpuls.stats.multiplicity import bh_reject
from kundpuls.stats.shrinkage import ShrinkageResult, shrink_means

#: The fewest shown units under one parent whose funnel numbers are computed (the API and the tables).
MIN_SIBLINGS = 3
#: The fewest shown units under one parent that are compared: tested for outliers and drawn. With three, one
#: unit far off pulls the target so far that the other two look off too; the chart says why it is missing.
MIN_COMPARED = 4
ABOVE = "above"
BELOW = "below"


def _sibling_funnel(
    found: FrameLookup, plan: IndexPlan, index: str, parent: str, period: str
) -> tuple[pd.DataFrame, pd.DataFrame, FunnelResult] | None:
    """The siblings under ``parent`` (all, and the shown ones) and their funnel on ``index``."""
    siblings = pd.DataFrame(list(found.children_of(parent, index, period)), columns=list(FRAME_COLUMNS))
    shown = siblings[~siblings["suppressed"].astype(bool)]
    if len(shown) < MIN_SIBLINGS:
        return None
    with warnings.catch_warnings():  # few siblings: τ² = 0 is used, which the method note says
        warnings.simplefilter("ignore")
        result = funnel_means(
            shown["estimate"].to_numpy(dtype=float),
            shown["sd"].to_numpy(dtype=float),
            shown["n"].to_numpy(dtype=float),
            threshold=plan.threshold,
        )
    return siblings, shown, result


def outlier_family(found: FrameLookup, plan: IndexPlan, period: str) -> dict[str, str]:
    """The units of the survey that differ clearly from their siblings in ``period``: ``{unit: "above" |
    "below"}``, Benjamini–Hochberg at 5 % across every unit of every sibling group (see the module)."""
    index = plan.main_index
    if not index:
        return {}
    parents = sorted({parent_path(path) for path in found.paths.values()} - {""})
    units: list[str] = []
    sides: list[str] = []
    p_values: list[float] = []
    for parent in parents:
        funnel = _sibling_funnel(found, plan, index, parent, period)
        if funnel is None:
            continue
        _, shown, result = funnel
        if len(shown) < MIN_COMPARED:
            continue
        units += [str(code) for code in shown["unit"]]
        sides += [ABOVE if est > result.target else BELOW for est in shown["estimate"].to_numpy(dtype=float)]
        p_values += [float(p) for p in result.p_values()]
    if not p_values:
        return {}
    flagged = bh_reject(np.asarray(p_values, dtype=float))
    return {unit: side for unit, side, flag in zip(units, sides, flagged, strict=True) if flag}


def unit_funnel(
    found: FrameLookup,
    plan: IndexPlan,
    unit: str,
    path: str,
    period: str,
    names: Mapping[str, str],
    outliers: Mapping[str, str],
) -> Funnel | None:
    """The funnel plot of ``unit`` among its siblings; ``outliers`` is the period's :func:`outlier_family`."""
    parent = parent_path(path)
    index = plan.main_index
    if not index or not parent:
        return None
    funnel = _sibling_funnel(found, plan, index, parent, period)
    if funnel is None:
        return None
    siblings, shown, result = funnel
    out95 = result.outside(0.95)
    out998 = result.outside(0.998)
    shrunk, fit = _shrunk_means(shown)
    points = [
        FunnelPoint(
            unit_code=code,
            unit_name=names.get(code, code),
            estimate=float(est),
            n=int(n),
            suppressed=False,
            is_focus=code == unit,
            outside_95=bool(o95),
            outside_998=bool(o998),
            **shrunk.get(code, {}),
            outlier=str(code) in outliers,
        )
        for code, est, n, o95, o998 in zip(
            shown["unit"], shown["estimate"], shown["n"], out95, out998, strict=True
        )
    ]
    points += [
        FunnelPoint(code, names.get(code, code), None, None, True, code == unit, False, False)
        for code in siblings[siblings["suppressed"].astype(bool)]["unit"]
    ]
    top = float(shown["n"].max()) * 1.1
    grid = np.unique(np.round(np.geomspace(max(plan.threshold, 2), max(top, plan.threshold + 1), 40)))
    use_od = result.od_lower is not None
    lo95, hi95 = result.limits_at(grid, 0.95, overdispersed=use_od)
    lo998, hi998 = result.limits_at(grid, 0.998, overdispersed=use_od)
    limits = tuple(
        FunnelLimit(float(n), float(a), float(b), float(c), float(d))
        for n, a, b, c, d in zip(
            grid,
            np.clip(lo95, 0, 100),
            np.clip(hi95, 0, 100),
            np.clip(lo998, 0, 100),
            np.clip(hi998, 0, 100),
            strict=True,
        )
    )
    return Funnel(
        index,
        float(result.target),
        tuple(points),
        limits,
        result.method,
        pooled_mean=None if fit is None else fit.prior_mean,
        between_unit_variance=None if fit is None else fit.tau2,
    )


def _shrunk_means(shown: pd.DataFrame) -> tuple[dict[str, dict[str, float]], ShrinkageResult | None]:
    """Empirical-Bayes estimates of the shown siblings (docs/methods.md §8.2, normal–normal model).

    Each unit's standard error is ``sd/√n``; units without a usable spread (n < 2 or sd 0) get no shrunk
    value. Answers the FunnelPoint fields per unit code and the fit (None when fewer than two units are
    usable).
    """
    sd = shown["sd"].to_numpy(dtype=float)
    n = shown["n"].to_numpy(dtype=float)
    usable = (n >= 2) & np.isfinite(sd) & (sd > 0)
    if usable.sum() < 2:
        return {}, None
    fit = shrink_means(
        shown["estimate"].to_numpy(dtype=float)[usable], sd[usable] / np.sqrt(n[usable]), ns=n[usable]
    )
    per_unit = {
        str(code): {
            "shrunk_estimate": float(est),
            "shrunk_ci_low": float(np.clip(low, 0.0, 100.0)),
            "shrunk_ci_high": float(np.clip(high, 0.0, 100.0)),
        }
        for code, est, low, high in zip(
            shown["unit"].to_numpy()[usable], fit.estimate, fit.ci_low, fit.ci_high, strict=True
        )
    }
    return per_unit, fit
