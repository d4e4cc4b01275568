"""Indices from raw answers: NKI-type satisfaction index, NPS, top-box share (CSAT), scale mean, CES.

Each function validates its input, computes the group's sufficient numbers and hands them to the same
vectorised interval code as :mod:`kundpuls.stats.sufficient`, so raw and aggregated data give the same result.
Every result carries n, the Kish effective n and, where defined, a confidence interval; a group below the
anonymity threshold (default 7, docs/methods.md §1.10) comes back suppressed with its numbers set to ``None``.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from kundpuls.errors import InvalidArgument, SmallSampleWarning
from kundpuls.stats.estimators import (
    check_variance,
    first_group,
    linearised_se,
    mean_result,
    weighted_counts,
)
from kundpuls.stats.intervals import (
    NPS_METHODS,
    WILSON_METHOD,
    WILSON_METHOD_KISH,
    nps_interval,
    wilson_interval,
    z_value,
)
from kundpuls.stats.results import IndexResult
from kundpuls.stats.validation import (
    FloatArray,
    as_float_array,
    check_confidence,
    check_on_scale,
    check_scale,
    check_threshold,
    check_weights,
    require_answers,
)

#: NPS and shares warn below this base (docs/methods.md §3.1: "warns when n < 30").
SMALL_BASE = 30


def _item_weights(weights: ArrayLike | None, k: int) -> FloatArray:
    if weights is None:
        return np.full(k, 1.0 / k)
    w = as_float_array(weights, name="weights", ndim=1)
    if w.shape[0] != k:
        raise InvalidArgument(
            f"weights: {w.shape[0]} weights for {k} items", field="weights", value=w.shape[0]
        )
    if np.isnan(w).any() or (w < 0).any() or w.sum() <= 0:
        raise InvalidArgument(
            f"weights: {w.tolist()} must be non-negative with a positive sum",
            field="weights",
            value=w.tolist(),
        )
    return w / w.sum()


def respondent_index(
    items: ArrayLike,
    *,
    scale: Sequence[float] = (1, 10),
    weights: ArrayLike | None = None,
    min_answered: int | None = None,
) -> FloatArray:
    """Each respondent's 0–100 index: the weighted mean of the answered items, weights renormalised.

    Parameters
    ----------
    items : array_like, shape (respondents, items)
        Ratings on ``scale``; NaN = missing ("vet ej").
    scale : (lo, hi), default (1, 10)
    weights : array_like, optional
        Item weights (normalised to sum 1); equal weights by default (docs/methods.md §1.3).
    min_answered : int, optional
        Respondents with fewer answered items get NaN. Default: half the items, rounded up (2 of 3 for NKI,
        docs/methods.md §1.7).

    Returns
    -------
    ndarray of float, shape (respondents,)
        ``Σ_i w_i·idx(x_i)·a_i / Σ_i w_i·a_i`` with ``a_i = 1`` when item i is answered; NaN when dropped.
    """
    lo, hi = check_scale(scale)
    matrix = as_float_array(items, name="items", ndim=2)
    k = matrix.shape[1]
    if k == 0:
        raise InvalidArgument("items: no item columns", field="items", value=matrix.shape)
    check_on_scale(matrix, (lo, hi), name="items")
    w = _item_weights(weights, k)
    if min_answered is None:
        min_answered = math.ceil(k / 2)
    if isinstance(min_answered, bool) or int(min_answered) != min_answered or not 1 <= min_answered <= k:
        raise InvalidArgument(
            f"min_answered: {min_answered!r} must be a whole number from 1 to {k}",
            field="min_answered",
            value=min_answered,
        )
    answered = ~np.isnan(matrix)
    idx = np.where(answered, 100.0 * (matrix - lo) / (hi - lo), 0.0)
    w_answered = answered * w
    with np.errstate(invalid="ignore", divide="ignore"):
        score = (idx * w_answered).sum(axis=1) / w_answered.sum(axis=1)
    keep = (answered.sum(axis=1) >= min_answered) & (w_answered.sum(axis=1) > 0)
    return np.where(keep, score, np.nan)


def satisfaction_index(
    items: ArrayLike,
    *,
    scale: Sequence[float] = (1, 10),
    weights: ArrayLike | None = None,
    min_answered: int | None = None,
    confidence: float = 0.95,
    sample_weights: ArrayLike | None = None,
    threshold: int = 7,
    variance: str = "kish",
) -> IndexResult:
    """Satisfaction index (NKI, NMI, betygsindex of a question area) on 0–100 with its interval.

    Parameters
    ----------
    items : array_like, shape (respondents, items)
        Rows are respondents, columns the items of the index (NKI's three questions, or an area's items);
        NaN = missing. A 1-D array is one item.
    scale : (lo, hi), default (1, 10)
        Rating scale of the items (1–10 SCB NKI, 1–6 SKR Insikt).
    weights : array_like, optional
        Item weights; equal by default. Renormalised over each respondent's answered items (§1.7).
    min_answered : int, optional
        Minimum answered items for a respondent to count; default half the items rounded up.
    confidence : float, default 0.95
    sample_weights : array_like, optional
        Survey weights per respondent (post-stratification or raking, §7).
    threshold : int, default 7
        Suppress when fewer respondents count (§1.10).
    variance : {"kish", "linearisation"}, default "kish"
        Weighted interval: Kish effective n (matches :func:`mean_index_from_moments`) or the linearisation
        SE ``SE² = n/(n−1)·Σw²(y − ȳ_w)²/(Σw)²`` (§7.4).

    Returns
    -------
    IndexResult

    Raises
    ------
    InvalidArgument
        A value off the scale, bad weights or mismatched lengths.
    InsufficientData
        No respondent has enough answered items.

    Notes
    -----
    Respondent score ``y_j = Σ_i w_i idx(x_ij) / Σ_i w_i`` over answered items with
    ``idx(x) = 100(x − lo)/(hi − lo)``; index ``ȳ`` with ``SE = s/√n``; interval ``ȳ ± t_{n−1}·SE`` when
    n < 30, else ``ȳ ± z·SE``, clipped to 0–100.

    References
    ----------
    SCB, "SCB:s analysmodell med NKI"; docs/methods.md §1.2–§1.8, §7.4.

    Examples
    --------
    >>> import numpy as np
    >>> nan = np.nan
    >>> rows = [[9, 8, 8], [7, 7, 6], [10, 9, 9], [6, nan, 5], [8, 8, 7], [5, 4, nan], [9, 9, 8],
    ...         [nan, nan, 7], [8, 7, 7], [10, 10, 9]]
    >>> r = satisfaction_index(rows)
    >>> r.n, round(r.estimate, 3), round(r.ci_low, 3), round(r.ci_high, 3)
    (9, 72.428, 57.679, 87.177)
    """
    confidence = check_confidence(confidence)
    threshold = check_threshold(threshold)
    check_variance(variance)
    scores = respondent_index(items, scale=scale, weights=weights, min_answered=min_answered)
    w = check_weights(sample_weights, scores.shape[0])
    keep = ~np.isnan(scores)
    require_answers(int(keep.sum()), name="items")
    return mean_result(
        scores[keep],
        confidence=confidence,
        threshold=threshold,
        sample_weights=None if w is None else w[keep],
        variance=variance,
        bounds=(0.0, 100.0),
    )


def scale_mean(
    scores: ArrayLike,
    *,
    scale: Sequence[float] = (1, 5),
    confidence: float = 0.95,
    sample_weights: ArrayLike | None = None,
    threshold: int = 7,
    variance: str = "kish",
) -> IndexResult:
    """Mean of one rating on its own scale (CSAT mean, CES mean) with a t/z interval clipped to the scale.

    ``x̄ ± c·s/√n`` with ``c = t_{n−1}`` for n < 30, else z (docs/methods.md conventions). NaN = missing.

    Examples
    --------
    >>> import numpy as np
    >>> round(scale_mean(np.repeat([1, 2, 3, 4, 5], [5, 10, 25, 80, 80])).estimate, 2)
    4.1
    """
    confidence = check_confidence(confidence)
    threshold = check_threshold(threshold)
    check_variance(variance)
    lo, hi = check_scale(scale)
    values = as_float_array(scores, name="scores", ndim=1)
    check_on_scale(values, (lo, hi), name="scores")
    w = check_weights(sample_weights, values.shape[0])
    keep = ~np.isnan(values)
    require_answers(int(keep.sum()), name="scores")
    return mean_result(
        values[keep],
        confidence=confidence,
        threshold=threshold,
        sample_weights=None if w is None else w[keep],
        variance=variance,
        bounds=(lo, hi),
    )


def _warn_small(n: int, threshold: int, what: str) -> None:
    if threshold <= n < SMALL_BASE:
        warnings.warn(
            f"{what}: n = {n} is below {SMALL_BASE}; the interval is wide and unstable",
            SmallSampleWarning,
            stacklevel=3,
        )


def nps(
    scores: ArrayLike,
    *,
    method: str = "adjusted_wald",
    confidence: float = 0.95,
    sample_weights: ArrayLike | None = None,
    threshold: int = 7,
    variance: str = "kish",
    n_boot: int = 10_000,
    random_state: int | np.random.Generator | None = None,
) -> IndexResult:
    """Net Promoter Score from 0–10 answers, −100…100, with an interval (docs/methods.md §3.1).

    Parameters
    ----------
    scores : array_like of int
        Likelihood-to-recommend answers 0–10; NaN = missing (excluded from n).
    method : {"adjusted_wald", "wald", "bootstrap"}, default "adjusted_wald"
        Interval: Wald, adjusted Wald (Rocks 2016, best coverage), or percentile bootstrap.
    confidence : float, default 0.95
    sample_weights : array_like, optional
        Survey weights; shares are weighted and the interval uses the Kish n_eff, or with
        ``variance="linearisation"`` the linearised SE of the mean of +1/0/−1 (Wald-type interval).
    threshold : int, default 7
    variance : {"kish", "linearisation"}, default "kish"
    n_boot : int, default 10000
        Bootstrap draws.
    random_state : int or numpy Generator, optional
        Seed of the bootstrap.

    Returns
    -------
    IndexResult

    Notes
    -----
    Promoters 9–10, passives 7–8, detractors 0–6; ``NPS = 100(P − D)/n``;
    ``Var(p̂ − d̂) = [p + d − (p − d)²]/n``. Warns (:class:`SmallSampleWarning`) when shown with n < 30.

    References
    ----------
    Reichheld (2003), HBR 81(12); Rocks (2016), The American Statistician 70(4).

    Examples
    --------
    >>> import numpy as np
    >>> r = nps(np.repeat([10, 8, 3], [90, 60, 50]), method="wald")
    >>> round(r.estimate, 1), round(r.ci_low, 3), round(r.ci_high, 3)
    (20.0, 8.741, 31.259)
    """
    if method not in NPS_METHODS:
        raise InvalidArgument(
            f"method: {method!r} is not one of {sorted(NPS_METHODS)}", field="method", value=method
        )
    confidence = check_confidence(confidence)
    threshold = check_threshold(threshold)
    check_variance(variance)
    values = as_float_array(scores, name="scores", ndim=1)
    check_on_scale(values, (0.0, 10.0), name="scores")
    finite = values[~np.isnan(values)]
    if (finite != np.round(finite)).any():
        bad = float(finite[finite != np.round(finite)][0])
        raise InvalidArgument(f"scores: {bad:g} is not a whole number 0–10", field="scores", value=bad)
    w_all = check_weights(sample_weights, values.shape[0])
    keep = ~np.isnan(values)
    require_answers(int(keep.sum()), name="scores")
    values = values[keep]
    w = None if w_all is None else w_all[keep]
    n = int(values.shape[0])
    promoters, passives, detractors = values >= 9, (values >= 7) & (values <= 8), values <= 6
    (p_count, pa_count, d_count), n_eff = weighted_counts([promoters, passives, detractors], values, w)
    if w is not None and variance == "linearisation":
        y = np.where(promoters, 1.0, np.where(detractors, -1.0, 0.0))
        mean = float(np.sum(w * y) / np.sum(w))
        se = 100.0 * linearised_se(y, w, mean)
        z = z_value(confidence)
        estimate = 100.0 * mean
        low, high = max(-100.0, estimate - z * se), min(100.0, estimate + z * se)
        method_text = "weighted NPS; linearisation SE; Wald interval"
    else:
        interval = nps_interval(
            np.array([p_count]),
            np.array([pa_count]),
            np.array([d_count]),
            method=method,
            confidence=confidence,
            n_boot=n_boot,
            random_state=random_state,
        )
        estimate, low, high, se = first_group(interval)
        method_text = NPS_METHODS[method] + ("; weighted, Kish n_eff" if w is not None else "")
    _warn_small(n, threshold, "nps")
    return IndexResult.build(
        estimate=estimate,
        ci_low=low,
        ci_high=high,
        n=n,
        n_eff=n_eff,
        method=method_text,
        suppressed=n < threshold,
        se=se,
        confidence=confidence,
    )


def _box_share(
    scores: ArrayLike,
    *,
    scale: Sequence[float],
    boxes: int,
    side: str,
    confidence: float,
    threshold: int,
    sample_weights: ArrayLike | None,
) -> IndexResult:
    confidence = check_confidence(confidence)
    threshold = check_threshold(threshold)
    lo, hi = check_scale(scale)
    if isinstance(boxes, bool) or int(boxes) != boxes or not 1 <= boxes <= hi - lo:
        raise InvalidArgument(
            f"boxes: {boxes!r} must be a whole number from 1 to {hi - lo:g}", field="boxes", value=boxes
        )
    values = as_float_array(scores, name="scores", ndim=1)
    check_on_scale(values, (lo, hi), name="scores")
    w_all = check_weights(sample_weights, values.shape[0])
    keep = ~np.isnan(values)
    require_answers(int(keep.sum()), name="scores")
    values = values[keep]
    w = None if w_all is None else w_all[keep]
    n = int(values.shape[0])
    in_box = values > hi - boxes if side == "top" else values < lo + boxes
    (successes,), n_eff = weighted_counts([in_box], values, w)
    interval = wilson_interval(np.array([successes]), np.array([n_eff]), confidence=confidence)
    estimate, low, high, se = first_group(interval)
    return IndexResult.build(
        estimate=estimate,
        ci_low=low,
        ci_high=high,
        n=n,
        n_eff=n_eff,
        method=WILSON_METHOD if w is None else WILSON_METHOD_KISH,
        suppressed=n < threshold,
        se=se,
        confidence=confidence,
    )


def top_box(
    scores: ArrayLike,
    *,
    scale: Sequence[float] = (1, 5),
    boxes: int = 2,
    confidence: float = 0.95,
    threshold: int = 7,
    sample_weights: ArrayLike | None = None,
) -> IndexResult:
    """Share (percent) answering one of the ``boxes`` highest scale points, with a Wilson interval.

    CSAT is the top-2 box on 1–5 (docs/methods.md §3.2): ``100·#{x > hi − boxes}/n``. Weighted: the weighted
    share with the Kish n_eff in the Wilson formula (§7.4).

    References
    ----------
    Wilson (1927), JASA 22; docs/methods.md §3.2.

    Examples
    --------
    >>> import numpy as np
    >>> r = top_box(np.repeat([1, 2, 3, 4, 5], [5, 10, 25, 80, 80]))
    >>> round(r.estimate, 1), round(r.ci_low, 2), round(r.ci_high, 2)
    (80.0, 73.91, 84.95)
    """
    return _box_share(
        scores,
        scale=scale,
        boxes=boxes,
        side="top",
        confidence=confidence,
        threshold=threshold,
        sample_weights=sample_weights,
    )


def bottom_box(
    scores: ArrayLike,
    *,
    scale: Sequence[float] = (1, 5),
    boxes: int = 2,
    confidence: float = 0.95,
    threshold: int = 7,
    sample_weights: ArrayLike | None = None,
) -> IndexResult:
    """Share (percent) answering one of the ``boxes`` lowest scale points, with a Wilson interval.

    ``100·#{x < lo + boxes}/n`` (the mirror of :func:`top_box`; docs/methods.md §3.2).
    """
    return _box_share(
        scores,
        scale=scale,
        boxes=boxes,
        side="bottom",
        confidence=confidence,
        threshold=threshold,
        sample_weights=sample_weights,
    )


@dataclass(frozen=True)
class EffortScore:
    """Customer Effort Score 2.0: the mean and the agree / disagree shares (percent)."""

    mean: IndexResult
    agree: IndexResult
    disagree: IndexResult

    def to_dict(self) -> dict[str, Any]:
        """Return the three results as plain dicts."""
        return {
            "mean": self.mean.to_dict(),
            "agree": self.agree.to_dict(),
            "disagree": self.disagree.to_dict(),
        }


def effort_score(
    scores: ArrayLike,
    *,
    scale: Sequence[float] = (1, 7),
    boxes: int = 3,
    confidence: float = 0.95,
    threshold: int = 7,
    sample_weights: ArrayLike | None = None,
) -> EffortScore:
    """CES 2.0 ("made it easy for me", 1–7): mean, share agreeing (5–7) and disagreeing (1–3).

    Never mix with the original 1–5 CES (lower is better) in one trend (docs/methods.md §3.2).

    References
    ----------
    Dixon, Toman & DeLisi (2013), *The Effortless Experience*; docs/methods.md §3.2.

    Examples
    --------
    >>> import numpy as np
    >>> ces = effort_score(np.repeat([1, 2, 3, 4, 5, 6, 7], [2, 5, 3, 10, 20, 35, 25]))
    >>> round(ces.mean.estimate, 2), round(ces.agree.estimate, 1), round(ces.disagree.estimate, 1)
    (5.46, 80.0, 10.0)
    """
    common: dict[str, Any] = {
        "confidence": confidence,
        "threshold": threshold,
        "sample_weights": sample_weights,
    }
    return EffortScore(
        mean=scale_mean(scores, scale=scale, **common),
        agree=top_box(scores, scale=scale, boxes=boxes, **common),
        disagree=bottom_box(scores, scale=scale, boxes=boxes, **common),
    )
