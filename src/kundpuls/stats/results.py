"""Result records shared by every statistic: an index with its interval, and a comparison of two.

:class:`IndexResult` is the one type of an index value with its interval, from the statistic to every
surface: the unit page, the overview, the PDF, the Excel and CSV tables, the API, the goals and
``kundpuls analyze`` read it (docs/architecture.md, "How each surface gets its numbers"). Vectorised
containers (:class:`kundpuls.stats.sufficient.IndexArrays`, the index frames of :mod:`kundpuls.reports`)
are the computation's internals and hand out ``IndexResult`` values.

Field names are fixed project-wide (docs/architecture.md, conventions): ``estimate``, ``ci_low``,
``ci_high``, ``n``, ``n_eff``, ``method``, ``suppressed``. A suppressed statistic keeps its ``n`` (the base is
always reported) but every number derived from the answers is ``None``; a hidden value of a report
(:meth:`IndexResult.hidden`) has no numbers at all, not even ``n``.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, replace
from typing import Any

from kundpuls.errors import InvalidArgument

#: What an index is on: ``"index"`` (a 0–100 mean), ``"share"`` (percent positive), ``"nps"`` (−100…100);
#: ``"needs"`` marks the empty value of a survey whose results are its Kano and price modules.
KINDS = ("index", "share", "nps", "needs")

#: The fields of a statistic (:meth:`IndexResult.to_dict`), as the statistics commands print them.
STATISTIC_FIELDS = ("estimate", "ci_low", "ci_high", "n", "n_eff", "method", "suppressed", "se", "confidence")


def _finite_or_none(value: float | None) -> float | None:
    """Return ``value`` as a float, or ``None`` when it is missing or not finite."""
    if value is None:
        return None
    value = float(value)
    return value if math.isfinite(value) else None


@dataclass(frozen=True)
class IndexResult:
    """One index (NKI, NPS, top-box share, a dimension score …) with its interval and base.

    The first nine fields are the statistic's; ``kind``, ``key`` and ``label`` say which index of a survey
    it is and on what scale, as reports show it (empty for a statistic computed on its own).

    Attributes
    ----------
    estimate : float or None
        The point estimate on the reporting scale (0–100 index, −100…100 NPS, percent share);
        ``None`` when suppressed or undefined.
    ci_low, ci_high : float or None
        The confidence interval; ``None`` when suppressed or undefined (e.g. n = 1 for a mean).
    n : int or None
        Respondents with a value (the answered base). A statistic always reports it, also when suppressed;
        ``None`` only in a report's hidden value (:meth:`hidden`), which shows no numbers.
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
    kind : str
        The scale, one of :data:`KINDS`: ``"index"`` 0–100, ``"share"`` percent, ``"nps"`` −100…100.
    key : str
        The index's key in its survey (``"NKI"``, ``"NPS"``, an item); empty when not one of a survey's.
    label : str
        The index's name in the reader's language; empty when not one of a survey's.
    """

    estimate: float | None
    ci_low: float | None
    ci_high: float | None
    n: int | None
    n_eff: float
    method: str
    suppressed: bool
    se: float | None = None
    confidence: float = 0.95
    kind: str = "index"
    key: str = ""
    label: str = ""

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise InvalidArgument(f"kind: {self.kind!r} is not one of {KINDS}", field="kind", value=self.kind)

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
        kind: str = "index",
        key: str = "",
        label: str = "",
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
            kind=kind,
            key=key,
            label=label,
        )

    @classmethod
    def hidden(cls, key: str = "", label: str = "", *, kind: str = "index", method: str = "") -> IndexResult:
        """A value a report does not show (under the threshold, or not released): no numbers, no ``n``."""
        return cls(None, None, None, None, 0.0, method, True, kind=kind, key=key, label=label)

    def named(self, key: str, label: str, *, kind: str | None = None) -> IndexResult:
        """This result as index ``key`` of a survey, called ``label`` (and on scale ``kind``)."""
        return replace(self, key=key, label=label, kind=self.kind if kind is None else kind)

    def to_dict(self) -> dict[str, Any]:
        """Return the statistic's fields (:data:`STATISTIC_FIELDS`) as a plain, JSON-serialisable dict."""
        values = asdict(self)
        return {name: values[name] for name in STATISTIC_FIELDS}


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
