"""Index tables with intervals from anonymised sufficient statistics (via :mod:`kundpuls.stats.sufficient`).

Rating items are reported as a 0–100 index, ``idx(x) = 100·(x − lo)/(hi − lo)`` (docs/methods.md global
conventions); since the engines return raw-scale moments, they are mapped linearly first:
``Σidx = a(Σx − n·lo)`` and ``Σidx² = a²(Σx² − 2·lo·Σx + n·lo²)`` with ``a = 100/(hi − lo)`` (weighted:
``Σw`` in place of ``n``). NPS items are reported as ``100·(P − D)/n`` from category counts (docs/methods.md
§3.1). Shares (yes/no items and positive-answer indicators, stored as 1/0) as ``100·x/n`` with a Wilson
interval (§3.2). Mean intervals: t/z on the mean (§1.8, Kish ``n_eff`` when weighted, §7.3–7.4).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kundpuls.analytics.rollup import SufficientStatistics, long_group_columns
from kundpuls.errors import InvalidArgument
from kundpuls.stats.sufficient import mean_index_from_moments, nps_from_counts, proportion_from_counts

RESULT_COLUMNS = ("estimate", "ci_low", "ci_high", "n", "n_eff", "method", "suppressed")


def index_table(
    stats: SufficientStatistics,
    *,
    confidence: float = 0.95,
    nps_method: str = "adjusted_wald",
    weighted: bool | None = None,
) -> pd.DataFrame:
    """One row per group × item with ``estimate, ci_low, ci_high, n, n_eff, method, suppressed``.

    Parameters
    ----------
    stats : SufficientStatistics
        From :func:`kundpuls.analytics.rollup.sufficient_statistics`.
    confidence : float
        Confidence level of the intervals.
    nps_method : {"adjusted_wald", "wald"}
        NPS interval (docs/methods.md §3.1).
    weighted : bool, optional
        Use the weighted sums (default: when the query was weighted).

    Returns
    -------
    pandas.DataFrame
        The group columns of ``stats.table`` (unit, unit_path, depth, period …, item, kind) followed by
        the result fields, in the same row order. Suppressed rows carry no numbers (``n`` is empty too).
    """
    use_weights = stats.query.weighted if weighted is None else weighted
    if use_weights and not stats.query.weighted:
        raise InvalidArgument("weighted: the query was not weighted", field="weighted", value=weighted)
    if nps_method not in ("adjusted_wald", "wald"):
        raise InvalidArgument(
            f"nps_method: {nps_method!r} is not 'adjusted_wald' or 'wald'",
            field="nps_method",
            value=nps_method,
        )
    arrays = stats.arrays
    rows, k = arrays.hidden.shape
    estimate = np.full((rows, k), np.nan)
    ci_low = np.full((rows, k), np.nan)
    ci_high = np.full((rows, k), np.nan)
    n_eff = np.full((rows, k), np.nan)
    method_codes = np.full((rows, k), -1, dtype=np.int64)
    methods: list[str] = []
    for j, key in enumerate(arrays.items):
        shown = ~arrays.hidden[:, j]
        if not shown.any():
            continue

        def values(name: str, j: int = j, shown: np.ndarray = shown) -> np.ndarray:
            return arrays.stats[name][shown, j]

        n = values("n")
        if stats.kinds.get(key, "rating") == "nps" and use_weights:
            w_sum, w_promoters = values("weight_sum"), values("weight_promoters")
            w_detractors = values("weight_detractors")
            result = nps_from_counts(
                w_promoters,
                w_sum - w_promoters - w_detractors,
                w_detractors,
                method=nps_method,
                confidence=confidence,
                threshold=stats.threshold,
                respondents=n,
                weight_sq_sum=values("weight_sq_sum"),
            )
        elif stats.kinds.get(key, "rating") == "nps":
            promoters, detractors = values("promoters"), values("detractors")
            result = nps_from_counts(
                promoters,
                n - promoters - detractors,
                detractors,
                method=nps_method,
                confidence=confidence,
                threshold=stats.threshold,
            )
        elif stats.kinds.get(key, "rating") == "share" and use_weights:
            result = proportion_from_counts(
                values("wsum_x"),
                n,
                confidence=confidence,
                threshold=stats.threshold,
                weight_sum=values("weight_sum"),
                weight_sq_sum=values("weight_sq_sum"),
            )
        elif stats.kinds.get(key, "rating") == "share":
            result = proportion_from_counts(
                values("sum"), n, confidence=confidence, threshold=stats.threshold
            )
        else:
            lo, hi = _scale(stats, key)
            a = 100.0 / (hi - lo)
            if use_weights:
                w_sum, w_sq = values("weight_sum"), values("weight_sq_sum")
                wx, wxx = values("wsum_x"), values("wsum_xx")
                result = mean_index_from_moments(
                    n,
                    a * (wx - lo * w_sum),
                    a * a * (wxx - 2 * lo * wx + lo * lo * w_sum),
                    confidence=confidence,
                    threshold=stats.threshold,
                    weight_sum=w_sum,
                    weight_sq_sum=w_sq,
                )
            else:
                total, total_sq = values("sum"), values("sumsq")
                result = mean_index_from_moments(
                    n,
                    a * (total - lo * n),
                    a * a * (total_sq - 2 * lo * total + lo * lo * n),
                    confidence=confidence,
                    threshold=stats.threshold,
                )
        estimate[shown, j] = result.estimate
        ci_low[shown, j] = result.ci_low
        ci_high[shown, j] = result.ci_high
        n_eff[shown, j] = result.n_eff
        if result.method not in methods:
            methods.append(result.method)
        method_codes[shown, j] = methods.index(result.method)
    out = pd.DataFrame(long_group_columns(arrays))
    hidden = arrays.hidden.ravel()
    counts = arrays.stats["n"].ravel()
    out["estimate"] = estimate.ravel()
    out["ci_low"] = ci_low.ravel()
    out["ci_high"] = ci_high.ravel()
    out["n"] = pd.arrays.IntegerArray(np.where(hidden, 0, np.nan_to_num(counts)).astype(np.int64), hidden)
    out["n_eff"] = pd.arrays.FloatingArray(np.where(hidden, 0.0, np.nan_to_num(n_eff.ravel())), hidden)
    out["method"] = pd.Categorical.from_codes(method_codes.ravel(), categories=methods)
    out["suppressed"] = hidden
    return out


def _scale(stats: SufficientStatistics, key: str) -> tuple[float, float]:
    if key not in stats.scales:
        raise InvalidArgument(
            f"scales: no scale (min, max) known for item {key!r}", field="scales", value=key
        )
    lo, hi = stats.scales[key]
    if not hi > lo:
        raise InvalidArgument(
            f"scales: item {key!r} has min {lo:g} not below max {hi:g}", field="scales", value=(lo, hi)
        )
    return lo, hi
