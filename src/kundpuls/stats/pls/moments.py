"""Driver analysis from sufficient statistics: a PLS path model fitted on a group's item means and covariance.

Every PLS estimate is a function of the indicator covariance matrix (:mod:`.algorithm`), and for
listwise-complete answers so is the rest of :func:`~kundpuls.stats.pls.index_layer.driver_analysis`: a
construct's 0–100 index is a weighted mean of item means, and the spread of the respondents' indices is
``100·sqrt(aᵀ S a)`` with ``a_i = ŵ_i / (max_i − min_i)``. So the analytics engine's cross products of a
unit (never the answers themselves) give the same priority matrix as fitting the respondents' rows — the
dashboards use this; ``tests/stats/pls/test_moments.py`` checks it against :class:`PLSPathModel` on the rows.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from kundpuls.errors import ConvergenceError, InsufficientData, InvalidArgument
from kundpuls.stats.pls.algorithm import estimates_from_weights, iterate_weights, orientation_signs
from kundpuls.stats.pls.consistent import consistent_paths
from kundpuls.stats.pls.index_layer import (
    ScaleSpec,
    construct_index,
    effect_per_points,
    normalised_weights,
    scale_bounds,
)
from kundpuls.stats.pls.spec import ModelSpec, model_from_mapping
from kundpuls.stats.pls.structure import CompiledModel


@dataclass(frozen=True)
class MomentDrivers:
    """PLS driver analysis of one group from its moments.

    ``effects`` (index points of ``target`` per +``step`` points of a driver, from standardised total
    effects), ``scores`` (the drivers' 0–100 indices), ``target_index``, ``r_squared`` of the target, the
    standardised total effects, and ``n``.
    """

    target: str
    effects: dict[str, float]
    scores: dict[str, float]
    standardised: dict[str, float]
    target_index: float
    r_squared: float
    n: int


def drivers_from_moments(
    model: ModelSpec | Mapping[str, object],
    indicators: list[str],
    means: np.ndarray,
    covariance: np.ndarray,
    n: int,
    *,
    target: str,
    scales: ScaleSpec,
    step: float = 5.0,
    scheme: str = "path",
    consistent: bool = False,
) -> MomentDrivers:
    """Fit ``model`` on the moments of ``n`` listwise-complete respondents and derive the driver table.

    Parameters
    ----------
    model : ModelSpec or mapping
        The PLS model (blocks and paths).
    indicators : list of str
        The order of ``means`` and of the rows and columns of ``covariance`` (may hold more items).
    means, covariance : arrays
        Item means and the sample covariance matrix (``n − 1`` denominator) of the respondents.
    n : int
        Respondents.
    target : str
        The outcome construct.
    scales : (low, high) or mapping indicator -> (low, high)
    step : float
        Index points of the "what if" rise (effektmått).
    scheme : {"path", "centroid", "factorial"}
        Inner weighting scheme (standardised indicators, as :class:`PLSPathModel` by default).
    consistent : bool
        Paths, total effects and R² by consistent PLS (:mod:`.consistent`, Dijkstra & Henseler 2015):
        corrected for the composites' measurement error. Raises ``ConvergenceError`` on an inadmissible
        solution.
    """
    spec = model if isinstance(model, ModelSpec) else model_from_mapping(model)
    if n < 3:
        raise InsufficientData(f"n: {n} complete respondents, at least 3 are needed")
    if target not in spec.constructs:
        raise InvalidArgument(
            f"target: {target!r} is not a construct of the model", field="target", value=target
        )
    position = {name: i for i, name in enumerate(indicators)}
    missing = [name for name in spec.indicators if name not in position]
    if missing:
        raise InvalidArgument(
            f"indicators: {missing[0]!r} of the model has no moments", field="indicators", value=missing[0]
        )
    take = [position[name] for name in spec.indicators]
    mean = np.asarray(means, dtype=float)[take]
    cov = np.asarray(covariance, dtype=float)[np.ix_(take, take)]
    sd = np.sqrt(np.diag(cov))
    flat = np.flatnonzero(~(sd > 0))
    if flat.size:
        name = spec.indicators[flat[0]]
        raise InvalidArgument(
            f"data: indicator {name!r} has no variance", field=name, value=float(mean[flat[0]])
        )
    corr = cov / np.outer(sd, sd)
    corr = (corr + corr.T) / 2
    compiled = CompiledModel.from_spec(spec)
    solution = iterate_weights(corr[None], compiled, scheme=scheme)
    if solution.failure[0] in ("singular", "non_finite", "not_converged"):
        raise ConvergenceError(f"PLS estimation failed on the moments: {solution.failure[0]}")
    weights = solution.weights * orientation_signs(corr[None], solution.weights, compiled)[:, compiled.block]
    estimates = estimates_from_weights(corr[None], weights, compiled)
    constructs = list(spec.constructs)
    t = constructs.index(target)
    total = estimates.total_effects[0]
    r_squared = estimates.r_squared[0]
    if consistent:
        corrected = consistent_paths(corr, weights[0], compiled)
        total, r_squared = corrected.total_effects, corrected.r_squared
    drivers = [c for c in constructs if c != target and abs(total[constructs.index(c), t]) > 0]
    if not drivers:
        raise InvalidArgument(
            f"target: no construct has an effect on {target!r}", field="target", value=target
        )
    normalised = normalised_weights(
        spec,
        pd.Series(weights[0], index=list(spec.indicators)),
        indicator_sd=pd.Series(sd, index=list(spec.indicators)),
    )
    item_means = pd.Series(mean, index=list(spec.indicators))
    index = {c: construct_index(item_means, normalised[c], scales) for c in constructs}
    spread = {}
    for c in constructs:
        names = list(normalised[c].index)
        low, high = scale_bounds(names, scales)
        a = np.zeros(len(spec.indicators))
        for name, w, lo, hi in zip(names, normalised[c].to_numpy(), low, high, strict=True):
            a[spec.indicators.index(name)] = w / (hi - lo)
        spread[c] = float(100.0 * np.sqrt(a @ cov @ a))
    standardised = {c: float(total[constructs.index(c), t]) for c in drivers}
    return MomentDrivers(
        target=target,
        effects={
            c: effect_per_points(standardised[c], spread[target], spread[c], step=step) for c in drivers
        },
        scores={c: index[c] for c in drivers},
        standardised=standardised,
        target_index=index[target],
        r_squared=float(r_squared[t]),
        n=int(n),
    )
