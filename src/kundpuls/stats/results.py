"""Result records shared by every statistic: an index with its interval, and a comparison of two.

Field names are fixed project-wide (docs/architecture.md, conventions): ``estimate``, ``ci_low``,
``ci_high``, ``n``, ``n_eff``, ``method``, ``suppressed``. A suppressed result keeps its ``n`` (the base is
always reported) but every number derived from the answers is ``None``.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any


def _finite_or_none(value: float | None) -> float | None:
    """Return ``value`` as a float, or ``None`` when it is missing or not finite."""
    if value is None:
        return None
    value = float(value)
    return value if math.isfinite(value) else None


@dataclass(frozen=True)
class IndexResult:
    """One index (NKI, NPS, top-box share, a dimension score …) with its interval and base.

    Attributes
    ----------
    estimate : float or None
        The point estimate on the reporting scale (0–100 index, −100…100 NPS, percent share);
        ``None`` when suppressed or undefined.
    ci_low, ci_high : float or None
        The confidence interval; ``None`` when suppressed or undefined (e.g. n = 1 for a mean).
    n : int
        Respondents with a value (the answered base). Always reported, also when suppressed.
    n_eff : float
        Kish effective sample size ``(Σw)²/Σw²``; equals ``n`` without weights.
    method : str
        How the estimate and interval were computed (estimator, interval, variance method).
    suppressed : bool
        ``True`` when ``n`` is below the anonymity threshold; all numbers are then ``None``.
    se : float or None
        Standard error on the reporting scale (used by :func:`kundpuls.stats.compare`).
    confidence : float
        Confidence level of the interval.
    """

    estimate: float | None
    ci_low: float | None
    ci_high: float | None
    n: int
    n_eff: float
    method: str
    suppressed: bool
    se: float | None = None
    confidence: float = 0.95

    @classmethod
    def build(
        cls,
        *,
        estimate: float | None,
        ci_low: float | None,
        ci_high: float | None,
        n: int,
        n_eff: float,
        method: str,
        suppressed: bool,
        se: float | None = None,
        confidence: float = 0.95,
    ) -> IndexResult:
        """Build a result, turning NaN into ``None`` and blanking every number when suppressed."""
        if suppressed:
            estimate = ci_low = ci_high = se = None
        return cls(
            estimate=_finite_or_none(estimate),
            ci_low=_finite_or_none(ci_low),
            ci_high=_finite_or_none(ci_high),
            n=int(n),
            n_eff=float(n_eff),
            method=method,
            suppressed=bool(suppressed),
            se=_finite_or_none(se),
            confidence=float(confidence),
        )

    def to_dict(self) -> dict[str, Any]:
        """Return the fields as a plain, JSON-serialisable dict."""
        return asdict(self)


@dataclass(frozen=True)
class Comparison:
    """The difference between two estimates (``a − b``) with its interval and test.

    Attributes
    ----------
    difference : float or None
        ``a − b`` on the scale of the inputs; ``None`` when either side is suppressed.
    ci_low, ci_high : float or None
        Confidence interval of the difference.
    se : float or None
        Standard error of the difference.
    statistic : float or None
        The z or t statistic.
    df : float or None
        Degrees of freedom of a t test (Welch–Satterthwaite); ``None`` for a z test.
    p_value : float or None
        Two-sided p-value.
    significant : bool
        ``p_value < 1 − confidence``; ``False`` when the comparison is not possible.
    method : str
        The test used.
    n_a, n_b : int
        The bases of the two sides.
    """

    difference: float | None
    ci_low: float | None
    ci_high: float | None
    se: float | None
    statistic: float | None
    df: float | None
    p_value: float | None
    significant: bool
    method: str
    n_a: int
    n_b: int
    confidence: float = 0.95

    def to_dict(self) -> dict[str, Any]:
        """Return the fields as a plain, JSON-serialisable dict."""
        return asdict(self)
