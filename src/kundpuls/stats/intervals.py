"""Vectorised interval formulas shared by the raw-data and the sufficient-statistics entry points.

Every function here takes one value per group (numpy arrays) and returns arrays; nothing loops over groups.
Keeping the formulas in one place is what makes ``satisfaction_index(rows)`` and
``mean_index_from_moments(n, Σx, Σx²)`` give the same numbers.

References
----------
docs/methods.md global conventions (z = 1.959964 for proportions and large n; t with n − 1 df for means when
n < 30), §1.8 (interval of a mean index), §3.1 (NPS: Wald, adjusted Wald after Rocks 2016, bootstrap),
§3.2 (Wilson score interval for top-box shares; Wilson 1927, JASA 22), §7.4 (weighted intervals).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from scipy import special

from kundpuls.stats.validation import FloatArray

#: Below this (effective) n a mean's interval uses Student's t with n − 1 df, from it on the normal z.
T_INTERVAL_BELOW = 30

MEAN_METHOD = "mean; t interval (df n-1) when n < 30, else z"
MEAN_METHOD_KISH = "weighted mean; Kish n_eff; t interval (df n_eff-1) when n_eff < 30, else z"
MEAN_METHOD_LINEARISATION = "weighted mean; linearisation SE; t interval (df n-1) when n < 30, else z"
WILSON_METHOD = "share; Wilson score interval"
WILSON_METHOD_KISH = "weighted share; Kish n_eff; Wilson score interval"
NPS_METHODS = {
    "wald": "NPS; Wald interval (multinomial variance)",
    "adjusted_wald": "NPS; adjusted Wald interval (Rocks 2016: +3/4 promoters, +3/4 detractors, +3 n)",
    "bootstrap": "NPS; bootstrap percentile interval (multinomial resampling)",
}


@lru_cache(maxsize=64)
def z_value(confidence: float) -> float:
    """Two-sided normal critical value, ``Φ⁻¹((1 + confidence)/2)`` (1.959964 at 95 %)."""
    return float(special.ndtri(0.5 + confidence / 2.0))


def t_value(confidence: float, df: FloatArray) -> FloatArray:
    """Two-sided Student-t critical values per df (the ufunc behind ``scipy.stats.t.ppf``); NaN for df ≤ 0."""
    df = np.asarray(df, dtype=np.float64)
    with np.errstate(invalid="ignore"):
        return np.where(df > 0, special.stdtrit(np.where(df > 0, df, 1.0), 0.5 + confidence / 2.0), np.nan)


@dataclass(frozen=True)
class IntervalArrays:
    """Per-group estimate, interval and standard error (NaN where undefined)."""

    estimate: FloatArray
    ci_low: FloatArray
    ci_high: FloatArray
    se: FloatArray


def mean_interval(
    mean: FloatArray,
    variance: FloatArray,
    n_eff: FloatArray,
    *,
    confidence: float,
    bounds: tuple[float, float] | None,
    se: FloatArray | None = None,
    df: FloatArray | None = None,
) -> IntervalArrays:
    """Interval of a mean: ``x̄ ± c·SE`` with ``SE = s/√n_eff`` unless ``se`` is given.

    ``c`` is Student's t with ``df`` (default ``n_eff − 1``) degrees of freedom when ``n_eff < 30`` and the
    normal z otherwise (docs/methods.md conventions, §1.8). Groups with ``n_eff ≤ 1`` or an undefined variance
    get NaN limits. The interval is clipped to ``bounds`` (the reporting scale) when given.
    """
    mean = np.asarray(mean, dtype=np.float64)
    n_eff = np.asarray(n_eff, dtype=np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        if se is None:
            se = np.sqrt(np.maximum(np.asarray(variance, dtype=np.float64), 0.0) / n_eff)
        se = np.where(n_eff > 1.0, se, np.nan)
        if df is None:
            df = n_eff - 1.0
        # Student's t only where it is used (n_eff < 30): its quantile is the costly part for many groups.
        small = np.broadcast_to(n_eff < T_INTERVAL_BELOW, np.broadcast(n_eff, df).shape)
        crit = np.full(small.shape, z_value(confidence))
        if small.any():
            crit[small] = t_value(
                confidence, np.broadcast_to(np.asarray(df, dtype=np.float64), small.shape)[small]
            )
        low = mean - crit * se
        high = mean + crit * se
    if bounds is not None:
        low = np.clip(low, bounds[0], bounds[1])
        high = np.clip(high, bounds[0], bounds[1])
    return IntervalArrays(estimate=mean, ci_low=low, ci_high=high, se=np.asarray(se, dtype=np.float64))


def wilson_interval(successes: FloatArray, n: FloatArray, *, confidence: float) -> IntervalArrays:
    """Wilson score interval of a share, in percent.

    ``p̂ = x/n``; centre ``(p̂ + z²/2n)/(1 + z²/n)``; half-width ``z/(1 + z²/n)·√(p̂(1−p̂)/n + z²/4n²)``
    (Wilson 1927; docs/methods.md §3.2). ``se = √(p̂(1−p̂)/n)`` is returned for comparisons. ``n`` may be a Kish
    effective n with ``successes = p̂_w·n_eff``.
    """
    successes = np.asarray(successes, dtype=np.float64)
    n = np.asarray(n, dtype=np.float64)
    z = z_value(confidence)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = successes / n
        z2n = z * z / n
        centre = (p + z2n / 2.0) / (1.0 + z2n)
        half = z / (1.0 + z2n) * np.sqrt(np.maximum(p * (1.0 - p), 0.0) / n + z2n / (4.0 * n))
        low = np.clip(centre - half, 0.0, 1.0)
        high = np.clip(centre + half, 0.0, 1.0)
        # The Wilson interval contains p̂ mathematically; guard against the last bit of rounding.
        low = np.minimum(low, p)
        high = np.maximum(high, p)
        se = np.sqrt(np.maximum(p * (1.0 - p), 0.0) / n)
    return IntervalArrays(estimate=100.0 * p, ci_low=100.0 * low, ci_high=100.0 * high, se=100.0 * se)


def nps_variance(p: FloatArray, d: FloatArray, n: FloatArray) -> FloatArray:
    """Multinomial variance of ``p̂ − d̂``: ``[p + d − (p − d)²]/n`` (docs/methods.md §3.1)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.maximum(p + d - (p - d) ** 2, 0.0) / n


