"""Bootstrap confidence intervals: percentile and BCa (bias-corrected and accelerated).

Both work column-wise on a ``(B, s)`` array of draws. References: Efron & Tibshirani (1993), *An
Introduction to the Bootstrap*, ch. 13-14; DiCiccio & Efron (1996), Statistical Science 11, 189-228.
"""

from __future__ import annotations

from statistics import NormalDist

import numpy as np

_NORMAL = NormalDist()


def ndtri(q: np.ndarray | float) -> np.ndarray:
    """Standard normal quantile function, element-wise (``statistics.NormalDist``; no scipy import)."""
    values = np.asarray(q, dtype=float)
    return np.array([_NORMAL.inv_cdf(v) for v in values.ravel()]).reshape(values.shape)


def ndtr(z: np.ndarray | float) -> np.ndarray:
    """Standard normal distribution function, element-wise."""
    values = np.asarray(z, dtype=float)
    return np.array([_NORMAL.cdf(v) for v in values.ravel()]).reshape(values.shape)


def percentile_interval(draws: np.ndarray, confidence: float) -> tuple[np.ndarray, np.ndarray]:
    """``[q_{α/2}, q_{1-α/2}]`` of the draws (linear interpolation, numpy's default quantile)."""
    alpha = 1.0 - confidence
    low, high = np.quantile(draws, [alpha / 2, 1 - alpha / 2], axis=0)
    return low, high


def bca_interval(
    draws: np.ndarray, estimate: np.ndarray, jackknife: np.ndarray, confidence: float
) -> tuple[np.ndarray, np.ndarray]:
    """BCa interval per column.

    Bias correction ``z0 = Φ^{-1}(#{θ* < θ̂}/B + ½ #{θ* = θ̂}/B)``, acceleration from the jackknife values
    ``θ_(i)``: ``a = Σ d_i³ / (6 (Σ d_i²)^{3/2})`` with ``d_i = mean(θ_(.)) - θ_(i)``; the interval is the
    draws' quantiles at ``Φ(z0 + (z0 + z_q) / (1 - a (z0 + z_q)))`` for ``q = α/2, 1 - α/2``. A column whose
    draws are all equal (a fixed weight of a single item) gets that value as both ends; a column with no
    acceleration information (zero jackknife spread) uses ``a = 0``.
    """
    n_draws = draws.shape[0]
    below = (draws < estimate).sum(axis=0) + 0.5 * (draws == estimate).sum(axis=0)
    share = np.clip(below / n_draws, 0.5 / n_draws, 1 - 0.5 / n_draws)
    z0 = ndtri(share)
    spread = jackknife.mean(axis=0) - jackknife
    squares = (spread**2).sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        acceleration = np.where(squares > 0, (spread**3).sum(axis=0) / (6 * squares**1.5), 0.0)
    alpha = 1.0 - confidence
    ordered = np.sort(draws, axis=0)
    ends = []
    for q in (alpha / 2, 1 - alpha / 2):
        zq = z0 + ndtri(q)
        level = ndtr(z0 + zq / (1 - acceleration * zq))
        ends.append(_quantile_sorted(ordered, level))
    constant = ordered[0] == ordered[-1]
    low = np.where(constant, ordered[0], ends[0])
    high = np.where(constant, ordered[-1], ends[1])
    return low, high


def _quantile_sorted(ordered: np.ndarray, level: np.ndarray) -> np.ndarray:
    """Column-wise quantiles at per-column levels (numpy's linear method) of column-sorted draws."""
    n_draws = ordered.shape[0]
    position = np.clip(level, 0.0, 1.0) * (n_draws - 1)
    below = np.floor(position).astype(np.intp)
    above = np.minimum(below + 1, n_draws - 1)
    fraction = position - below
    columns = np.arange(ordered.shape[1])
    return ordered[below, columns] * (1 - fraction) + ordered[above, columns] * fraction
