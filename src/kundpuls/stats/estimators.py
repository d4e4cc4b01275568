"""The estimators every index shares: a (weighted) mean with its interval, and weighted category counts.

Kept apart from :mod:`kundpuls.stats.indices` so that other statistics (gaps, NPE dimensions) reuse exactly
the same mean-with-interval code. Weighted variance (Kish, docs/methods.md §7.3–7.4):
``s_w² = Σw(y − ȳ_w)²/(Σw − Σw²/Σw)``, ``SE = s_w/√n_eff``; or the linearisation SE
``SE² = n/(n−1)·Σw²(y − ȳ_w)²/(Σw)²``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from kundpuls.errors import InvalidArgument
from kundpuls.stats.intervals import (
    MEAN_METHOD,
    MEAN_METHOD_KISH,
    MEAN_METHOD_LINEARISATION,
    IntervalArrays,
    mean_interval,
)
from kundpuls.stats.results import IndexResult
from kundpuls.stats.validation import FloatArray

VARIANCE_METHODS = ("kish", "linearisation")


def check_variance(variance: str) -> None:
    """Raise unless ``variance`` names a weighted-variance method ("kish" or "linearisation")."""
    if variance not in VARIANCE_METHODS:
        raise InvalidArgument(
            f"variance: {variance!r} is not one of {list(VARIANCE_METHODS)}", field="variance", value=variance
        )


def first_group(interval: IntervalArrays) -> tuple[float, float, float, float]:
    """Estimate, limits and SE of the only group of a one-group :class:`IntervalArrays`."""
    return (
        float(interval.estimate[0]),
        float(interval.ci_low[0]),
        float(interval.ci_high[0]),
        float(interval.se[0]),
    )


def kish_effective_n(weights: FloatArray) -> float:
    """Kish effective sample size ``(Σw)²/Σw²`` (docs/methods.md §7.3)."""
    total_sq = float(np.sum(weights**2))
    return float(np.sum(weights)) ** 2 / total_sq if total_sq > 0 else 0.0


def linearised_se(values: FloatArray, weights: FloatArray, mean: float) -> float:
    """Linearisation SE of a weighted mean: ``SE² = n/(n−1)·Σw²(y − ȳ_w)²/(Σw)²`` (docs/methods.md §7.4)."""
    n = values.shape[0]
    if n < 2:
        return math.nan
    return math.sqrt(
        n / (n - 1) * float(np.sum(weights**2 * (values - mean) ** 2)) / float(np.sum(weights)) ** 2
    )


def mean_result(
    values: FloatArray,
    *,
    confidence: float,
    threshold: int,
    sample_weights: FloatArray | None,
    variance: str,
    bounds: tuple[float, float] | None,
) -> IndexResult:
    """Mean with interval of already validated, non-missing values (optionally weighted)."""
    n = int(values.shape[0])
    if sample_weights is None:
        mean = float(np.mean(values))
        var = float(np.var(values, ddof=1)) if n > 1 else math.nan
        interval = mean_interval(
            np.array([mean]), np.array([var]), np.array([float(n)]), confidence=confidence, bounds=bounds
        )
        n_eff, method = float(n), MEAN_METHOD
    else:
        w = sample_weights
        w_sum = float(np.sum(w))
        if w_sum <= 0:
            raise InvalidArgument("sample_weights: the weights of the answering respondents sum to 0")
        mean = float(np.sum(w * values)) / w_sum
        n_eff = kish_effective_n(w)
        if variance == "kish":
            denom = w_sum - float(np.sum(w**2)) / w_sum
            var = float(np.sum(w * (values - mean) ** 2)) / denom if denom > 0 else math.nan
            interval = mean_interval(
                np.array([mean]), np.array([var]), np.array([n_eff]), confidence=confidence, bounds=bounds
            )
            method = MEAN_METHOD_KISH
        else:
            se = linearised_se(values, w, mean)
            interval = mean_interval(
                np.array([mean]),
                np.array([math.nan]),
                np.array([float(n)]),
                confidence=confidence,
                bounds=bounds,
                se=np.array([se]),
                df=np.array([float(n - 1)]),
            )
            method = MEAN_METHOD_LINEARISATION
    estimate, low, high, se_out = first_group(interval)
    return IndexResult.build(
        estimate=estimate,
        ci_low=low,
        ci_high=high,
        n=n,
        n_eff=n_eff,
        method=method,
        suppressed=n < threshold,
        se=se_out,
        confidence=confidence,
    )


def weighted_counts(
    categories: Sequence[Any], values: FloatArray, weights: FloatArray | None
) -> tuple[list[float], float]:
    """Counts per boolean mask (weighted counts scaled to the Kish n_eff when weighted) and n_eff."""
    if weights is None:
        return [float(np.sum(mask)) for mask in categories], float(values.shape[0])
    n_eff = kish_effective_n(weights)
    total = float(np.sum(weights))
    if total <= 0:
        raise InvalidArgument("sample_weights: the weights of the answering respondents sum to 0")
    return [float(np.sum(weights[mask])) / total * n_eff for mask in categories], n_eff
