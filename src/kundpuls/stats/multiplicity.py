"""Many tests at once: the Benjamini–Hochberg false discovery rate (docs/statistics.md, *What a flag means*).

A page that marks every change with ``p < 0.05`` across dozens of units and indices shows, when nothing
changed, about one false flag in twenty tests — and often nothing but false flags. Benjamini and Hochberg
(1995) keep the expected share of false flags among the flags shown (the false discovery rate) at or
below ``q``: sort the m p-values, find the largest k with ``p_(k) ≤ k·q/m`` and flag the k smallest. The
adjusted p-values (q-values) ``q_(i) = min_{j ≥ i} min(1, m·p_(j)/j)`` say the same per test: a test is
flagged exactly when its q-value is at most ``q``. The procedure holds for independent and positively
dependent tests (Benjamini & Yekutieli 2001), which covers a unit and the roll-up it is part of.

>>> import numpy as np
>>> bh_adjust([0.01, 0.04, 0.03, 0.20]).round(4).tolist()
[0.04, 0.0533, 0.0533, 0.2]
>>> bh_reject([0.01, 0.04, 0.03, 0.20], q=0.05).tolist()
[True, False, False, False]
>>> bh_adjust([0.01, np.nan, 0.02]).tolist()  # a missing p-value stays missing and is not counted
[0.02, nan, 0.02]
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike
from scipy.optimize import brentq
from scipy.stats import norm

from kundpuls.errors import InvalidArgument

#: The false discovery rate Kundpuls keeps for every set of flags one page, report or API answer shows.
FALSE_DISCOVERY_RATE = 0.05
#: The change (in standard deviations of the respondents' scores) the change flags' weights are planned for.
DESIGN_EFFECT = 0.3


def power_weights(
    n_eff: ArrayLike, *, effect: float = DESIGN_EFFECT, level: float = FALSE_DISCOVERY_RATE
) -> np.ndarray:
    """Roeder–Wasserman weights of m tests whose power for a change of ``effect`` SD depends on ``n_eff``.

    ``ξ_i = effect·√n_eff_i`` (the expected z of such a change; for two groups ``n_eff = 1/(1/n_a + 1/n_b)``);
    ``w_i = (m/level)·Φ̄(ξ_i/2 + c/ξ_i)`` with ``c`` such that the weights average 1: the weights that
    maximise the expected number of such changes found at a total level ``level`` (Roeder & Wasserman
    2009, eq. 9). Equal ``n_eff`` give weights 1; ``n_eff`` of 0 gives weight 0.

    >>> power_weights([50, 50]).tolist()
    [1.0, 1.0]
    >>> w = power_weights([10, 60, 200, 5000])
    >>> w.round(2).tolist(), round(float(w.mean()), 12)
    ([1.07, 2.45, 0.48, 0.0], 1.0)
    """
    n = np.asarray(n_eff, dtype=float)
    if n.ndim != 1 or np.any(~np.isfinite(n)) or np.any(n < 0):
        raise InvalidArgument(f"n_eff: must be finite counts ≥ 0, not {n_eff!r}"[:200], field="n_eff")
    if not effect > 0:
        raise InvalidArgument(f"effect: must be positive, not {effect!r}", field="effect", value=effect)
    if not 0 < level < 1:
        raise InvalidArgument(
            f"level: must lie strictly between 0 and 1, not {level!r}", field="level", value=level
        )
    m = n.size
    xi = effect * np.sqrt(n)
    if m == 0 or np.all(xi == 0):
        return np.ones(m) if m else np.zeros(0)
    if np.allclose(xi, xi[0]):
        return np.ones(m)
    safe = np.where(xi > 0, xi, 1.0)

    def weights(c: float) -> np.ndarray:
        return np.where(xi > 0, m / level * norm.sf(safe / 2 + c / safe), 0.0)

    c = brentq(lambda c: float(weights(c).mean()) - 1.0, -1e4, 1e4, xtol=1e-12)
    w = weights(c)
    return np.asarray(w / w.mean())


def bh_adjust(p_values: ArrayLike, *, weights: ArrayLike | None = None) -> np.ndarray:
    """Benjamini–Hochberg adjusted p-values (q-values), in the input order.

    NaN p-values (a test that could not be made) stay NaN and do not count in m. Agrees with
    ``scipy.stats.false_discovery_control(p, method="bh")`` on the finite values (tests: 1e-12). With
    ``weights`` (≥ 0, one per p-value; rescaled to mean 1 over the finite p-values) the weighted procedure:
    ``false_discovery_control(min(p/w, 1))``; a weight of 0 is never flagged.

    Raises
    ------
    InvalidArgument
        A p-value outside [0, 1], or input that is not one-dimensional.
    """
    p = np.asarray(p_values, dtype=float)
    if p.ndim != 1:
        raise InvalidArgument(f"p_values: must be one-dimensional, not shape {p.shape}", field="p_values")
    finite = ~np.isnan(p)
    if np.any((p[finite] < 0) | (p[finite] > 1)):
        bad = p[finite][(p[finite] < 0) | (p[finite] > 1)][0]
        raise InvalidArgument(f"p_values: {bad!r} is not a probability", field="p_values", value=float(bad))
    out = np.full(p.shape, np.nan)
    values = p[finite]
    if weights is not None:
        w = np.asarray(weights, dtype=float)
        if w.shape != p.shape or np.any(~np.isfinite(w)) or np.any(w < 0):
            raise InvalidArgument("weights: one finite weight ≥ 0 per p-value is needed", field="weights")
        w = w[finite]
        if values.size and w.sum() > 0:
            w = w / w.mean()
            with np.errstate(divide="ignore"):
                values = np.where(w > 0, np.minimum(values / np.where(w > 0, w, 1.0), 1.0), 1.0)
    m = values.size
    if m == 0:
        return out
    order = np.argsort(values, kind="stable")
    ranked = values[order] * m / np.arange(1, m + 1)
    adjusted = np.minimum(np.minimum.accumulate(ranked[::-1])[::-1], 1.0)
    result = np.empty(m)
    result[order] = adjusted
    out[finite] = result
    return out


def bh_reject(
    p_values: ArrayLike, *, q: float = FALSE_DISCOVERY_RATE, weights: ArrayLike | None = None
) -> np.ndarray:
    """Which tests (weighted) Benjamini–Hochberg flags at false discovery rate ``q`` (NaN: never flagged)."""
    if not 0 < q < 1:
        raise InvalidArgument(f"q: must lie strictly between 0 and 1, not {q!r}", field="q", value=q)
    adjusted = bh_adjust(p_values, weights=weights)
    with np.errstate(invalid="ignore"):
        return np.asarray(adjusted <= q) & ~np.isnan(adjusted)
