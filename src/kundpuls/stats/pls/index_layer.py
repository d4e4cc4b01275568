"""The index layer of a driver model: 0-100 construct indices, effektmått and the priority matrix.

docs/methods.md §1.3-1.6 and §2.2:

* **Weights.** PLS on standardised items gives weights ``w_std``; on the raw metric ``w_raw,i = w_std,i /
  s_i``, normalised within the block ``ŵ_i = w_raw,i / Σ w_raw`` (all must be > 0; plspm's ``rescale()``
  refuses negative weights too).
* **Index.** ``Index = 100 · (Σ ŵ_i x̄_i − Σ ŵ_i min_i) / (Σ ŵ_i max_i − Σ ŵ_i min_i)`` — for items on 1-10
  ``100 · Σ ŵ_i (x̄_i − 1)/9`` (ACSI; Fornell et al. 1996). A respondent's index uses the weights of the
  items they answered, renormalised (§1.4).
* **Effektmått.** The change of the target index for +``step`` (default 5) points of a driver's index:
  ``E_k = step · β_k · sd(target index) / sd(driver index)`` with ``β_k`` the standardised (total) effect.
* **Priority matrix.** x = effect, y = index; cut lines at the mean effect and mean index of the plotted
  drivers; a point on a line goes to the "high" side. Quadrants: high effect + low index **Prioritera**,
  high effect + high index **Bevara**, low effect + low index **Förbättra om möjligt**, low effect + high
  index **Lägre prioritet** (labels from SCB reports; their placement is inferred, docs/methods.md §1.6 [U]).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from kundpuls.errors import InvalidArgument
from kundpuls.stats.pls.spec import ModelSpec, model_from_mapping

if TYPE_CHECKING:
    from kundpuls.stats.pls.bootstrap import BootstrapResult
    from kundpuls.stats.pls.driver_uncertainty import DriverDraws
    from kundpuls.stats.pls.estimator import PLSPathModel

#: Quadrant keys and their Swedish labels (docs/methods.md §1.6).
QUADRANTS: dict[str, str] = {
    "priority": "Prioritera",
    "maintain": "Bevara",
    "improve_if_possible": "Förbättra om möjligt",
    "lower_priority": "Lägre prioritet",
}

ScaleSpec = tuple[float, float] | Mapping[str, tuple[float, float]]


def normalised_weights(
    model: ModelSpec | Mapping[str, object],
    weights: Mapping[str, float] | pd.Series,
    *,
    indicator_sd: Mapping[str, float] | pd.Series | None = None,
) -> dict[str, pd.Series]:
    """Unstandardised outer weights normalised to sum 1 within each block.

    Parameters
    ----------
    model : ModelSpec or mapping
        The blocks.
    weights : mapping indicator -> weight
        Outer weights; standardised weights when ``indicator_sd`` is given (``w_raw = w_std / s``), else
        already on the raw metric.
    indicator_sd : mapping indicator -> standard deviation, optional

    Raises
    ------
    InvalidArgument
        A raw weight is not positive (the 0-100 rescaling needs positive weights).
    """
    spec = _spec(model)
    out: dict[str, pd.Series] = {}
    for block in spec.blocks:
        raw = np.array([float(weights[i]) for i in block.indicators])
        if indicator_sd is not None:
            raw = raw / np.array([float(indicator_sd[i]) for i in block.indicators])
        bad = np.flatnonzero(~(raw > 0))
        if bad.size:
            name = block.indicators[bad[0]]
            raise InvalidArgument(
                f"weights: indicator {name!r} of {block.name!r} has weight {raw[bad[0]]:.4g}; "
                "the 0-100 index "
                "needs positive weights",
                field=name,
                value=float(raw[bad[0]]),
            )
        out[block.name] = pd.Series(raw / raw.sum(), index=list(block.indicators), name=block.name)
    return out


def construct_index(means: Mapping[str, float] | pd.Series, weights: pd.Series, scales: ScaleSpec) -> float:
    """``100 · (Σ ŵ x̄ − Σ ŵ min) / (Σ ŵ max − Σ ŵ min)`` for one block (docs/methods.md §2.2, E2.1, E2.2)."""
    names = list(weights.index)
    w = weights.to_numpy(dtype=float)
    x = np.array([float(means[i]) for i in names])
    low, high = scale_bounds(names, scales)
    return float(100.0 * (w @ x - w @ low) / (w @ high - w @ low))


def respondent_indices(
    data: pd.DataFrame,
    weights: Mapping[str, pd.Series],
    scales: ScaleSpec,
    *,
    missing_codes: Sequence[float] = (),
) -> pd.DataFrame:
    """Each respondent's 0-100 index per construct, weights renormalised over the answered items.

    A respondent with no answered item of a block gets NaN for that construct.
    """
    columns = {}
    for construct, w in weights.items():
        names = list(w.index)
        values = np.array(data[names].to_numpy(dtype=float, na_value=np.nan), copy=True)
        for code in missing_codes:
            values[values == code] = np.nan
        low, high = scale_bounds(names, scales)
        item_index = (values - low) / (high - low)
        answered = ~np.isnan(item_index)
        wmat = np.where(answered, w.to_numpy(dtype=float), 0.0)
        total = wmat.sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            columns[construct] = (
                100.0 * np.nansum(wmat * item_index, axis=1) / np.where(total > 0, total, np.nan)
            )
    return pd.DataFrame(columns, index=data.index)


def effect_per_points(effect: float, sd_target: float, sd_driver: float, *, step: float = 5.0) -> float:
    """Effektmått: ``step · β · sd_target / sd_driver`` (docs/methods.md §1.5)."""
    return float(step * effect * sd_target / sd_driver)


@dataclass(frozen=True)
class PriorityMatrix:
    """Drivers placed by effect (x) and index (y), with the cut lines and quadrant of each driver."""

    table: pd.DataFrame  # construct, effect, score, quadrant, label
    effect_cut: float
    score_cut: float
    draws: DriverDraws | None = None


def priority_matrix(effects: Mapping[str, float], scores: Mapping[str, float]) -> PriorityMatrix:
    """Place each driver in a quadrant; cut lines at the mean effect and mean score (ties to "high").

    Example (docs/methods.md E1.5): effects 1.826/2.680/1.273 and scores 75.667/64.000/60.583 for Bemötande,
    Info, Tillgänglighet give Lägre prioritet, Prioritera, Förbättra om möjligt.
    """
    names = list(effects)
    if not names:
        raise InvalidArgument("effects: at least one driver is needed", field="effects", value=effects)
    missing = [n for n in names if n not in scores]
    if missing:
        raise InvalidArgument(f"scores: no score for driver {missing[0]!r}", field="scores", value=missing[0])
    effect = np.array([float(effects[n]) for n in names])
    score = np.array([float(scores[n]) for n in names])
    effect_cut, score_cut = float(effect.mean()), float(score.mean())
    high_effect, high_score = effect >= effect_cut, score >= score_cut
    keys = np.where(
        high_effect,
        np.where(high_score, "maintain", "priority"),
        np.where(high_score, "lower_priority", "improve_if_possible"),
    )
    table = pd.DataFrame(
        {
            "construct": names,
            "effect": effect,
            "score": score,
            "quadrant": keys,
            "label": [QUADRANTS[k] for k in keys],
        }
    )
    return PriorityMatrix(table=table, effect_cut=effect_cut, score_cut=score_cut)


def driver_analysis(
    model: PLSPathModel,
    data: pd.DataFrame,
    *,
    target: str,
    scales: ScaleSpec,
    step: float = 5.0,
    effect: str = "total",
    bootstrap: BootstrapResult | None = None,
) -> PriorityMatrix:
    """Indices, effektmått and quadrants of every driver of ``target`` from a fitted model.

    Parameters
    ----------
    model : PLSPathModel
        Fitted on ``data``.
    data : DataFrame
        The raw answers (the same rows the model was fitted on; missing codes as declared on the model).
    target : str
        The outcome construct (e.g. NKI).
    scales : (low, high) or mapping indicator -> (low, high)
        The answer scale of each indicator.
    step : float
        Index points of the "what if" rise (docs/methods.md: 5).
    effect : {"total", "direct"}
        Standardised total effects (direct plus indirect, the ACSI convention) or direct paths.
    bootstrap : BootstrapResult, optional
        Draws of ``model.bootstrap(...)``: adds percentile intervals ``score_ci_low/high`` and
        ``effect_ci_low/high``, ``n_draws``, and ``quadrant_share`` (the share of draws that put the
        driver in the same quadrant, cut lines recomputed per draw); see
        :mod:`kundpuls.stats.pls.driver_uncertainty`.

    Returns
    -------
    PriorityMatrix
        ``table`` has the columns ``construct, effect, score, quadrant, label`` plus
        ``effect_standardised`` and ``target_index``; ``score`` is the driver's 0-100 index.
    """
    if effect not in ("total", "direct"):
        raise InvalidArgument(
            f"effect: must be 'total' or 'direct', not {effect!r}", field="effect", value=effect
        )
    spec = model.spec_
    if target not in spec.constructs:
        raise InvalidArgument(
            f"target: {target!r} is not a construct of the model", field="target", value=target
        )
    standardised = model.total_effects_ if effect == "total" else model.path_coefficients_
    drivers = [c for c in spec.constructs if c != target and abs(standardised.loc[c, target]) > 0]
    if not drivers:
        raise InvalidArgument(
            f"target: no construct has an effect on {target!r}", field="target", value=target
        )
    sd = None if not model.scaled else model.indicator_sd_
    weights = normalised_weights(spec, model.outer_weights_, indicator_sd=sd)
    frame = data.loc[model.indicator_data_.index] if model.missing_report_.strategy == "listwise" else data
    codes = tuple(model.missing_codes)
    per_respondent = respondent_indices(frame, weights, scales, missing_codes=codes)
    answered = np.array(frame[list(spec.indicators)].to_numpy(dtype=float, na_value=np.nan), copy=True)
    for code in codes:
        answered[answered == code] = np.nan
    means = pd.Series(np.nanmean(answered, axis=0), index=list(spec.indicators))
    index = {c: construct_index(means, weights[c], scales) for c in spec.constructs}
    spread = per_respondent.std(ddof=1)
    effects = {
        c: effect_per_points(float(standardised.loc[c, target]), spread[target], spread[c], step=step)
        for c in drivers
    }
    matrix = priority_matrix(effects, {c: index[c] for c in drivers})
    table = matrix.table
    table["effect_standardised"] = [float(standardised.loc[c, target]) for c in drivers]
    table["target_index"] = index[target]
    if bootstrap is None:
        return PriorityMatrix(table=table, effect_cut=matrix.effect_cut, score_cut=matrix.score_cut)
    from kundpuls.stats.pls.driver_uncertainty import driver_draws

    draws = driver_draws(
        model, bootstrap, target=target, drivers=drivers, scales=scales, step=step, effect=effect
    )
    table["score_ci_low"] = [draws.index_interval[c][0] for c in drivers]
    table["score_ci_high"] = [draws.index_interval[c][1] for c in drivers]
    table["effect_ci_low"] = [draws.effect_interval[c][0] for c in drivers]
    table["effect_ci_high"] = [draws.effect_interval[c][1] for c in drivers]
    table["n_draws"] = [int(np.isfinite(draws.effect_draws[c] + draws.index_draws[c]).sum()) for c in drivers]
    table["quadrant_share"] = _quadrant_shares(draws, drivers, list(table["quadrant"]))
    return PriorityMatrix(table=table, effect_cut=matrix.effect_cut, score_cut=matrix.score_cut, draws=draws)


def _quadrant_shares(draws: DriverDraws, drivers: list[str], quadrants: list[str]) -> list[float]:
    effects = np.column_stack([draws.effect_draws[c] for c in drivers])
    scores = np.column_stack([draws.index_draws[c] for c in drivers])
    usable = np.isfinite(effects).all(axis=1) & np.isfinite(scores).all(axis=1)
    effects, scores = effects[usable], scores[usable]
    if not usable.any():
        return [float("nan")] * len(drivers)
    high_effect = effects >= effects.mean(axis=1, keepdims=True)
    high_score = scores >= scores.mean(axis=1, keepdims=True)
    keys = np.where(
        high_effect,
        np.where(high_score, "maintain", "priority"),
        np.where(high_score, "lower_priority", "improve_if_possible"),
    )
    return [float((keys[:, k] == q).mean()) for k, q in enumerate(quadrants)]


def _spec(model: ModelSpec | Mapping[str, object]) -> ModelSpec:
    return model if isinstance(model, ModelSpec) else model_from_mapping(model)


def scale_bounds(names: Sequence[str], scales: ScaleSpec) -> tuple[np.ndarray, np.ndarray]:
    """Arrays of the low and high ends of each indicator's answer scale (one pair or a pair per name)."""
    if isinstance(scales, Mapping):
        missing = [n for n in names if n not in scales]
        if missing:
            raise InvalidArgument(
                f"scales: no scale for indicator {missing[0]!r}", field="scales", value=missing[0]
            )
        pairs = [scales[n] for n in names]
    else:
        pairs = [scales] * len(names)
    low = np.array([float(p[0]) for p in pairs])
    high = np.array([float(p[1]) for p in pairs])
    bad = np.flatnonzero(~(high > low))
    if bad.size:
        raise InvalidArgument(
            f"scales: {names[bad[0]]!r} has min {low[bad[0]]:g} not below max {high[bad[0]]:g}",
            field="scales",
            value=(low[bad[0]], high[bad[0]]),
        )
    return low, high
