"""Checks of the arguments every statistic shares: arrays, scales, confidence levels, thresholds.

Each check raises :class:`~kundpuls.errors.InvalidArgument` (a ``ValueError``) naming the argument and the
offending value, or :class:`~kundpuls.errors.InsufficientData` when nothing is left to compute on.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from kundpuls.errors import InsufficientData, InvalidArgument

FloatArray = NDArray[np.float64]


def as_float_array(values: ArrayLike, *, name: str, ndim: int | None = None) -> FloatArray:
    """Return ``values`` as a float array (``None`` and pandas NA become NaN).

    Raises
    ------
    InvalidArgument
        When the values are not numeric, or the number of dimensions is not ``ndim``.
    """
    array = _to_float(values, name=name)
    if ndim is not None:
        if ndim == 2 and array.ndim == 1:
            array = array.reshape(-1, 1)
        if array.ndim != ndim:
            raise InvalidArgument(
                f"{name}: expected a {ndim}-dimensional array, got shape {array.shape}",
                field=name,
                value=array.shape,
            )
    if np.isinf(array).any():
        raise InvalidArgument(
            f"{name}: infinite value {_first_bad(array, np.isinf)}", field=name, value=values
        )
    return array


def _is_missing(value: object) -> bool:
    """None, a float NaN, or a pandas missing marker (``pd.NA``, ``pd.NaT``)."""
    if value is None:
        return True
    if isinstance(value, float):
        return value != value
    return type(value).__name__ in {"NAType", "NaTType"}


def _to_float(values: ArrayLike, *, name: str) -> FloatArray:
    to_numpy = getattr(values, "to_numpy", None)
    if callable(to_numpy):  # pandas objects, including nullable dtypes with pd.NA
        try:
            return np.asarray(to_numpy(dtype=np.float64, na_value=np.nan), dtype=np.float64)
        except (TypeError, ValueError):
            pass
    try:
        return np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        pass
    objects = np.asarray(values, dtype=object)
    try:
        flat = [np.nan if _is_missing(v) else float(v) for v in objects.ravel()]
    except (TypeError, ValueError) as exc:
        raise InvalidArgument(
            f"{name}: expected numbers, got {_preview(values)}", field=name, value=values
        ) from exc
    return np.asarray(flat, dtype=np.float64).reshape(objects.shape)


def _first_bad(array: FloatArray, test: Any) -> float:
    return float(array[test(array)].ravel()[0])


def _preview(values: object) -> str:
    text = repr(values)
    return text if len(text) <= 80 else text[:77] + "..."


def check_scale(scale: Sequence[float], *, name: str = "scale") -> tuple[float, float]:
    """Return ``(lo, hi)`` after checking that the scale has two finite ends with ``lo < hi``."""
    try:
        lo, hi = (float(v) for v in scale)
    except (TypeError, ValueError) as exc:
        raise InvalidArgument(f"{name}: expected (min, max), got {scale!r}", field=name, value=scale) from exc
    if not (np.isfinite(lo) and np.isfinite(hi)) or lo >= hi:
        raise InvalidArgument(f"{name}: min {lo:g} must be below max {hi:g}", field=name, value=scale)
    return lo, hi


def check_on_scale(values: FloatArray, scale: tuple[float, float], *, name: str) -> None:
    """Raise when a non-missing value lies outside ``scale``."""
    lo, hi = scale
    bad = (values < lo) | (values > hi)
    if bad.any():
        raise InvalidArgument(
            f"{name}: value {_first_bad(values, lambda a: (a < lo) | (a > hi)):g} is outside the scale "
            f"{lo:g}–{hi:g}",
            field=name,
            value=float(values[bad].ravel()[0]),
        )


def check_confidence(confidence: float) -> float:
    """Return the confidence level after checking ``0 < confidence < 1``."""
    value = float(confidence)
    if not 0.0 < value < 1.0:
        raise InvalidArgument(
            f"confidence: {confidence!r} must lie strictly between 0 and 1",
            field="confidence",
            value=confidence,
        )
    return value


def check_threshold(threshold: int, *, name: str = "threshold") -> int:
    """Return the anonymity threshold after checking it is a non-negative integer."""
    if isinstance(threshold, bool) or int(threshold) != threshold or threshold < 0:
        raise InvalidArgument(
            f"{name}: {threshold!r} must be a non-negative integer", field=name, value=threshold
        )
    return int(threshold)


def check_weights(
    weights: ArrayLike | None, length: int, *, name: str = "sample_weights"
) -> FloatArray | None:
    """Return survey weights as a float array of ``length``, or ``None``; they must be finite and ≥ 0."""
    if weights is None:
        return None
    array = as_float_array(weights, name=name, ndim=1)
    if array.shape[0] != length:
        raise InvalidArgument(
            f"{name}: length {array.shape[0]} does not match the {length} respondents",
            field=name,
            value=array.shape[0],
        )
    if np.isnan(array).any():
        raise InvalidArgument(f"{name}: missing (NaN) weight", field=name, value=float("nan"))
    if (array < 0).any():
        raise InvalidArgument(
            f"{name}: negative weight {float(array[array < 0][0]):g}",
            field=name,
            value=float(array[array < 0][0]),
        )
    return array


def require_answers(count: int, *, name: str) -> None:
    """Raise :class:`InsufficientData` when no respondent has a value."""
    if count == 0:
        raise InsufficientData(f"{name}: no non-missing values (all missing or empty)")


def broadcast_counts(name_values: dict[str, ArrayLike], *, allow_nan: bool = False) -> dict[str, FloatArray]:
    """Broadcast count-like array arguments to one length; NaN is rejected unless ``allow_nan``."""
    arrays = {name: as_float_array(v, name=name) for name, v in name_values.items()}
    for name, array in arrays.items():
        if array.ndim > 1:
            raise InvalidArgument(
                f"{name}: expected one value per group, got shape {array.shape}", field=name
            )
        if not allow_nan and np.isnan(array).any():
            raise InvalidArgument(f"{name}: missing (NaN) value", field=name, value=float("nan"))
    try:
        broadcast = np.broadcast_arrays(*[np.atleast_1d(a) for a in arrays.values()])
    except ValueError as exc:
        described = ", ".join(f"{n} {np.size(a)}" for n, a in arrays.items())
        raise InvalidArgument(f"mismatched lengths: {described}", field=next(iter(arrays))) from exc
    return {name: np.array(b, dtype=np.float64) for name, b in zip(arrays, broadcast, strict=True)}


def check_non_negative(array: FloatArray, *, name: str) -> None:
    """Raise when a count or sum that cannot be negative is negative."""
    if (array < 0).any():
        raise InvalidArgument(
            f"{name}: negative value {float(array[array < 0][0]):g}",
            field=name,
            value=float(array[array < 0][0]),
        )
