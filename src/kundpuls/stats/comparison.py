"""Is a difference real? Two groups, or the same group in two periods (docs/methods.md §1.8, §3.1, §8.3).

* :func:`compare` – two :class:`IndexResult` (z test on their standard errors) or two samples (Welch t).
* :func:`change_in_share` – pooled two-proportion z test.
* :func:`change_in_mean` – Welch t test from summary statistics (Welch–Satterthwaite df).
* :func:`change_in_nps` – z test on the Wald variances of two NPS.

With panel overlap between periods the independence assumption overstates the SE, so the tests are
conservative (docs/methods.md §8.3).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import replace

import numpy as np
from numpy.typing import ArrayLike
from scipy import stats as sps

from kundpuls.errors import InsufficientData, InvalidArgument
from kundpuls.stats.intervals import z_value
from kundpuls.stats.results import Comparison, IndexResult
from kundpuls.stats.validation import as_float_array, check_confidence


def _undefined(
    difference: float, se: float, *, confidence: float, method: str, n_a: int, n_b: int
) -> Comparison:
    """A difference whose standard error (or df) is undefined or zero: no interval, no test."""
    return Comparison(
        difference=difference,
        ci_low=None,
        ci_high=None,
        se=se if math.isfinite(se) else None,
        statistic=None,
        df=None,
        p_value=None,
        significant=False,
        method=method,
        n_a=n_a,
        n_b=n_b,
        confidence=confidence,
    )


def _z_comparison(
    difference: float, se: float, *, confidence: float, method: str, n_a: int, n_b: int
) -> Comparison:
    z = z_value(confidence)
    if not (math.isfinite(se) and se > 0):
        return _undefined(difference, se, confidence=confidence, method=method, n_a=n_a, n_b=n_b)
    statistic = difference / se
    p_value = float(2.0 * sps.norm.sf(abs(statistic)))
    return Comparison(
        difference=difference,
        ci_low=difference - z * se,
        ci_high=difference + z * se,
        se=se,
        statistic=statistic,
        df=None,
        p_value=p_value,
        significant=p_value < 1.0 - confidence,
        method=method,
        n_a=n_a,
        n_b=n_b,
        confidence=confidence,
    )


def _t_comparison(
    difference: float, se: float, df: float, *, confidence: float, method: str, n_a: int, n_b: int
) -> Comparison:
    if not (math.isfinite(se) and se > 0 and math.isfinite(df) and df > 0):
        return _undefined(difference, se, confidence=confidence, method=method, n_a=n_a, n_b=n_b)
    statistic = difference / se
    crit = float(sps.t.ppf(0.5 + confidence / 2.0, df))
    p_value = float(2.0 * sps.t.sf(abs(statistic), df))
    return Comparison(
        difference=difference,
        ci_low=difference - crit * se,
        ci_high=difference + crit * se,
        se=se,
        statistic=statistic,
        df=df,
        p_value=p_value,
        significant=p_value < 1.0 - confidence,
        method=method,
        n_a=n_a,
        n_b=n_b,
        confidence=confidence,
    )


def welch_df(var_a: float, n_a: float, var_b: float, n_b: float) -> float:
    """Welch–Satterthwaite degrees of freedom ``(v_a + v_b)²/(v_a²/(n_a−1) + v_b²/(n_b−1))``, ``v = s²/n``."""
    va, vb = var_a / n_a, var_b / n_b
    denominator = va**2 / (n_a - 1) + vb**2 / (n_b - 1)
    return (va + vb) ** 2 / denominator if denominator > 0 else math.nan


def change_in_mean(
    mean_before: float,
    sd_before: float,
    n_before: int,
    mean_after: float,
    sd_after: float,
    n_after: int,
    *,
    confidence: float = 0.95,
) -> Comparison:
    """Welch t test for the change of a mean or index between two independent samples (after − before).

    ``SE = √(s₁²/n₁ + s₂²/n₂)``, ``t = (x̄₂ − x̄₁)/SE``, df by Welch–Satterthwaite (docs/methods.md §8.3).

    References
    ----------
    Welch, B. L. (1947). The generalization of "Student's" problem. *Biometrika* 34.

    Examples
    --------
    >>> c = change_in_mean(68.0, 20.0, 150, 72.5, 18.0, 160)
    >>> round(c.statistic, 4), round(c.df, 2), round(c.p_value, 4)
    (2.0775, 299.42, 0.0386)
    """
    confidence = check_confidence(confidence)
    for name, n in (("n_before", n_before), ("n_after", n_after)):
        if n < 2:
            raise InsufficientData(f"{name}: {n} respondents; a t test needs at least 2 per sample")
    for name, sd in (("sd_before", sd_before), ("sd_after", sd_after)):
        if not sd >= 0:
            raise InvalidArgument(f"{name}: {sd!r} must be a non-negative number", field=name, value=sd)
    var_a, var_b = float(sd_before) ** 2, float(sd_after) ** 2
    se = math.sqrt(var_a / n_before + var_b / n_after)
    df = welch_df(var_a, n_before, var_b, n_after)
    return _t_comparison(
        float(mean_after) - float(mean_before),
        se,
        df,
        confidence=confidence,
        method="Welch t test (Welch-Satterthwaite df), after - before",
        n_a=int(n_before),
        n_b=int(n_after),
    )


def change_in_share(
    successes_before: int,
    n_before: int,
    successes_after: int,
    n_after: int,
    *,
    confidence: float = 0.95,
) -> Comparison:
    """Pooled two-proportion z test for the change of a share, in percentage points (after − before).

    ``p̄ = (x₁ + x₂)/(n₁ + n₂)``, ``SE = √(p̄(1 − p̄)(1/n₁ + 1/n₂))``, ``z = (p̂₂ − p̂₁)/SE``
    (docs/methods.md §8.3). The reported interval uses the unpooled SE ``√(p̂₁(1−p̂₁)/n₁ + p̂₂(1−p̂₂)/n₂)``.

    Examples
    --------
    >>> c = change_in_share(150, 200, 180, 220)
    >>> round(c.statistic, 4), round(c.p_value, 4)
    (1.7008, 0.089)
    """
    confidence = check_confidence(confidence)
    for name, x, n in (
        ("successes_before", successes_before, n_before),
        ("successes_after", successes_after, n_after),
    ):
        if n <= 0:
            raise InsufficientData(f"{name}: base n = {n}; a share needs at least one answer")
        if not 0 <= x <= n:
            raise InvalidArgument(f"{name}: {x} must lie between 0 and n = {n}", field=name, value=x)
    p1, p2 = successes_before / n_before, successes_after / n_after
    pooled = (successes_before + successes_after) / (n_before + n_after)
    se_pooled = math.sqrt(pooled * (1 - pooled) * (1 / n_before + 1 / n_after))
    se_unpooled = math.sqrt(p1 * (1 - p1) / n_before + p2 * (1 - p2) / n_after)
    difference = 100.0 * (p2 - p1)
    result = _z_comparison(
        difference,
        100.0 * se_pooled,
        confidence=confidence,
        method="pooled two-proportion z test, after - before (percentage points)",
        n_a=int(n_before),
        n_b=int(n_after),
    )
    if result.statistic is None:
        return result
    z = z_value(confidence)
    return Comparison(
        difference=difference,
        ci_low=difference - z * 100.0 * se_unpooled,
        ci_high=difference + z * 100.0 * se_unpooled,
        se=100.0 * se_pooled,
        statistic=result.statistic,
        df=None,
        p_value=result.p_value,
        significant=result.significant,
        method=result.method,
        n_a=result.n_a,
        n_b=result.n_b,
        confidence=confidence,
    )


def change_in_nps(
    counts_before: Sequence[int], counts_after: Sequence[int], *, confidence: float = 0.95
) -> Comparison:
    """z test for the change of NPS between two independent periods (after − before, points).

    ``counts_*`` are (promoters, passives, detractors). ``z = (NPS₂ − NPS₁)/√(Var₁ + Var₂)`` with the Wald
    variance ``[p + d − (p − d)²]/n`` of each period (docs/methods.md §3.1).

    Examples
    --------
    >>> c = change_in_nps((90, 60, 50), (130, 70, 50))
    >>> round(c.difference, 1), round(c.se, 4), round(c.statistic, 4), round(c.p_value, 4)
    (12.0, 7.5963, 1.5797, 0.1142)
    """
    confidence = check_confidence(confidence)
    values = []
    for name, counts in (("counts_before", counts_before), ("counts_after", counts_after)):
        array = as_float_array(counts, name=name, ndim=1)
        if array.shape[0] != 3 or np.isnan(array).any() or (array < 0).any():
            raise InvalidArgument(
                f"{name}: {list(counts)} must be three non-negative counts (promoters, passives, detractors)",
                field=name,
                value=list(counts),
            )
        n = float(array.sum())
        if n <= 0:
            raise InsufficientData(f"{name}: no respondents")
        p, d = float(array[0]) / n, float(array[2]) / n
        values.append((100.0 * (p - d), (p + d - (p - d) ** 2) / n * 1e4, int(n)))
    (nps_a, var_a, n_a), (nps_b, var_b, n_b) = values
    return _z_comparison(
        nps_b - nps_a,
        math.sqrt(var_a + var_b),
        confidence=confidence,
        method="z test on Wald NPS variances, after - before (points)",
        n_a=n_a,
        n_b=n_b,
    )


def compare(
    a: IndexResult | ArrayLike,
    b: IndexResult | ArrayLike,
    *,
    confidence: float = 0.95,
) -> Comparison:
    """Difference ``a − b`` of two independent estimates, with interval and test.

    Parameters
    ----------
    a, b : IndexResult or array_like
        Two results (z test on their standard errors, ``z = (A − B)/√(SE_A² + SE_B²)``, docs/methods.md §1.8),
        or two samples of respondent scores (Welch t test; NaN = missing).
    confidence : float, default 0.95
        ``significant`` means ``p < 1 − confidence`` (|z| ≥ 1.96 at 95 %).

    Returns
    -------
    Comparison
        With ``difference`` None and ``significant`` False when either side is suppressed.

    References
    ----------
    docs/methods.md §1.8, §8.3; Welch (1947), Biometrika 34.

    Examples
    --------
    >>> import numpy as np
    >>> c = compare(np.array([4, 5, 4, 4, 3, 5, 4, 4, 5, 4]) * 25 - 25,
    ...             np.array([3, 4, 3, 2, 4, 3, 3, 4, 2, 3, 3, 4]) * 25 - 25)
    >>> round(c.difference, 3), round(c.statistic, 4)
    (25.833, 3.5883)
    """
    confidence = check_confidence(confidence)
    if isinstance(a, IndexResult) or isinstance(b, IndexResult):
        if not (isinstance(a, IndexResult) and isinstance(b, IndexResult)):
            raise InvalidArgument("b: compare two IndexResults or two samples, not one of each", field="b")
        return _compare_results(a, b, confidence=confidence)
    x = as_float_array(a, name="a", ndim=1)
    y = as_float_array(b, name="b", ndim=1)
    x, y = x[~np.isnan(x)], y[~np.isnan(y)]
    for name, sample in (("a", x), ("b", y)):
        if sample.shape[0] < 2:
            raise InsufficientData(f"{name}: {sample.shape[0]} non-missing values; a t test needs at least 2")
    result = change_in_mean(
        float(y.mean()),
        float(y.std(ddof=1)),
        int(y.shape[0]),
        float(x.mean()),
        float(x.std(ddof=1)),
        int(x.shape[0]),
        confidence=confidence,
    )
    return replace(
        result,
        method="Welch t test (Welch-Satterthwaite df), a - b",
        n_a=int(x.shape[0]),
        n_b=int(y.shape[0]),
    )


def _compare_results(a: IndexResult, b: IndexResult, *, confidence: float) -> Comparison:
    method = "z test on standard errors, a - b"
    n_a, n_b = a.n or 0, b.n or 0  # a report's hidden value has no base: none to compare
    if a.suppressed or b.suppressed or a.estimate is None or b.estimate is None:
        return Comparison(
            difference=None,
            ci_low=None,
            ci_high=None,
            se=None,
            statistic=None,
            df=None,
            p_value=None,
            significant=False,
            method=method + " (not possible: a side is suppressed or undefined)",
            n_a=n_a,
            n_b=n_b,
            confidence=confidence,
        )
    if a.se is None or b.se is None:
        return _z_comparison(
            a.estimate - b.estimate, math.nan, confidence=confidence, method=method, n_a=n_a, n_b=n_b
        )
    return _z_comparison(
        a.estimate - b.estimate,
        math.sqrt(a.se**2 + b.se**2),
        confidence=confidence,
        method=method,
        n_a=n_a,
        n_b=n_b,
    )