def nps_interval(
    promoters: FloatArray,
    passives: FloatArray,
    detractors: FloatArray,
    *,
    method: str,
    confidence: float,
    n_boot: int = 10_000,
    random_state: int | np.random.Generator | None = None,
) -> IntervalArrays:
    """NPS ``100·(P − D)/n`` with a Wald, adjusted-Wald or bootstrap interval (docs/methods.md §3.1).

    Counts may be non-integer (weighted counts scaled to the Kish effective n). The adjusted-Wald interval
    (Rocks 2016) adds ¾ to promoters and detractors and 3 to n and is centred on the adjusted NPS; the
    reported estimate stays the plain NPS (when a tiny sample puts it outside, the interval is widened to
    include it). The bootstrap draws promoters ``P* ~ Bin(n, p)`` and detractors
    ``D* ~ Bin(n − P*, d/(1 − p))`` (a multinomial draw) and takes percentiles.
    """
    promoters = np.asarray(promoters, dtype=np.float64)
    passives = np.asarray(passives, dtype=np.float64)
    detractors = np.asarray(detractors, dtype=np.float64)
    n = promoters + passives + detractors
    z = z_value(confidence)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = promoters / n
        d = detractors / n
        estimate = 100.0 * (p - d)
        if method == "wald":
            se = 100.0 * np.sqrt(nps_variance(p, d, n))
            centre = estimate
            low, high = centre - z * se, centre + z * se
        elif method == "adjusted_wald":
            n_adj = n + 3.0
            p_adj = (promoters + 0.75) / n_adj
            d_adj = (detractors + 0.75) / n_adj
            se = 100.0 * np.sqrt(nps_variance(p_adj, d_adj, n_adj))
            centre = 100.0 * (p_adj - d_adj)
            # Centred on the adjusted NPS, the interval can miss the observed NPS for n = 1; widen it then.
            low = np.minimum(centre - z * se, estimate)
            high = np.maximum(centre + z * se, estimate)
        elif method == "bootstrap":
            low, high, se = _nps_bootstrap(
                p, d, n, confidence=confidence, n_boot=n_boot, random_state=random_state
            )
        else:  # pragma: no cover - callers validate the method name
            raise ValueError(method)
        low = np.where(n > 0, np.clip(low, -100.0, 100.0), np.nan)
        high = np.where(n > 0, np.clip(high, -100.0, 100.0), np.nan)
    return IntervalArrays(estimate=estimate, ci_low=low, ci_high=high, se=se)


def _nps_bootstrap(
    p: FloatArray,
    d: FloatArray,
    n: FloatArray,
    *,
    confidence: float,
    n_boot: int,
    random_state: int | np.random.Generator | None,
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Percentile bootstrap of NPS per group, drawing counts instead of resampling rows."""
    rng = np.random.default_rng(random_state)
    groups = p.shape[0]
    size = np.where(np.isfinite(n), np.rint(n), 0).astype(np.int64)
    p_ok = np.where(np.isfinite(p), p, 0.0)
    d_given_not_p = np.where((1.0 - p_ok) > 0, np.nan_to_num(d) / np.maximum(1.0 - p_ok, 1e-300), 0.0)
    d_given_not_p = np.clip(d_given_not_p, 0.0, 1.0)
    alpha = 1.0 - confidence
    low = np.full(groups, np.nan)
    high = np.full(groups, np.nan)
    se = np.full(groups, np.nan)
    # Draw in chunks of groups so memory stays near 8 MB whatever the number of groups.
    chunk = max(1, 1_000_000 // max(n_boot, 1))
    for start in range(0, groups, chunk):
        stop = min(groups, start + chunk)
        sz = size[start:stop]
        boot_p = rng.binomial(sz, p_ok[start:stop], size=(n_boot, stop - start))
        boot_d = rng.binomial(sz - boot_p, d_given_not_p[start:stop])
        with np.errstate(invalid="ignore", divide="ignore"):
            draws = 100.0 * (boot_p - boot_d) / sz
        low[start:stop] = np.quantile(draws, alpha / 2.0, axis=0)
        high[start:stop] = np.quantile(draws, 1.0 - alpha / 2.0, axis=0)
        se[start:stop] = draws.std(axis=0, ddof=1)
    empty = size == 0
    low[empty] = high[empty] = se[empty] = np.nan
    return low, high, se
