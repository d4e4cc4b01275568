"""Index tables with intervals from anonymised sufficient statistics (via :mod:`kundpuls.stats.sufficient`).

Rating items are reported as a 0–100 index, ``idx(x) = 100·(x − lo)/(hi − lo)`` (METHODS.md global
conventions); since the engines return raw-scale moments, they are mapped linearly first:
``Σidx = a(Σx − n·lo)`` and ``Σidx² = a²(Σx² − 2·lo·Σx + n·lo²)`` with ``a = 100/(hi − lo)`` (weighted:
``Σw`` in place of ``n``). NPS items are reported as ``100·(P − D)/n`` from category counts (METHODS.md
§3.1). Mean intervals: t/z on the mean (§1.8, Kish ``n_eff`` when weighted, §7.3–7.4).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kundpuls.analytics.rollup import SufficientStatistics
from kundpuls.errors import InvalidArgument
from kundpuls.stats.sufficient import mean_index_from_moments, nps_from_counts

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
        NPS interval (METHODS.md §3.1).
    weighted : bool, optional
        Use the weighted sums (default: when the query was weighted). NPS stays unweighted.

    Returns
    -------
    pandas.DataFrame
        The group columns of ``stats.table`` (unit, unit_path, depth, period …, item, kind) followed by
        the result fields. Suppressed rows carry no numbers (``n`` is empty too).
    """
    frame = stats.table
    use_weights = stats.query.weighted if weighted is None else weighted
    if use_weights and not stats.query.weighted:
        raise InvalidArgument("weighted: the query was not weighted", field="weighted", value=weighted)
    if nps_method not in ("adjusted_wald", "wald"):
        raise InvalidArgument(
            f"nps_method: {nps_method!r} is not 'adjusted_wald' or 'wald'",
            field="nps_method",
            value=nps_method,
        )
    rows = len(frame)
    estimate = np.full(rows, np.nan)
    ci_low = np.full(rows, np.nan)
    ci_high = np.full(rows, np.nan)
    n_eff = np.full(rows, np.nan)
    method_codes = np.full(rows, -1, dtype=np.int64)
    methods: list[str] = []
    suppressed = frame["suppressed"].to_numpy(dtype=bool)
    item_codes = frame["item"].cat.codes.to_numpy() if rows else np.zeros(0, dtype=np.int64)
    categories = list(frame["item"].cat.categories) if rows else []

    # process item by item on contiguous blocks: one stable sort instead of a mask per item and column
    by_item = np.argsort(item_codes, kind="stable")
    bounds = np.searchsorted(item_codes[by_item], np.arange(len(categories) + 1))
    shown_sorted = ~suppressed[by_item]
    columns: dict[str, np.ndarray] = {}

    def values(name: str, block: slice) -> np.ndarray:
        if name not in columns:
            columns[name] = frame[name].to_numpy(dtype=np.float64, na_value=0.0)[by_item]
        return columns[name][block][shown_sorted[block]]

    for code, key in enumerate(categories):
        block = slice(int(bounds[code]), int(bounds[code + 1]))
        positions = by_item[block][shown_sorted[block]]
        if positions.size == 0:
            continue
        kind = stats.kinds.get(key, "rating")
        n = values("n", block)
        if kind == "nps":
            promoters, detractors = values("promoters", block), values("detractors", block)
            result = nps_from_counts(
                promoters,
                n - promoters - detractors,
                detractors,
                method=nps_method,
                confidence=confidence,
                threshold=stats.threshold,
            )
        else:
            if key not in stats.scales:
                raise InvalidArgument(
                    f"scales: no scale (min, max) known for item {key!r}", field="scales", value=key
                )
            lo, hi = stats.scales[key]
            if not hi > lo:
                raise InvalidArgument(
                    f"scales: item {key!r} has min {lo:g} not below max {hi:g}",
                    field="scales",
                    value=(lo, hi),
                )
            a = 100.0 / (hi - lo)
            if use_weights:
                w_sum, w_sq = values("weight_sum", block), values("weight_sq_sum", block)
                wx, wxx = values("wsum_x", block), values("wsum_xx", block)
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
                total, total_sq = values("sum", block), values("sumsq", block)
                result = mean_index_from_moments(
                    n,
                    a * (total - lo * n),
                    a * a * (total_sq - 2 * lo * total + lo * lo * n),
                    confidence=confidence,
                    threshold=stats.threshold,
                )
        estimate[positions] = result.estimate
        ci_low[positions] = result.ci_low
        ci_high[positions] = result.ci_high
        n_eff[positions] = result.n_eff
        if result.method not in methods:
            methods.append(result.method)
        method_codes[positions] = methods.index(result.method)
    keep = [
        c
        for c in frame.columns
        if c
        not in (
            "n",
            "sum",
            "sumsq",
            "promoters",
            "detractors",
            "weight_sum",
            "weight_sq_sum",
            "wsum_x",
            "wsum_xx",
            "suppressed",
        )
    ]
    out = frame[keep].copy()
    out["estimate"] = estimate
    out["ci_low"] = ci_low
    out["ci_high"] = ci_high
    out["n"] = frame["n"]
    out["n_eff"] = pd.arrays.FloatingArray(np.where(suppressed, 0.0, np.nan_to_num(n_eff)), suppressed)
    out["method"] = pd.Categorical.from_codes(method_codes, categories=methods)
    out["suppressed"] = suppressed
    return out
