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

from kundpuls.errors import InvalidArgument

#: The false discovery rate Kundpuls keeps for every set of flags one page, report or API answer shows.
FALSE_DISCOVERY_RATE = 0.05


def bh_adjust(p_values: ArrayLike) -> np.ndarray:
    """Benjamini–Hochberg adjusted p-values (q-values), in the input order.

    NaN p-values (a test that could not be made) stay NaN and do not count in m. Agrees with
    ``scipy.stats.false_discovery_control(p, method="bh")`` on the finite values (tests: 1e-12).

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


def bh_reject(p_values: ArrayLike, *, q: float = FALSE_DISCOVERY_RATE) -> np.ndarray:
    """Which tests Benjamini–Hochberg flags at false discovery rate ``q`` (NaN: never flagged)."""
    if not 0 < q < 1:
        raise InvalidArgument(f"q: must lie strictly between 0 and 1, not {q!r}", field="q", value=q)
    adjusted = bh_adjust(p_values)
    with np.errstate(invalid="ignore"):
        return np.asarray(adjusted <= q) & ~np.isnan(adjusted)
