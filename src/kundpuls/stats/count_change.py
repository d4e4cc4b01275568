"""Whether a count rose from one period to the next more than the volume explains (docs/statistics.md,
*Comment themes that rise*).

A comment theme raised by ``k1`` of the ``n1`` respondents this period and by ``k0`` of ``n0`` the period
before: under "customers raise the theme at the same rate" the ``k0 + k1`` mentions fall into the two
periods like coin tosses weighted by the periods' numbers of respondents, so
``k1 | k0 + k1 ~ Binomial(k0 + k1, n1 / (n0 + n1))`` (the conditional test for two Poisson rates,
Przyborowski & Wilenski 1940). The one-sided p-value is ``P(X ≥ k1)``. Respondents, not comments, are the
exposure: more customers writing about the same thing is part of what a manager wants to see. A theme
with 2 mentions now and none before is not yet a signal (p ≈ 0.25 with equal numbers of respondents);
12 against 3 is (p ≈ 0.02).

>>> rise_p_values([12, 2], [3, 0], respondents_now=100, respondents_before=100).round(4).tolist()
[0.0176, 0.25]
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike
from scipy.stats import binom

from kundpuls.errors import InvalidArgument


def rise_p_values(
    now: ArrayLike, before: ArrayLike, *, respondents_now: int, respondents_before: int
) -> np.ndarray:
    """One-sided p-values that each count rose more than the change in volume explains (NaN: no mention)."""
    k1 = np.asarray(now, dtype=np.int64)
    k0 = np.asarray(before, dtype=np.int64)
    if k1.shape != k0.shape:
        raise InvalidArgument(
            f"before: {k0.shape[0] if k0.ndim else 1} counts for {k1.shape[0] if k1.ndim else 1} themes",
            field="before",
            value=k0.shape,
        )
    if respondents_now <= 0 or respondents_before <= 0:
        raise InvalidArgument(
            f"respondents: both periods need respondents, not {respondents_now} and {respondents_before}",
            field="respondents",
            value=(respondents_now, respondents_before),
        )
    if (k1 < 0).any() or (k0 < 0).any() or (k1 > respondents_now).any() or (k0 > respondents_before).any():
        raise InvalidArgument("counts: each must lie between 0 and its period's respondents", field="counts")
    total = k0 + k1
    share = respondents_now / (respondents_now + respondents_before)
    p = binom.sf(k1 - 1, total, share)
    return np.where(total > 0, p, np.nan)
