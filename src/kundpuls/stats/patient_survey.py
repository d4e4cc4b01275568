"""Nationell Patientenkät (NPE): dimension scores as "andel positiva svar" (docs/methods.md §10).

A dimension combines several questions with weights from a principal component analysis. Each respondent's
score is the weighted share of positive answers over the questions they answered, with the weights of the
answered questions summing to 1; the dimension value is 100 × the mean respondent score.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from numpy.typing import ArrayLike

from kundpuls.errors import InvalidArgument
from kundpuls.stats.estimators import mean_result
from kundpuls.stats.results import IndexResult
from kundpuls.stats.validation import (
    FloatArray,
    as_float_array,
    check_confidence,
    check_threshold,
    require_answers,
)

#: The seven NPE dimensions (SKR, "Dimensioner och viktning").
NPE_DIMENSIONS = (
    "Helhetsintryck",
    "Emotionellt stöd",
    "Delaktighet och involvering",
    "Respekt och bemötande",
    "Kontinuitet och koordinering",
    "Information och kunskap",
    "Tillgänglighet",
)


def respondent_dimension_scores(
    positive: ArrayLike,
    *,
    weights: Sequence[float],
    reduced_weights: Mapping[tuple[bool, ...], Sequence[float]] | None = None,
) -> FloatArray:
    """Each respondent's weighted share of positive answers (0–1), NaN when no question was answered.

    Parameters
    ----------
    positive : array_like, shape (respondents, questions)
        1 = positive answer, 0 = not positive, NaN = missing / "ej aktuellt".
    weights : sequence of float
        The dimension's question weights (PCA-based); normalised to sum to 1.
    reduced_weights : mapping, optional
        Weights to use for a given answered-pattern (tuple of booleans, True = answered), e.g. NPE's published
        0.50/0.50 for questions 1 and 3 of weights 0.34/0.23/0.43. Patterns not listed use proportional
        renormalisation ``w_q / Σ_answered w`` (Kundpuls default, [U]).
    """
    matrix = as_float_array(positive, name="positive", ndim=2)
    known = matrix[~np.isnan(matrix)]
    if ((known != 0) & (known != 1)).any():
        bad = float(known[(known != 0) & (known != 1)][0])
        raise InvalidArgument(f"positive: {bad:g} is not 0, 1 or missing", field="positive", value=bad)
    w = as_float_array(weights, name="weights", ndim=1)
    if w.shape[0] != matrix.shape[1]:
        raise InvalidArgument(
            f"weights: {w.shape[0]} weights for {matrix.shape[1]} questions",
            field="weights",
            value=w.shape[0],
        )
    if np.isnan(w).any() or (w < 0).any() or w.sum() <= 0:
        raise InvalidArgument(
            f"weights: {w.tolist()} must be non-negative with a positive sum", field="weights"
        )
    w = w / w.sum()
    answered = ~np.isnan(matrix)
    filled = np.where(answered, matrix, 0.0)
    w_answered = answered * w
    with np.errstate(invalid="ignore", divide="ignore"):
        scores = (filled * w_answered).sum(axis=1) / w_answered.sum(axis=1)
    for pattern, pattern_weights in (reduced_weights or {}).items():
        mask_pattern = np.asarray(pattern, dtype=bool)
        pw = as_float_array(pattern_weights, name="reduced_weights", ndim=1)
        if mask_pattern.shape[0] != matrix.shape[1] or pw.shape[0] != matrix.shape[1]:
            raise InvalidArgument(
                f"reduced_weights: pattern {pattern!r} needs {matrix.shape[1]} entries and weights",
                field="reduced_weights",
                value=pattern,
            )
        if abs(float(pw[mask_pattern].sum()) - 1.0) > 1e-9 or (pw[~mask_pattern] != 0).any():
            raise InvalidArgument(
                f"reduced_weights: weights of pattern {pattern!r} must sum to 1 over the answered questions",
                field="reduced_weights",
                value=pattern,
            )
        rows = (answered == mask_pattern).all(axis=1)
        scores[rows] = filled[rows] @ pw
    return np.where(answered.any(axis=1), scores, np.nan)


def npe_dimension(
    positive: ArrayLike,
    *,
    weights: Sequence[float],
    reduced_weights: Mapping[tuple[bool, ...], Sequence[float]] | None = None,
    confidence: float = 0.95,
    threshold: int = 7,
) -> IndexResult:
    """NPE dimension value: 100 × mean over respondents of ``Σ_q w_q·positive_q`` (answered weights sum 1).

    Parameters
    ----------
    positive : array_like, shape (respondents, questions)
        1 positive / 0 not positive / NaN missing ("ej aktuellt").
    weights : sequence of float
        PCA-based question weights of the dimension.
    reduced_weights : mapping, optional
        Configured weights per missing pattern (see :func:`respondent_dimension_scores`).
    confidence : float, default 0.95
    threshold : int, default 7

    Returns
    -------
    IndexResult
        0–100 "andel positiva svar" with a t/z interval on the mean of bounded respondent scores (§1.8).

    References
    ----------
    SKR, Nationell patientenkät, "Dimensioner och viktning" (2021, 2024); docs/methods.md §10, E10.3.

    Examples
    --------
    >>> nan = float("nan")
    >>> rows = [[1, 1, 1], [1, 0, 1], [0, 0, 1], [1, 1, 0], [1, nan, 1], [0, nan, 0]]
    >>> round(npe_dimension(rows, weights=[0.34, 0.23, 0.43], threshold=0).estimate, 3)
    62.833
    """
    confidence = check_confidence(confidence)
    threshold = check_threshold(threshold)
    scores = respondent_dimension_scores(positive, weights=weights, reduced_weights=reduced_weights)
    kept = 100.0 * scores[~np.isnan(scores)]
    require_answers(kept.shape[0], name="positive")
    return mean_result(
        kept,
        confidence=confidence,
        threshold=threshold,
        sample_weights=None,
        variance="kish",
        bounds=(0.0, 100.0),
    )
