"""Bootstrap intervals for the index layer: 0-100 construct indices and effektmått per resample.

docs/methods.md §1.8 and §2.2 ask for the uncertainty of effektmått and PLS-weighted indices by bootstrapping
respondents and recomputing weights and index. This module reuses the draws of a
:class:`~kundpuls.stats.pls.bootstrap.BootstrapResult`: it regenerates the same resamples from the
recorded seed, forms each resample's raw covariance matrix ``S_b`` and item means ``m_b`` (batched), and
per draw computes

* normalised raw weights ``ŵ_b ∝ w_b / s_b`` (standardised models) or ``ŵ_b ∝ w_b`` (unscaled);
* the index ``100 · (ŵ_b'm_b − ŵ_b'low) / (ŵ_b'(high − low))``;
* the SD of the respondent index ``100 · sqrt(v_b' S_b v_b)`` with ``v_i = ŵ_i / (high_i − low_i)``: the
  respondents' weighted means of their 0–100 item scores, as
  :func:`~kundpuls.stats.pls.index_layer.respondent_indices` and the moments route compute the point
  estimate's spread (on one scale the same as ``sqrt(ŵ'Sŵ) / ŵ'(high − low)``);
* the effect ``step · β_b · sd_b(target) / sd_b(driver)``.

A draw whose weights of a block are not all positive has no index for that block (NaN); such draws are
counted. The resampled data are the model's estimation data (after missing-value handling), so with
complete answers the full-sample values equal :func:`~kundpuls.stats.pls.index_layer.driver_analysis`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from kundpuls.errors import InvalidArgument
from kundpuls.stats.pls.index_layer import ScaleSpec, scale_bounds
from kundpuls.stats.pls.intervals import percentile_interval
from kundpuls.stats.pls.resampling import MomentData, iter_resample_blocks

if TYPE_CHECKING:
    from kundpuls.stats.pls.bootstrap import BootstrapResult
    from kundpuls.stats.pls.estimator import PLSPathModel


@dataclass(frozen=True)
class DriverDraws:
    """Per-draw indices and effects, with percentile intervals.

    ``index_draws[c]`` and ``effect_draws[c]`` are ``(B,)`` arrays (NaN for failed or unusable draws);
    ``index_interval[c]`` and ``effect_interval[c]`` are ``(low, high)``; ``n[c]`` counts usable draws.
    """

    index_draws: dict[str, np.ndarray]
    effect_draws: dict[str, np.ndarray]
    index_interval: dict[str, tuple[float, float]]
    effect_interval: dict[str, tuple[float, float]]
    n: dict[str, int]
    confidence: float


def driver_draws(
    model: PLSPathModel,
    result: BootstrapResult,
    *,
    target: str,
    drivers: list[str],
    scales: ScaleSpec,
    step: float = 5.0,
    effect: str = "total",
) -> DriverDraws:
    """Bootstrap draws of every construct index and of the effects of ``drivers`` on ``target``."""
    if result.n != model.n_ or result.statistic != model.layout_.statistic:
        raise InvalidArgument(
            "bootstrap: the result does not belong to this model", field="bootstrap", value=None
        )
    spec = model.spec_
    indicators = list(spec.indicators)
    column = {
        label: k for k, label in enumerate(zip(result.statistic, result.source, result.target, strict=True))
    }
    weight_cols = [
        column[("weight", i, spec.constructs[b])]
        for i, b in zip(indicators, model.compiled_.block, strict=True)
    ]
    kind = "total_effect" if effect == "total" else "path"
    low, high = scale_bounds(indicators, scales)
    full_mean = model.indicator_data_.to_numpy(dtype=float).mean(axis=0)
    data = MomentData(model.indicator_data_.to_numpy(dtype=float), scaled=False)
    n_draws = result.n_resamples
    index_draws = {c: np.full(n_draws, np.nan) for c in spec.constructs}
    sd_draws = {c: np.full(n_draws, np.nan) for c in spec.constructs}
    for start, counts in iter_resample_blocks(data.n, n_draws, seed=result.seed):
        stop = start + counts.shape[0]
        first, second = data.weighted_sums(counts)
        weight = counts.sum(axis=1, dtype=float)
        cov = data.covariances(first, second, weight)
        means = first / weight[:, None] + full_mean
        raw = result.draws[start:stop][:, weight_cols]
        if model.scaled:
            raw = raw / np.sqrt(np.diagonal(cov, axis1=1, axis2=2))
        for j, construct in enumerate(spec.constructs):
            idx = model.compiled_.block_indicators[j]
            w = raw[:, idx]
            usable: np.ndarray = np.asarray((w > 0).all(axis=1))
            w = np.where(usable[:, None], w, np.nan)
            w = w / w.sum(axis=1, keepdims=True)
            span = w @ (high[idx] - low[idx])
            index_draws[construct][start:stop] = (
                100 * (np.einsum("bi,bi->b", w, means[:, idx]) - w @ low[idx]) / span
            )
            per_point = w / (high[idx] - low[idx])
            block_cov = cov[:, idx[:, None], idx[None, :]]
            variance = np.einsum("bi,bij,bj->b", per_point, block_cov, per_point)
            sd_draws[construct][start:stop] = 100 * np.sqrt(variance)
    effect_draws = {}
    for driver in drivers:
        beta = (
            result.draws[:, column[(kind, driver, target)]]
            if (kind, driver, target) in column
            else np.zeros(n_draws)
        )
        effect_draws[driver] = step * beta * sd_draws[target] / sd_draws[driver]
    alpha_conf = result.confidence
    return DriverDraws(
        index_draws=index_draws,
        effect_draws=effect_draws,
        index_interval={c: _interval(v, alpha_conf) for c, v in index_draws.items()},
        effect_interval={c: _interval(v, alpha_conf) for c, v in effect_draws.items()},
        n={c: int(np.isfinite(v).sum()) for c, v in index_draws.items()},
        confidence=alpha_conf,
    )


def _interval(values: np.ndarray, confidence: float) -> tuple[float, float]:
    good = values[np.isfinite(values)]
    if good.size < 2:
        return (float("nan"), float("nan"))
    low, high = percentile_interval(good[:, None], confidence)
    return float(low[0]), float(high[0])
