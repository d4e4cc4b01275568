"""Survey weights: post-stratification, raking (iterative proportional fitting), Kish design effect.

References
----------
Kish, L. (1965). *Survey Sampling*. Wiley. Deming, W. E. & Stephan, F. F. (1940). On a least squares
adjustment of a sampled frequency table when the expected marginal totals are known. *Ann. Math. Stat.* 11.
docs/methods.md §7.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Hashable, Mapping, Sequence
from typing import Any, cast

import numpy as np
from numpy.typing import ArrayLike

from kundpuls.errors import ConvergenceWarning, InsufficientData, InvalidArgument
from kundpuls.stats.validation import FloatArray, as_float_array, check_weights


def design_effect(weights: ArrayLike) -> tuple[float, float]:
    """Kish design effect of unequal weights and the effective sample size.

    ``deff = n·Σw²/(Σw)² = 1 + CV²(w)``; ``n_eff = (Σw)²/Σw² = n/deff`` (docs/methods.md §7.3). Ignores
    clustering and any correlation between weights and the outcome.

    Returns
    -------
    (deff, n_eff) : tuple of float

    References
    ----------
    Kish (1965); docs/methods.md §7.3.

    Examples
    --------
    >>> import numpy as np
    >>> deff, n_eff = design_effect(np.repeat([2.0, 1.4, 0.35 / 0.6], [30, 50, 120]))
    >>> round(deff, 4), round(n_eff, 2)
    (1.2942, 154.54)
    """
    w = as_float_array(weights, name="weights", ndim=1)
    if w.shape[0] == 0:
        raise InsufficientData("weights: no weights")
    checked = cast(FloatArray, check_weights(w, w.shape[0], name="weights"))
    total = float(checked.sum())
    if total <= 0:
        raise InvalidArgument("weights: all weights are 0", field="weights", value=0.0)
    n_eff = total**2 / float((checked**2).sum())
    return checked.shape[0] / n_eff, n_eff


def poststratify(cells: ArrayLike, population_shares: Mapping[Hashable, float]) -> FloatArray:
    """Post-stratification weights ``w_h = W_h·n/n_h`` (mean weight 1; docs/methods.md §7.1).

    Parameters
    ----------
    cells : array_like
        Each respondent's cell (stratum) label.
    population_shares : mapping
        Population share ``W_h`` of each cell; normalised to sum to 1.

    Raises
    ------
    InvalidArgument
        A respondent's cell has no population share, a share is negative, or a cell with a positive share
        has no respondent (collapse cells first).

    Examples
    --------
    >>> w = poststratify(["a"] * 30 + ["b"] * 50 + ["c"] * 120, {"a": 0.30, "b": 0.35, "c": 0.35})
    >>> [round(float(v), 4) for v in (w[0], w[30], w[80])]
    [2.0, 1.4, 0.5833]
    """
    labels = np.asarray(cells, dtype=object)
    n = labels.shape[0]
    if n == 0:
        raise InsufficientData("cells: no respondents")
    shares = _normalised_targets(population_shares, name="population_shares")
    present = {
        str(label): int(count)
        for label, count in zip(*np.unique(labels.astype(str), return_counts=True), strict=True)
    }
    key_by_text = {str(k): k for k in shares}
    for text in present:
        if text not in key_by_text:
            raise InvalidArgument(
                f"cells: cell {text!r} has no population share", field="population_shares", value=text
            )
    for key, share in shares.items():
        if share > 0 and str(key) not in present:
            raise InvalidArgument(
                f"population_shares: cell {key!r} has share {share:g} but no respondents; "
                "collapse cells first",
                field="population_shares",
                value=key,
            )
    per_cell = {text: shares[key_by_text[text]] * n / count for text, count in present.items()}
    return np.array([per_cell[str(label)] for label in labels], dtype=np.float64)


def _normalised_targets(targets: Mapping[Hashable, float], *, name: str) -> dict[Hashable, float]:
    values = {key: float(v) for key, v in targets.items()}
    if not values:
        raise InvalidArgument(f"{name}: no categories", field=name, value=targets)
    bad = [k for k, v in values.items() if not (math.isfinite(v) and v >= 0)]
    if bad:
        raise InvalidArgument(f"{name}: target of {bad[0]!r} is {values[bad[0]]!r}", field=name, value=bad[0])
    total = sum(values.values())
    if total <= 0:
        raise InvalidArgument(f"{name}: targets sum to 0", field=name, value=targets)
    return {key: v / total for key, v in values.items()}


def rake(
    sample: Mapping[str, Any],
    targets: Mapping[str, Mapping[Hashable, float]],
    *,
    max_iter: int = 100,
    tol: float = 1e-10,
    base_weights: ArrayLike | None = None,
    total: float | None = None,
    trim: float | None = None,
) -> FloatArray:
    """Raking weights by iterative proportional fitting to marginal targets (docs/methods.md §7.2).

    Parameters
    ----------
    sample : mapping of column name to array_like (e.g. a DataFrame)
        Each respondent's category on every margin named in ``targets``.
    targets : mapping of margin name to {category: target}
        Target shares (or totals) per category; each margin is normalised to shares.
    max_iter : int, default 100
        Maximum number of full cycles over the margins.
    tol : float, default 1e-10
        Stop when the largest absolute difference between a weighted margin total and its target total
        (both on the scale of ``total``) is below ``tol``.
    base_weights : array_like, optional
        Design weights to start from (default 1).
    total : float, optional
        Sum of the returned weights; default the number of respondents (mean weight 1).
    trim : float, optional
        Cap every weight at ``trim`` × the median weight after each cycle and keep raking until the margins
        and the cap hold together (e.g. 5; docs/methods.md §7.2 [U]). A cap that conflicts with the margins
        ends in a :class:`ConvergenceWarning`.

    Returns
    -------
    ndarray of float
        One weight per respondent.

    Raises
    ------
    InvalidArgument
        A respondent's category has no target, a target category has no respondent (collapse categories),
        a margin is missing from ``sample``, or lengths differ.

    Warns
    -----
    ConvergenceWarning
        When ``max_iter`` cycles end before ``tol`` is met.

    Notes
    -----
    Each cycle visits the margins in turn and multiplies the weights in category c of margin m by
    ``target_mc·Σw / Σ_{j∈c} w_j``. IPF converges to the minimum-discrimination-information weights when
    the margins are consistent (Deming & Stephan 1940; Ireland & Kullback 1968).

    References
    ----------
    Deming & Stephan (1940), Ann. Math. Stat. 11; docs/methods.md §7.2 (E7.2 matches the ``ipfn`` package).
    """
    if not targets:
        raise InvalidArgument("targets: no margins", field="targets", value=targets)
    if isinstance(max_iter, bool) or int(max_iter) != max_iter or max_iter < 1:
        raise InvalidArgument(
            f"max_iter: {max_iter!r} must be a positive integer", field="max_iter", value=max_iter
        )
    if not tol > 0:
        raise InvalidArgument(f"tol: {tol!r} must be positive", field="tol", value=tol)
    margins: list[tuple[list[np.ndarray], np.ndarray]] = []
    n: int | None = None
    for margin, margin_targets in targets.items():
        try:
            column = np.asarray(sample[margin], dtype=object)
        except (KeyError, IndexError) as exc:
            raise InvalidArgument(
                f"sample: margin {margin!r} is not a column", field="sample", value=margin
            ) from exc
        if n is None:
            n = column.shape[0]
        elif column.shape[0] != n:
            raise InvalidArgument(
                f"sample: column {margin!r} has {column.shape[0]} rows, expected {n}",
                field=margin,
                value=column.shape[0],
            )
        shares = _normalised_targets(margin_targets, name=f"targets[{margin!r}]")
        texts = column.astype(str)
        key_by_text = {str(k): k for k in shares}
        unknown = sorted(str(t) for t in set(texts) - set(key_by_text))
        if unknown:
            raise InvalidArgument(
                f"sample: category {unknown[0]!r} of margin {margin!r} has no target",
                field=margin,
                value=unknown[0],
            )
        masks: list[np.ndarray] = []
        target_shares: list[float] = []
        for text, key in key_by_text.items():
            mask = texts == text
            if shares[key] > 0 and not mask.any():
                raise InvalidArgument(
                    f"targets[{margin!r}]: category {key!r} has no respondents; collapse categories first",
                    field=margin,
                    value=key,
                )
            masks.append(mask)
            target_shares.append(shares[key])
        margins.append((masks, np.array(target_shares)))
    if not n:
        raise InsufficientData("sample: no respondents")
    if base_weights is None:
        w = np.ones(n)
    else:
        w = cast(FloatArray, check_weights(base_weights, n, name="base_weights")).copy()
    if w.sum() <= 0:
        raise InvalidArgument("base_weights: all weights are 0", field="base_weights", value=0.0)
    scale_to = float(n) if total is None else float(total)
    if not (np.isfinite(scale_to) and scale_to > 0):
        raise InvalidArgument(f"total: {total!r} must be a positive number", field="total", value=total)
    if trim is not None and not (np.isfinite(trim) and trim > 1):
        raise InvalidArgument(f"trim: {trim!r} must be a number above 1", field="trim", value=trim)
    for _cycle in range(int(max_iter)):
        for margin_masks, margin_shares in margins:
            current_total = w.sum()
            for mask, share in zip(margin_masks, margin_shares, strict=True):
                cell = w[mask].sum()
                if cell > 0:
                    w[mask] *= share * current_total / cell
        within_cap = True
        if trim is not None:
            cap = trim * float(np.median(w))
            within_cap = bool(w.max() <= cap * (1 + 1e-9))
            np.minimum(w, cap, out=w)
        if within_cap and _largest_discrepancy(w, margins) * scale_to < tol:
            break
    else:
        warnings.warn(
            f"rake: stopped after max_iter = {max_iter} cycles with a margin discrepancy of "
            f"{_largest_discrepancy(w, margins) * scale_to:.3g} > tol = {tol:g}",
            ConvergenceWarning,
            stacklevel=2,
        )
    return w * scale_to / w.sum()


def _largest_discrepancy(w: FloatArray, margins: Sequence[tuple[list[np.ndarray], np.ndarray]]) -> float:
    total = w.sum()
    worst = 0.0
    for masks, shares in margins:
        for mask, share in zip(masks, shares, strict=True):
            worst = max(worst, abs(w[mask].sum() / total - share))
    return worst
