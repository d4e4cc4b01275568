"""Linear rescaling between a rating scale and the 0–100 index scale (docs/methods.md conventions, §1.2).

``idx(x) = 100·(x − lo)/(hi − lo)``; means commute with it, ``idx(mean) = mean(idx)``.
"""

from __future__ import annotations

from collections.abc import Sequence

from numpy.typing import ArrayLike

from kundpuls.stats.validation import FloatArray, as_float_array, check_on_scale, check_scale


def to_index(values: ArrayLike, *, scale: Sequence[float] = (1, 10)) -> FloatArray:
    """Rescale ratings on ``scale`` to 0–100: ``idx(x) = 100·(x − lo)/(hi − lo)``.

    Parameters
    ----------
    values : array_like
        Ratings; NaN (missing, "vet ej") stays NaN.
    scale : (lo, hi), default (1, 10)
        The ends of the rating scale (1–10 for NKI, 1–6 for SKR Insikt, 1–5 for CSAT).

    Returns
    -------
    ndarray of float

    Raises
    ------
    InvalidArgument
        When a value lies outside the scale or the scale is malformed.

    References
    ----------
    docs/methods.md §1.2 (SCB NKI 1→0, 10→100, cross-checked on the published NKI 85 ≈ 8.7 and 72 ≈ 7.5).

    Examples
    --------
    >>> to_index([1, 5.5, 8.65, 10]).round(6).tolist()
    [0.0, 50.0, 85.0, 100.0]
    """
    lo, hi = check_scale(scale)
    array = as_float_array(values, name="values")
    check_on_scale(array, (lo, hi), name="values")
    return 100.0 * (array - lo) / (hi - lo)


def from_index(index: ArrayLike, *, scale: Sequence[float] = (1, 10)) -> FloatArray:
    """Map a 0–100 index back to the rating scale: ``x = lo + idx/100·(hi − lo)``.

    Examples
    --------
    >>> from_index([85, 72]).round(2).tolist()
    [8.65, 7.48]
    """
    lo, hi = check_scale(scale)
    array = as_float_array(index, name="index")
    check_on_scale(array, (0.0, 100.0), name="index")
    return lo + array / 100.0 * (hi - lo)


__all__ = ["from_index", "to_index"]
