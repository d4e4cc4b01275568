"""Where to improve first: effektmått (impact), the SCB priority matrix and importance–performance analysis.

References
----------
SCB, "SCB:s analysmodell med NKI" (effektmått, prioriteringsmatris; docs/methods.md §1.5–§1.6).
Martilla, J. A. & James, J. C. (1977). Importance–performance analysis. *Journal of Marketing* 41(1), 77–79
(docs/methods.md §6.2).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike

from kundpuls.errors import InsufficientData, InvalidArgument, SmallSampleWarning
from kundpuls.stats.validation import FloatArray, as_float_array, check_confidence

if TYPE_CHECKING:
    import pandas as pd

#: SCB priority-matrix labels by (high score, high effect) [P labels, placement U; docs/methods.md §1.6].
PRIORITY_LABELS = {
    (True, False): "Lägre prioritet",
    (True, True): "Bevara",
    (False, False): "Förbättra om möjligt",
    (False, True): "Prioritera",
}
#: Martilla & James quadrants by (high importance, high performance).
IPA_QUADRANTS = {
    (True, False): ("I", "Concentrate here"),
    (True, True): ("II", "Keep up the good work"),
    (False, False): ("III", "Low priority"),
    (False, True): ("IV", "Possible overkill"),
}


def _labels(labels: Sequence[str] | None, k: int) -> list[str]:
    if labels is None:
        return [f"item_{i + 1}" for i in range(k)]
    names = [str(v) for v in labels]
    if len(names) != k:
        raise InvalidArgument(f"labels: {len(names)} labels for {k} points", field="labels", value=len(names))
    return names


@dataclass(frozen=True)
class Quadrants:
    """Points placed in a 2 × 2 matrix whose cut lines are the means of the plotted points."""

    labels: tuple[str, ...]
    x: FloatArray
    y: FloatArray
    x_cut: float
    y_cut: float
    quadrant: tuple[str, ...]
    name: tuple[str, ...]

    def summary(self) -> pd.DataFrame:
        """One row per point: label, x, y, quadrant, name."""
        import pandas as pd

        return pd.DataFrame(
            {"label": self.labels, "x": self.x, "y": self.y, "quadrant": self.quadrant, "name": self.name}
        )


def _check_pair(x: ArrayLike, y: ArrayLike, x_name: str, y_name: str) -> tuple[FloatArray, FloatArray]:
    xa = as_float_array(x, name=x_name, ndim=1)
    ya = as_float_array(y, name=y_name, ndim=1)
    if xa.shape != ya.shape:
        raise InvalidArgument(
            f"mismatched lengths: {x_name} {xa.shape[0]}, {y_name} {ya.shape[0]}", field=x_name
        )
    for name, a in ((x_name, xa), (y_name, ya)):
        if np.isnan(a).any():
            raise InvalidArgument(f"{name}: missing (NaN) value", field=name, value=float("nan"))
    if xa.shape[0] == 0:
        raise InsufficientData(f"{x_name}: no points")
    return xa, ya


def importance_performance(
    importance: ArrayLike, performance: ArrayLike, *, labels: Sequence[str] | None = None
) -> Quadrants:
    """Importance–performance analysis (Martilla & James 1977): quadrant of every attribute.

    Crosshairs at the means of the plotted attributes (data-centred); a point on a line goes to the "high"
    side [U]. I Concentrate here (high importance, low performance), II Keep up the good work, III Low
    priority, IV Possible overkill. Derived importance (an effect from :func:`impact`) may replace stated
    importance.

    References
    ----------
    Martilla & James (1977), J. Marketing 41(1); docs/methods.md §6.2, E6.2.

    Examples
    --------
    >>> q = importance_performance([4.6, 4.5, 4.1, 3.2, 3.5, 3.9], [3.1, 4.4, 3.6, 4.2, 3.0, 3.9])
    >>> q.quadrant
    ('I', 'II', 'I', 'IV', 'III', 'IV')
    """
    imp, perf = _check_pair(importance, performance, "importance", "performance")
    names = _labels(labels, imp.shape[0])
    x_cut, y_cut = float(perf.mean()), float(imp.mean())
    placed = [IPA_QUADRANTS[(bool(i >= y_cut), bool(p >= x_cut))] for i, p in zip(imp, perf, strict=True)]
    return Quadrants(
        labels=tuple(names),
        x=perf,
        y=imp,
        x_cut=x_cut,
        y_cut=y_cut,
        quadrant=tuple(q for q, _ in placed),
        name=tuple(n for _, n in placed),
    )


def priority_matrix(effect: ArrayLike, score: ArrayLike, *, labels: Sequence[str] | None = None) -> Quadrants:
    """SCB prioriteringsmatris: x = effektmått, y = betygsindex, cut at the means; ties go "high".

    Low score & high effect → "Prioritera"; high & high → "Bevara"; low & low → "Förbättra om möjligt";
    high score & low effect → "Lägre prioritet" (docs/methods.md §1.6; label placement [U]).

    Examples
    --------
    >>> m = priority_matrix([1.826, 2.680, 1.273], [75.667, 64.0, 60.583], labels=["Bem", "Info", "Till"])
    >>> m.name
    ('Lägre prioritet', 'Prioritera', 'Förbättra om möjligt')
    """
    eff, sc = _check_pair(effect, score, "effect", "score")
    names = _labels(labels, eff.shape[0])
    x_cut, y_cut = float(eff.mean()), float(sc.mean())
    placed = [PRIORITY_LABELS[(bool(s >= y_cut), bool(e >= x_cut))] for e, s in zip(eff, sc, strict=True)]
    return Quadrants(
        labels=tuple(names),
        x=eff,
        y=sc,
        x_cut=x_cut,
        y_cut=y_cut,
        quadrant=tuple("high score" if s >= y_cut else "low score" for s in sc),
        name=tuple(placed),
    )


@dataclass(frozen=True)
class ImpactResult:
    """Effektmått from an OLS regression of the NKI index on area indices."""

    labels: tuple[str, ...]
    intercept: float
    coefficients: FloatArray
    effects: FloatArray
    step: float
    r_squared: float
    n: int
    method: str
    effects_ci_low: FloatArray | None = None
    effects_ci_high: FloatArray | None = None
    n_boot: int = 0
    n_boot_failed: int = 0

    def summary(self) -> pd.DataFrame:
        """One row per area: coefficient b, effect ``step·b`` and, with a bootstrap, its interval."""
        import pandas as pd

        frame = pd.DataFrame({"area": self.labels, "coefficient": self.coefficients, "effect": self.effects})
        if self.effects_ci_low is not None and self.effects_ci_high is not None:
            frame["effect_ci_low"] = self.effects_ci_low
            frame["effect_ci_high"] = self.effects_ci_high
        return frame


def impact(
    outcome: ArrayLike,
    areas: ArrayLike,
    *,
    labels: Sequence[str] | None = None,
    step: float = 5.0,
    n_boot: int = 0,
    confidence: float = 0.95,
    random_state: int | np.random.Generator | None = None,
) -> ImpactResult:
    """Effektmått by OLS: expected change in the outcome index if an area index rose by ``step`` points.

    Parameters
    ----------
    outcome : array_like, shape (respondents,)
        NKI (0–100) per respondent.
    areas : array_like, shape (respondents, areas)
        Area indices (betygsindex, 0–100) per respondent. Rows with any NaN are dropped.
    labels : sequence of str, optional
    step : float, default 5
        SCB/ACSI convention: +5 points [U]; some vendors quote +1, so the step is always reported.
    n_boot : int, default 0
        Bootstrap resamples of respondents for percentile intervals of the effects (docs/methods.md §1.8
        suggests ≥ 500); 0 = none. All resamples are solved at once (batched normal equations); singular
        resamples are skipped and counted in ``n_boot_failed``.
    confidence : float, default 0.95
    random_state : int or numpy Generator, optional

    Returns
    -------
    ImpactResult
        ``E_k = step·b_k``, the model R² and, with ``n_boot``, percentile intervals of the effects.

    Warns
    -----
    SmallSampleWarning
        Fewer than 50 complete respondents (driver models need n ≥ 50, docs/methods.md conventions).

    References
    ----------
    docs/methods.md §1.5, E1.5. From a PLS model use ``b_k = β_k·sd(NKI)/sd(BI_k)`` instead (PLS subpackage).
    """
    y = as_float_array(outcome, name="outcome", ndim=1)
    x = as_float_array(areas, name="areas", ndim=2)
    if x.shape[0] != y.shape[0]:
        raise InvalidArgument(f"mismatched lengths: outcome {y.shape[0]}, areas {x.shape[0]}", field="areas")
    if not step > 0:
        raise InvalidArgument(f"step: {step!r} must be positive", field="step", value=step)
    names = _labels(labels, x.shape[1])
    complete = ~np.isnan(y) & ~np.isnan(x).any(axis=1)
    y, x = y[complete], x[complete]
    n, k = x.shape
    if n <= k + 1:
        raise InsufficientData(f"areas: {n} complete respondents for {k} areas; OLS needs more than {k + 1}")
    if n < 50:
        warnings.warn(f"impact: n = {n} < 50; driver effects are unstable", SmallSampleWarning, stacklevel=2)
    design = np.column_stack([np.ones(n), x])
    beta, _residuals, rank, _sv = np.linalg.lstsq(design, y, rcond=None)
    if rank < k + 1:
        raise InvalidArgument(
            "areas: the area indices are collinear; effects are not identified", field="areas"
        )
    fitted = design @ beta
    ss_res = float(np.sum((y - fitted) ** 2))
    ss_tot = float(np.sum((y - y.mean()) ** 2))
    ci_low = ci_high = None
    failed = 0
    if isinstance(n_boot, bool) or int(n_boot) != n_boot or n_boot < 0:
        raise InvalidArgument(
            f"n_boot: {n_boot!r} must be a non-negative integer", field="n_boot", value=n_boot
        )
    if n_boot:
        confidence = check_confidence(confidence)
        ci_low, ci_high, failed = _bootstrap_effects(
            design, y, step=step, n_boot=int(n_boot), confidence=confidence, random_state=random_state
        )
    return ImpactResult(
        labels=tuple(names),
        intercept=float(beta[0]),
        coefficients=np.asarray(beta[1:], dtype=np.float64),
        effects=np.asarray(step * beta[1:], dtype=np.float64),
        step=float(step),
        r_squared=1.0 - ss_res / ss_tot if ss_tot > 0 else float("nan"),
        n=int(n),
        method=f"OLS of the outcome index on area indices; effect = {step:g} x coefficient"
        + (f"; bootstrap percentile intervals ({int(n_boot)} resamples)" if n_boot else ""),
        effects_ci_low=ci_low,
        effects_ci_high=ci_high,
        n_boot=int(n_boot),
        n_boot_failed=failed,
    )


def _bootstrap_effects(
    design: FloatArray,
    y: FloatArray,
    *,
    step: float,
    n_boot: int,
    confidence: float,
    random_state: int | np.random.Generator | None,
) -> tuple[FloatArray, FloatArray, int]:
    """Percentile intervals of ``step·b`` over respondent resamples, via batched normal equations."""
    rng = np.random.default_rng(random_state)
    n = design.shape[0]
    # Resampling counts c (B × n) turn every draw into weighted cross-products: X'CX and X'Cy.
    counts = rng.multinomial(n, np.full(n, 1.0 / n), size=n_boot).astype(np.float64)
    xtx = np.einsum("bi,ij,ik->bjk", counts, design, design)
    xty = np.einsum("bi,ij,i->bj", counts, design, y)
    conditioning = np.linalg.cond(xtx)
    ok = np.isfinite(conditioning) & (conditioning < 1e12)
    betas = np.linalg.solve(xtx[ok], xty[ok][..., None])[..., 0]
    effects = step * betas[:, 1:]
    alpha = 1.0 - confidence
    low = np.quantile(effects, alpha / 2.0, axis=0)
    high = np.quantile(effects, 1.0 - alpha / 2.0, axis=0)
    return low, high, int(n_boot - ok.sum())
