"""Indices for many groups at once, from per-group sufficient statistics.

The analytics layer aggregates the response lake into counts, sums and sums of squares per group (unit,
period, segment …); these functions turn them into estimates, intervals and suppression flags with numpy
array operations only, no Python loop over groups. They give the same numbers as the raw-data functions
(:func:`~kundpuls.stats.indices.satisfaction_index`, :func:`~kundpuls.stats.indices.nps`,
:func:`~kundpuls.stats.indices.top_box`) applied group by group.

The contract with analytics (which columns of sufficient statistics it delivers) is in docs/analytics.md.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike, NDArray

from kundpuls.errors import InvalidArgument
from kundpuls.stats.intervals import (
    MEAN_METHOD,
    MEAN_METHOD_KISH,
    NPS_METHODS,
    WILSON_METHOD,
    WILSON_METHOD_KISH,
    IntervalArrays,
    mean_interval,
    nps_interval,
    wilson_interval,
)
from kundpuls.stats.results import IndexResult
from kundpuls.stats.validation import (
    FloatArray,
    broadcast_counts,
    check_confidence,
    check_non_negative,
    check_threshold,
)

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["IndexArrays", "mean_index_from_moments", "nps_from_counts", "proportion_from_counts"]


@dataclass(frozen=True)
class IndexArrays:
    """One index for many groups: one array element per group, all arrays the same length.

    Attributes
    ----------
    estimate : ndarray of float
        Point estimates; NaN where suppressed.
    ci_low, ci_high : ndarray of float
        Interval limits; NaN where suppressed or undefined.
    n : ndarray of int
        Respondents with a value (always reported, also when suppressed).
    n_eff : ndarray of float
        Kish effective n ``(Σw)²/Σw²`` (equal to ``n`` without weights).
    suppressed : ndarray of bool
        ``n < threshold``.
    method : str
        Estimator and interval used.
    se : ndarray of float
        Standard errors (NaN where suppressed or undefined).
    confidence : float
        Confidence level of the intervals.
    """

    estimate: NDArray[np.float64]
    ci_low: NDArray[np.float64]
    ci_high: NDArray[np.float64]
    n: NDArray[np.int64]
    n_eff: NDArray[np.float64]
    suppressed: NDArray[np.bool_]
    method: str
    se: NDArray[np.float64] | None = None
    confidence: float = 0.95

    def __len__(self) -> int:
        return int(self.estimate.shape[0])

    def result(self, i: int) -> IndexResult:
        """Return group ``i`` as an :class:`IndexResult`."""
        if not -len(self) <= i < len(self):
            raise InvalidArgument(f"i: {i} is out of range for {len(self)} groups", field="i", value=i)
        return IndexResult.build(
            estimate=float(self.estimate[i]),
            ci_low=float(self.ci_low[i]),
            ci_high=float(self.ci_high[i]),
            n=int(self.n[i]),
            n_eff=float(self.n_eff[i]),
            method=self.method,
            suppressed=bool(self.suppressed[i]),
            se=None if self.se is None else float(self.se[i]),
            confidence=self.confidence,
        )

    def to_frame(self) -> pd.DataFrame:
        """Return a DataFrame with columns estimate, ci_low, ci_high, n, n_eff, suppressed, method."""
        import pandas as pd

        return pd.DataFrame(
            {
                "estimate": self.estimate,
                "ci_low": self.ci_low,
                "ci_high": self.ci_high,
                "n": self.n,
                "n_eff": self.n_eff,
                "suppressed": self.suppressed,
                "method": self.method,
            }
        )


def _finish(
    interval: IntervalArrays,
    *,
    n: FloatArray,
    n_eff: FloatArray,
    threshold: int,
    method: str,
    confidence: float,
) -> IndexArrays:
    """Apply the anonymity threshold and package per-group arrays."""
    suppressed = n < threshold
    empty = n <= 0

    def blank(values: FloatArray) -> NDArray[np.float64]:
        return np.where(suppressed | empty, np.nan, values).astype(np.float64)

    return IndexArrays(
        estimate=blank(interval.estimate),
        ci_low=blank(interval.ci_low),
        ci_high=blank(interval.ci_high),
        n=np.rint(n).astype(np.int64),
        n_eff=np.asarray(n_eff, dtype=np.float64),
        suppressed=np.asarray(suppressed, dtype=bool),
        method=method,
        se=blank(interval.se),
        confidence=confidence,
    )


def _check_integer_counts(array: FloatArray, *, name: str) -> None:
    if (np.abs(array - np.rint(array)) > 1e-9).any():
        bad = float(array[np.abs(array - np.rint(array)) > 1e-9][0])
        raise InvalidArgument(f"{name}: count {bad:g} is not a whole number", field=name, value=bad)


def mean_index_from_moments(
    n: ArrayLike,
    total: ArrayLike,
    total_sq: ArrayLike,
    *,
    confidence: float = 0.95,
    threshold: int = 7,
    weight_sum: ArrayLike | None = None,
    weight_sq_sum: ArrayLike | None = None,
    bounds: Sequence[float] | None = (0.0, 100.0),
) -> IndexArrays:
    """Mean index with interval per group from the first two moments of respondent scores.

    Parameters
    ----------
    n : array_like of int
        Respondents with a score in each group.
    total : array_like of float
        ``Σ x`` (unweighted) or ``Σ w·x`` (weighted), scores already on the reporting scale (e.g. 0–100).
    total_sq : array_like of float
        ``Σ x²`` or ``Σ w·x²``.
    confidence : float, default 0.95
        Confidence level.
    threshold : int, default 7
        Groups with ``n < threshold`` are suppressed (docs/methods.md §1.10).
    weight_sum, weight_sq_sum : array_like of float, optional
        ``Σ w`` and ``Σ w²``; give both for weighted estimates.
    bounds : (float, float) or None, default (0, 100)
        The interval is clipped to these bounds.

    Sums of groups with ``n = 0`` may be NaN (an SQL ``SUM`` over no rows is NULL); they are read as 0.

    Returns
    -------
    IndexArrays

    Notes
    -----
    Unweighted: ``x̄ = Σx/n``, ``s² = (Σx² − (Σx)²/n)/(n − 1)``, ``SE = s/√n``.
    Weighted (Kish, docs/methods.md §7.3–7.4): ``x̄_w = Σwx/Σw``, ``n_eff = (Σw)²/Σw²``,
    ``s_w² = (Σwx² − (Σwx)²/Σw)/(Σw − Σw²/Σw)``, ``SE = s_w/√n_eff``.
    Interval ``x̄ ± c·SE`` with ``c`` = t (df ``n_eff − 1``) when ``n_eff < 30``, else z (docs/methods.md §1.8
    and the conventions). The one-pass moment formula loses precision when the spread is tiny compared
    with the mean; on 0–100 scores with n up to 10⁷ the error stays far below display precision.

    References
    ----------
    Kish, L. (1965). *Survey Sampling*. Wiley. docs/methods.md §1.8, §7.3, §7.4.

    Examples
    --------
    >>> r = mean_index_from_moments([12], [900.0], [72000.0], threshold=7)
    >>> round(float(r.estimate[0]), 3)
    75.0
    """
    confidence = check_confidence(confidence)
    threshold = check_threshold(threshold)
    weighted = weight_sum is not None or weight_sq_sum is not None
    if weighted and (weight_sum is None or weight_sq_sum is None):
        missing = "weight_sq_sum" if weight_sq_sum is None else "weight_sum"
        raise InvalidArgument(f"{missing}: give both weight_sum and weight_sq_sum, or neither", field=missing)
    args: dict[str, ArrayLike] = {"n": n, "total": total, "total_sq": total_sq}
    if weighted:
        args["weight_sum"] = weight_sum  # type: ignore[assignment]  # checked non-None above
        args["weight_sq_sum"] = weight_sq_sum  # type: ignore[assignment]  # checked non-None above
    arrays = broadcast_counts(args, allow_nan=True)
    count = arrays["n"]
    # An SQL SUM over no rows is NULL: sums of empty groups may arrive as NaN and mean 0.
    for name, array in arrays.items():
        is_nan = np.isnan(array)
        if name == "n" and is_nan.any():
            raise InvalidArgument("n: missing (NaN) count", field="n", value=float("nan"))
        if (is_nan & (count > 0)).any():
            raise InvalidArgument(
                f"{name}: missing (NaN) value in a group with respondents", field=name, value=float("nan")
            )
        array[is_nan] = 0.0
    check_non_negative(count, name="n")
    _check_integer_counts(count, name="n")
    check_non_negative(arrays["total_sq"], name="total_sq")
    lo_hi = None if bounds is None else (float(bounds[0]), float(bounds[1]))
    with np.errstate(invalid="ignore", divide="ignore"):
        if weighted:
            w_sum = arrays["weight_sum"]
            w_sq = arrays["weight_sq_sum"]
            check_non_negative(w_sum, name="weight_sum")
            check_non_negative(w_sq, name="weight_sq_sum")
            mean = arrays["total"] / w_sum
            n_eff = np.where(w_sq > 0, w_sum**2 / w_sq, 0.0)
            ss = np.maximum(arrays["total_sq"] - arrays["total"] ** 2 / w_sum, 0.0)
            variance = ss / (w_sum - w_sq / w_sum)
            method = MEAN_METHOD_KISH
        else:
            mean = arrays["total"] / count
            n_eff = count.copy()
            ss = np.maximum(arrays["total_sq"] - arrays["total"] ** 2 / count, 0.0)
            variance = ss / (count - 1.0)
            method = MEAN_METHOD
    interval = mean_interval(mean, variance, n_eff, confidence=confidence, bounds=lo_hi)
    return _finish(interval, n=count, n_eff=n_eff, threshold=threshold, method=method, confidence=confidence)


def nps_from_counts(
    promoters: ArrayLike,
    passives: ArrayLike,
    detractors: ArrayLike,
    *,
    method: str = "adjusted_wald",
    confidence: float = 0.95,
    threshold: int = 7,
    n_boot: int = 10_000,
    random_state: int | np.random.Generator | None = None,
    respondents: ArrayLike | None = None,
    weight_sq_sum: ArrayLike | None = None,
) -> IndexArrays:
    """Net Promoter Score per group from the counts of promoters (9–10), passives (7–8), detractors (0–6).

    Parameters
    ----------
    promoters, passives, detractors : array_like of int
        Counts per group (scalars broadcast).
    method : {"adjusted_wald", "wald", "bootstrap"}, default "adjusted_wald"
        Interval method (docs/methods.md §3.1).
    confidence : float, default 0.95
    threshold : int, default 7
        Groups with ``n < threshold`` are suppressed.
    n_boot : int, default 10000
        Bootstrap draws (``method="bootstrap"`` only).
    random_state : int or numpy Generator, optional
        Seed of the bootstrap.
    respondents, weight_sq_sum : array_like, optional
        Weighted data: ``promoters``, ``passives`` and ``detractors`` are then sums of survey weights, and
        ``respondents`` (answer counts, for the threshold) and ``weight_sq_sum`` (``Σw²``) are required. The
        interval uses the Kish ``n_eff = (Σw)²/Σw²`` with the weighted shares, as :func:`nps` does.

    Returns
    -------
    IndexArrays
        Estimates in −100…100.

    Notes
    -----
    ``NPS = 100·(P − D)/n``. Wald: ``Var = [p + d − (p − d)²]/n``. Adjusted Wald (Rocks 2016): the Wald
    formula on ``p' = (P + ¾)/(n + 3)``, ``d' = (D + ¾)/(n + 3)`` with ``n + 3``, centred on
    ``100·(p' − d')``.

    References
    ----------
    Reichheld, F. (2003). The one number you need to grow. *Harvard Business Review* 81(12).
    Rocks, B. (2016). Interval estimation for the "net promoter score". *The American Statistician* 70(4).

    Examples
    --------
    >>> r = nps_from_counts([90], [60], [50], method="wald")
    >>> round(float(r.estimate[0]), 1), round(float(r.ci_low[0]), 3)
    (20.0, 8.741)
    """
    if method not in NPS_METHODS:
        raise InvalidArgument(
            f"method: {method!r} is not one of {sorted(NPS_METHODS)}", field="method", value=method
        )
    confidence = check_confidence(confidence)
    threshold = check_threshold(threshold)
    weighted = respondents is not None or weight_sq_sum is not None
    if weighted and (respondents is None or weight_sq_sum is None):
        missing = "weight_sq_sum" if weight_sq_sum is None else "respondents"
        raise InvalidArgument(
            f"{missing}: weighted counts need both respondents and weight_sq_sum", field=missing
        )
    args: dict[str, ArrayLike] = {"promoters": promoters, "passives": passives, "detractors": detractors}
    if weighted:
        args["respondents"] = respondents  # type: ignore[assignment]  # checked non-None above
        args["weight_sq_sum"] = weight_sq_sum  # type: ignore[assignment]  # checked non-None above
    arrays = broadcast_counts(args)
    for name, array in arrays.items():
        check_non_negative(array, name=name)
        if not weighted or name == "respondents":
            _check_integer_counts(array, name=name)
    counts = [arrays["promoters"], arrays["passives"], arrays["detractors"]]
    total = counts[0] + counts[1] + counts[2]
    method_text = NPS_METHODS[method]
    if weighted:
        n = arrays["respondents"]
        with np.errstate(invalid="ignore", divide="ignore"):
            n_eff = np.where(arrays["weight_sq_sum"] > 0, total**2 / arrays["weight_sq_sum"], 0.0)
            counts = [np.where(total > 0, c / total * n_eff, 0.0) for c in counts]
        method_text += "; weighted, Kish n_eff"
    else:
        n, n_eff = total, total.copy()
    interval = nps_interval(
        counts[0],
        counts[1],
        counts[2],
        method=method,
        confidence=confidence,
        n_boot=n_boot,
        random_state=random_state,
    )
    return _finish(interval, n=n, n_eff=n_eff, threshold=threshold, method=method_text, confidence=confidence)


def proportion_from_counts(
    successes: ArrayLike,
    n: ArrayLike,
    *,
    confidence: float = 0.95,
    threshold: int = 7,
    weight_sum: ArrayLike | None = None,
    weight_sq_sum: ArrayLike | None = None,
) -> IndexArrays:
    """Share in percent (0–100) with a Wilson score interval per group (top box, CSAT; docs/methods.md §3.2).

    Parameters
    ----------
    successes : array_like of int
        Respondents in the box (e.g. answering 4 or 5 on 1–5).
    n : array_like of int
        Respondents with an answer.
    confidence : float, default 0.95
    threshold : int, default 7
        Groups with ``n < threshold`` are suppressed.
    weight_sum, weight_sq_sum : array_like, optional
        Weighted data: ``successes`` is then ``Σw`` over the respondents in the box, ``weight_sum`` ``Σw`` and
        ``weight_sq_sum`` ``Σw²`` over all answering respondents, ``n`` their count. The Wilson interval uses
        ``p̂_w`` and the Kish ``n_eff``, as :func:`top_box` does.

    Returns
    -------
    IndexArrays

    Notes
    -----
    ``p̂ = x/n``; Wilson limits ``[p̂ + z²/2n ± z·√(p̂(1−p̂)/n + z²/4n²)]/(1 + z²/n)``, times 100.

    References
    ----------
    Wilson, E. B. (1927). Probable inference, the law of succession, and statistical inference.
    *JASA* 22(158), 209–212.

    Examples
    --------
    >>> r = proportion_from_counts([160], [200])
    >>> round(float(r.estimate[0]), 1), round(float(r.ci_low[0]), 2), round(float(r.ci_high[0]), 2)
    (80.0, 73.91, 84.95)
    """
    confidence = check_confidence(confidence)
    threshold = check_threshold(threshold)
    weighted = weight_sum is not None or weight_sq_sum is not None
    if weighted and (weight_sum is None or weight_sq_sum is None):
        missing = "weight_sq_sum" if weight_sq_sum is None else "weight_sum"
        raise InvalidArgument(f"{missing}: give both weight_sum and weight_sq_sum, or neither", field=missing)
    args: dict[str, ArrayLike] = {"successes": successes, "n": n}
    if weighted:
        args["weight_sum"] = weight_sum  # type: ignore[assignment]  # checked non-None above
        args["weight_sq_sum"] = weight_sq_sum  # type: ignore[assignment]  # checked non-None above
    arrays = broadcast_counts(args)
    for name, array in arrays.items():
        check_non_negative(array, name=name)
        if not weighted or name == "n":
            _check_integer_counts(array, name=name)
    base = arrays["weight_sum"] if weighted else arrays["n"]
    if (arrays["successes"] > base * (1 + 1e-12)).any():
        bad = arrays["successes"] > base * (1 + 1e-12)
        limit = "weight_sum" if weighted else "n"
        raise InvalidArgument(
            f"successes: {arrays['successes'][bad][0]:g} exceeds {limit} {base[bad][0]:g}",
            field="successes",
            value=float(arrays["successes"][bad][0]),
        )
    if weighted:
        with np.errstate(invalid="ignore", divide="ignore"):
            n_eff = np.where(arrays["weight_sq_sum"] > 0, base**2 / arrays["weight_sq_sum"], 0.0)
            effective = np.minimum(arrays["successes"] / base, 1.0) * n_eff
        interval = wilson_interval(effective, n_eff, confidence=confidence)
        method = WILSON_METHOD_KISH
    else:
        n_eff = arrays["n"].copy()
        interval = wilson_interval(arrays["successes"], n_eff, confidence=confidence)
        method = WILSON_METHOD
    return _finish(
        interval, n=arrays["n"], n_eff=n_eff, threshold=threshold, method=method, confidence=confidence
    )
