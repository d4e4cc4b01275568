"""Gaps: staff's view against customers' (mirrored questions) and SERVQUAL perception − expectation.

References
----------
Parasuraman, A., Zeithaml, V. A. & Berry, L. L. (1988). SERVQUAL: a multiple-item scale for measuring
consumer perceptions of service quality. *Journal of Retailing* 64(1); the 1991 refinement (*J. Retailing*
67(4)). docs/methods.md §6.1, §9.3.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from kundpuls.errors import InvalidArgument
from kundpuls.stats.comparison import compare
from kundpuls.stats.estimators import mean_result
from kundpuls.stats.results import Comparison, IndexResult
from kundpuls.stats.validation import (
    as_float_array,
    check_confidence,
    check_on_scale,
    check_scale,
    check_threshold,
    require_answers,
)

#: SERVQUAL's five RATER dimensions and their items (0-based column positions of the 22 items).
RATER: Mapping[str, tuple[int, ...]] = {
    "tangibles": (0, 1, 2, 3),
    "reliability": (4, 5, 6, 7, 8),
    "responsiveness": (9, 10, 11, 12),
    "assurance": (13, 14, 15, 16),
    "empathy": (17, 18, 19, 20, 21),
}

#: Mirrored staff answers are shown only with at least this many staff (employee-survey practice) [U].
STAFF_THRESHOLD = 5


@dataclass(frozen=True)
class StaffCustomerGap:
    """Staff's belief about customers against the customers' own answers, on 0–100.

    ``gap.difference = idx_staff − idx_customer`` (positive = staff overestimate), Welch t test.
    """

    staff: IndexResult
    customers: IndexResult
    gap: Comparison

    def to_dict(self) -> dict[str, Any]:
        """Return the three parts as plain dicts."""
        return {
            "staff": self.staff.to_dict(),
            "customers": self.customers.to_dict(),
            "gap": self.gap.to_dict(),
        }


def gap(
    staff: ArrayLike,
    customers: ArrayLike,
    *,
    scale: Sequence[float] = (1, 5),
    confidence: float = 0.95,
    staff_threshold: int = STAFF_THRESHOLD,
    threshold: int = 7,
) -> StaffCustomerGap:
    """Staff–customer gap of one mirrored attribute (docs/methods.md §9.3).

    Parameters
    ----------
    staff : array_like
        Staff's ratings of how they believe customers rate the attribute (same wording and
        scale); NaN = missing.
    customers : array_like
        Customers' own ratings.
    scale : (lo, hi), default (1, 5)
    confidence : float, default 0.95
    staff_threshold : int, default 5
        Staff answers needed to show the staff side [U].
    threshold : int, default 7
        Customer answers needed to show the customer side.

    Returns
    -------
    StaffCustomerGap
        The gap is None (not significant) when either side is suppressed.

    Notes
    -----
    Both sides are rescaled to 0–100 (``100(x − lo)/(hi − lo)``); ``gap = idx_staff − idx_customer``, Welch t
    with Welch–Satterthwaite df.

    References
    ----------
    docs/methods.md §9.3, E9.1 (design, SERVQUAL gap 1 analogue).

    Examples
    --------
    >>> g = gap([4, 5, 4, 4, 3, 5, 4, 4, 5, 4], [3, 4, 3, 2, 4, 3, 3, 4, 2, 3, 3, 4])
    >>> round(g.gap.difference, 3), round(g.gap.statistic, 4), round(g.gap.p_value, 5)
    (25.833, 3.5883, 0.00185)
    """
    confidence = check_confidence(confidence)
    staff_threshold = check_threshold(staff_threshold, name="staff_threshold")
    threshold = check_threshold(threshold)
    lo, hi = check_scale(scale)
    sides = {}
    for name, values, limit in (("staff", staff, staff_threshold), ("customers", customers, threshold)):
        array = as_float_array(values, name=name, ndim=1)
        check_on_scale(array, (lo, hi), name=name)
        array = 100.0 * (array[~np.isnan(array)] - lo) / (hi - lo)
        require_answers(array.shape[0], name=name)
        result = mean_result(
            array,
            confidence=confidence,
            threshold=limit,
            sample_weights=None,
            variance="kish",
            bounds=(0, 100),
        )
        sides[name] = (array, result)
    (staff_idx, staff_result), (cust_idx, cust_result) = sides["staff"], sides["customers"]
    if staff_result.suppressed or cust_result.suppressed or staff_idx.shape[0] < 2 or cust_idx.shape[0] < 2:
        comparison = compare(staff_result, cust_result, confidence=confidence)
    else:
        comparison = compare(staff_idx, cust_idx, confidence=confidence)
    return StaffCustomerGap(staff=staff_result, customers=cust_result, gap=comparison)


@dataclass(frozen=True)
class ServqualResult:
    """SERVQUAL gaps: per dimension (mean over respondents), unweighted and weighted totals."""

    dimension_gaps: dict[str, IndexResult]
    unweighted: IndexResult
    weighted: IndexResult | None

    def to_dict(self) -> dict[str, Any]:
        """Return the results as plain dicts."""
        return {
            "dimension_gaps": {k: v.to_dict() for k, v in self.dimension_gaps.items()},
            "unweighted": self.unweighted.to_dict(),
            "weighted": None if self.weighted is None else self.weighted.to_dict(),
        }


def servqual(
    perceptions: ArrayLike,
    expectations: ArrayLike,
    *,
    dimensions: Mapping[str, Sequence[int]] = RATER,
    points: ArrayLike | None = None,
    scale: Sequence[float] = (1, 7),
    confidence: float = 0.95,
    threshold: int = 7,
) -> ServqualResult:
    """SERVQUAL gap scores ``G = P − E`` per dimension and overall (docs/methods.md §6.1).

    Parameters
    ----------
    perceptions, expectations : array_like, shape (respondents, items)
        Paired 7-point ratings; an item gap needs both (NaN = missing).
    dimensions : mapping of name to item positions, default RATER (22 items)
    points : array_like, optional
        Importance points (summing to 100) per dimension, either one vector for everyone or one row per
        respondent; gives the weighted SERVQUAL ``Σ (points_d/100)·gap_d``.
    scale : (lo, hi), default (1, 7)
    confidence : float, default 0.95
    threshold : int, default 7

    Returns
    -------
    ServqualResult
        Gaps on the rating difference scale (−6…6), each with n and a t/z interval.

    Notes
    -----
    Per respondent: dimension gap = mean of its answered item gaps; unweighted = mean of the dimension gaps
    answered; weighted = Σ points_d/100·gap_d (respondents missing a dimension are left out). Then averaged
    over respondents (order [U]: per respondent first, docs/methods.md §6.1).

    References
    ----------
    Parasuraman, Zeithaml & Berry (1988), J. Retailing 64(1); docs/methods.md §6.1, E6.1.
    """
    confidence = check_confidence(confidence)
    threshold = check_threshold(threshold)
    lo, hi = check_scale(scale)
    p = as_float_array(perceptions, name="perceptions", ndim=2)
    e = as_float_array(expectations, name="expectations", ndim=2)
    if p.shape != e.shape:
        raise InvalidArgument(
            f"mismatched shapes: perceptions {p.shape}, expectations {e.shape}", field="expectations"
        )
    check_on_scale(p, (lo, hi), name="perceptions")
    check_on_scale(e, (lo, hi), name="expectations")
    if not dimensions:
        raise InvalidArgument("dimensions: no dimensions", field="dimensions")
    for name, items in dimensions.items():
        bad = [i for i in items if not 0 <= int(i) < p.shape[1]]
        if bad or not items:
            raise InvalidArgument(
                f"dimensions: {name!r} refers to item {bad[0] if bad else None} of {p.shape[1]}",
                field="dimensions",
                value=name,
            )
    item_gaps = p - e
    with warnings.catch_warnings():
        # An all-missing dimension is simply NaN for that respondent.
        warnings.filterwarnings("ignore", message="Mean of empty slice", category=RuntimeWarning)
        dim_gaps = np.column_stack(
            [np.nanmean(item_gaps[:, [int(i) for i in items]], axis=1) for items in dimensions.values()]
        )
        unweighted = np.nanmean(dim_gaps, axis=1)
    span = hi - lo
    bounds = (-span, span)

    def summarise(values: np.ndarray, name: str) -> IndexResult:
        kept = values[~np.isnan(values)]
        require_answers(kept.shape[0], name=name)
        return mean_result(
            kept,
            confidence=confidence,
            threshold=threshold,
            sample_weights=None,
            variance="kish",
            bounds=bounds,
        )

    dimension_results = {name: summarise(dim_gaps[:, j], "perceptions") for j, name in enumerate(dimensions)}
    weighted_result = None
    if points is not None:
        pts = as_float_array(points, name="points")
        if pts.ndim == 1:
            pts = np.broadcast_to(pts, (p.shape[0], pts.shape[0]))
        if pts.shape != (p.shape[0], len(dimensions)):
            raise InvalidArgument(
                f"points: shape {pts.shape} does not match {p.shape[0]} respondents x "
                f"{len(dimensions)} dimensions",
                field="points",
                value=pts.shape,
            )
        if (pts < 0).any() or np.isnan(pts).any():
            raise InvalidArgument("points: must be non-negative numbers", field="points")
        weighted = np.sum(pts / 100.0 * dim_gaps, axis=1)
        weighted_result = summarise(weighted, "points")
    return ServqualResult(
        dimension_gaps=dimension_results,
        unweighted=summarise(unweighted, "perceptions"),
        weighted=weighted_result,
    )
