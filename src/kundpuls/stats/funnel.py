"""Funnel plots: control limits for comparing units of different size fairly (docs/methods.md §8.1).

Units are compared with a common target (the pooled value) and limits that narrow with n, instead of a
league table of noise. Overdispersion is handled with the multiplicative-then-additive random-effects
approach of Spiegelhalter (2005), as in the NHS-R FunnelPlotR package: z-scores winsorised at the 10 % and
90 % quantiles give φ and, when φ exceeds what chance allows, a between-unit variance τ².

References
----------
Spiegelhalter, D. J. (2005). Funnel plots for comparing institutional performance. *Statistics in Medicine*
24, 1185–1202. Spiegelhalter, D. J. (2005). Handling over-dispersion of performance indicators. *Quality and
Safety in Health Care* 14, 347–351.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike
from scipy import stats as sps

from kundpuls.errors import InsufficientData, InvalidArgument, SmallSampleWarning
from kundpuls.stats.intervals import z_value
from kundpuls.stats.multiplicity import FALSE_DISCOVERY_RATE, bh_reject
from kundpuls.stats.validation import FloatArray, as_float_array, check_non_negative, check_threshold

if TYPE_CHECKING:
    import pandas as pd

#: Fewer units than this give no overdispersion estimate (docs/methods.md §8.1, k ≥ 5).
MIN_UNITS_FOR_OVERDISPERSION = 5


@dataclass(frozen=True)
class FunnelResult:
    """Funnel-plot numbers for every unit.

    Attributes
    ----------
    kind : {"proportion", "mean"}
    target : float
        Pooled value θ₀ (``Σx/Σn`` for shares, the n-weighted mean for means).
    estimate : ndarray
        Each unit's share (0–1) or mean; NaN for units under the threshold (shown only pooled).
    n : ndarray of int
    z : ndarray
        ``(y_i − θ₀)/SE_i`` on the plain (not overdispersed) scale; NaN where suppressed.
    levels : tuple of float
        Coverage of the limits (e.g. 0.95 and 0.998).
    lower, upper : dict level -> ndarray
        Plain limits per unit (normal approximation or exact binomial).
    od_lower, od_upper : dict level -> ndarray, or None
        Overdispersion-adjusted limits (None when not requested).
    phi : float
        Overdispersion factor (mean of squared winsorised z); NaN when not estimated.
    tau2 : float
        Between-unit variance (on the arcsine scale for shares); 0 when none is needed.
    suppressed : ndarray of bool
        Units with n below the threshold.
    sigma : float
        Pooled within-unit SD (means only; NaN for shares).
    method : str
    """

    kind: str
    target: float
    estimate: FloatArray
    n: np.ndarray
    z: FloatArray
    levels: tuple[float, ...]
    lower: dict[float, FloatArray]
    upper: dict[float, FloatArray]
    od_lower: dict[float, FloatArray] | None
    od_upper: dict[float, FloatArray] | None
    phi: float
    tau2: float
    suppressed: np.ndarray
    sigma: float
    method: str
    exact: bool = False

    def outside(self, level: float, *, overdispersed: bool | None = None) -> np.ndarray:
        """Units whose estimate lies outside the limits of ``level`` (adjusted ones when available)."""
        use_od = self.od_lower is not None if overdispersed is None else overdispersed
        if use_od and (self.od_lower is None or self.od_upper is None):
            raise InvalidArgument("overdispersed: no overdispersion-adjusted limits were computed")
        lower = self.od_lower if use_od and self.od_lower is not None else self.lower
        upper = self.od_upper if use_od and self.od_upper is not None else self.upper
        if level not in lower:
            raise InvalidArgument(
                f"level: {level!r} is not one of {list(self.levels)}", field="level", value=level
            )
        with np.errstate(invalid="ignore"):
            return np.asarray((self.estimate < lower[level]) | (self.estimate > upper[level]))

    def p_values(self) -> FloatArray:
        """Two-sided p-value of each unit against the target, on the scale of the limits drawn.

        With overdispersion (``od_lower`` present): ``(y_i − θ₀)/√(SE_i² + τ²)``, on the arcsine scale for
        shares; otherwise the plain ``z``. A unit outside the (two-sided) limits of level ``L`` has
        ``p < 1 − L``. NaN for suppressed units.
        """
        if self.od_lower is None:
            z = self.z
        else:
            safe_n = np.where(self.n > 0, self.n, np.nan).astype(float)
            with np.errstate(invalid="ignore", divide="ignore"):
                if self.kind == "proportion":
                    y = np.arcsin(np.sqrt(np.clip(self.estimate, 0.0, 1.0)))
                    z = (y - np.arcsin(np.sqrt(self.target))) / np.sqrt(1.0 / (4.0 * safe_n) + self.tau2)
                else:
                    z = (self.estimate - self.target) / np.sqrt(self.sigma**2 / safe_n + self.tau2)
        return np.asarray(2.0 * sps.norm.sf(np.abs(z)))

    def outliers(self, *, q: float = FALSE_DISCOVERY_RATE) -> np.ndarray:
        """Units that differ from the target with the false discovery rate ``q`` kept across the shown units.

        Benjamini–Hochberg (:mod:`kundpuls.stats.multiplicity`) on :meth:`p_values`: among the units a
        funnel flags, at most a share ``q`` is expected to be as good as the target (docs/statistics.md).
        """
        return bh_reject(self.p_values(), q=q)

    def limits_at(
        self, n: ArrayLike, level: float, *, overdispersed: bool = False
    ) -> tuple[FloatArray, FloatArray]:
        """Lower and upper limits for arbitrary sizes ``n`` (to draw the funnel as a curve)."""
        sizes = as_float_array(n, name="n", ndim=1)
        z = z_value(level)
        if self.kind == "proportion":
            if self.exact and not overdispersed:
                return _exact_binomial_limits(self.target, sizes, level)
            return _proportion_limits(self.target, sizes, z, self.tau2, arcsine=overdispersed)
        se = self.sigma / np.sqrt(sizes)
        spread = np.sqrt(se**2 + (self.tau2 if overdispersed else 0.0))
        return self.target - z * spread, self.target + z * spread

    def summary(self) -> pd.DataFrame:
        """One row per unit: n, estimate, z, suppressed, and the limits of every level."""
        import pandas as pd

        columns: dict[str, object] = {
            "n": self.n,
            "estimate": self.estimate,
            "z": self.z,
            "suppressed": self.suppressed,
        }
        for level in self.levels:
            columns[f"lower_{level:g}"] = self.lower[level]
            columns[f"upper_{level:g}"] = self.upper[level]
            if self.od_lower is not None and self.od_upper is not None:
                columns[f"od_lower_{level:g}"] = self.od_lower[level]
                columns[f"od_upper_{level:g}"] = self.od_upper[level]
        return pd.DataFrame(columns)


def _proportion_limits(
    p0: float, n: FloatArray, z: float, tau2: float, *, arcsine: bool
) -> tuple[FloatArray, FloatArray]:
    """Normal limits on the share scale, or on the arcsine scale with extra variance ``tau2``."""
    if not arcsine:
        se = np.sqrt(p0 * (1.0 - p0) / n)
        return np.clip(p0 - z * se, 0.0, 1.0), np.clip(p0 + z * se, 0.0, 1.0)
    target = np.arcsin(np.sqrt(p0))
    spread = np.sqrt(1.0 / (4.0 * n) + tau2)
    low = np.sin(np.clip(target - z * spread, 0.0, np.pi / 2.0)) ** 2
    high = np.sin(np.clip(target + z * spread, 0.0, np.pi / 2.0)) ** 2
    return low, high


def _exact_binomial_limits(p0: float, n: FloatArray, level: float) -> tuple[FloatArray, FloatArray]:
    """Interpolated exact binomial limits (Spiegelhalter 2005, appendix): ``(r_p − α)/n``."""
    out = []
    for prob in (0.5 - level / 2.0, 0.5 + level / 2.0):
        r = sps.binom.ppf(prob, n, p0)
        cdf_r = sps.binom.cdf(r, n, p0)
        cdf_below = sps.binom.cdf(r - 1.0, n, p0)
        with np.errstate(invalid="ignore", divide="ignore"):
            alpha = np.where(cdf_r > cdf_below, (cdf_r - prob) / (cdf_r - cdf_below), 0.0)
        out.append(np.clip((r - alpha) / n, 0.0, 1.0))
    return out[0], out[1]


def _overdispersion(z: FloatArray, weights: FloatArray) -> tuple[float, float]:
    """φ from winsorised z (10 %/90 %, numpy's linear quantiles = R type 7) and the DerSimonian-Laird τ²."""
    k = z.shape[0]
    low, high = np.quantile(z, [0.1, 0.9])
    z_w = np.clip(z, low, high)
    phi = float(np.mean(z_w**2))
    if k * phi < k - 1:
        return phi, 0.0
    tau2 = (k * phi - (k - 1)) / (weights.sum() - (weights**2).sum() / weights.sum())
    return phi, float(max(tau2, 0.0))


def _check_levels(limits: Sequence[float]) -> tuple[float, ...]:
    levels = tuple(float(v) for v in limits)
    if not levels or any(not 0.0 < v < 1.0 for v in levels):
        raise InvalidArgument(
            f"limits: {limits!r} must be coverages strictly between 0 and 1", field="limits"
        )
    return levels


def funnel(
    counts: ArrayLike,
    totals: ArrayLike,
    *,
    limits: Sequence[float] = (0.95, 0.998),
    overdispersion: bool = True,
    exact: bool = False,
    threshold: int = 7,
) -> FunnelResult:
    """Funnel-plot limits for shares ``x_i/n_i`` around the pooled share (docs/methods.md §8.1).

    Parameters
    ----------
    counts, totals : array_like of int
        Successes and bases per unit.
    limits : sequence of float, default (0.95, 0.998)
        Coverages of the control limits (z = 1.959964 and 3.090232).
    overdispersion : bool, default True
        Also compute overdispersion-adjusted limits (FunnelPlotR "PR" method).
    exact : bool, default False
        Plain limits from the interpolated exact binomial instead of the normal approximation.
    threshold : int, default 7
        Units with n below are used in the target but not shown (estimate and z NaN).

    Returns
    -------
    FunnelResult

    Notes
    -----
    ``p₀ = Σx/Σn``; ``z_i = (p_i − p₀)/√(p₀(1−p₀)/n_i)``; limits ``p₀ ± z_α√(p₀(1−p₀)/n)``.
    Overdispersion: ``y = asin√p``, ``s = 1/(2√n)``; z winsorised at the 10 %/90 % quantiles;
    ``φ = mean(z_w²)``;
    ``τ² = (kφ − (k − 1))/(Σw − Σw²/Σw)`` with ``w = 1/s²`` (0 when ``kφ < k − 1``); limits
    ``sin²(asin√p₀ ± z_α√(s² + τ²))``.

    References
    ----------
    Spiegelhalter (2005), Stat. Med. 24; FunnelPlotR (NHS-R); docs/methods.md §8.1, E8.1.

    Examples
    --------
    >>> f = funnel([30, 84, 234, 42, 360, 22], [40, 120, 300, 75, 500, 25])
    >>> round(f.target, 6), round(f.phi, 4), round(f.tau2, 6)
    (0.728302, 2.0168, 0.002471)
    """
    levels = _check_levels(limits)
    threshold = check_threshold(threshold)
    x = as_float_array(counts, name="counts", ndim=1)
    n = as_float_array(totals, name="totals", ndim=1)
    if x.shape != n.shape:
        raise InvalidArgument(f"mismatched lengths: counts {x.shape[0]}, totals {n.shape[0]}", field="counts")
    for name, array in (("counts", x), ("totals", n)):
        if np.isnan(array).any():
            raise InvalidArgument(f"{name}: missing (NaN) value", field=name, value=float("nan"))
        check_non_negative(array, name=name)
    if (x > n).any():
        bad = int(np.argmax(x > n))
        raise InvalidArgument(
            f"counts: {x[bad]:g} exceeds totals {n[bad]:g} (unit {bad})", field="counts", value=x[bad]
        )
    if n.sum() <= 0:
        raise InsufficientData("totals: no respondents in any unit")
    p0 = float(x.sum() / n.sum())
    suppressed = n < max(threshold, 1)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = np.where(suppressed, np.nan, x / n)
        z = (p - p0) / np.sqrt(p0 * (1.0 - p0) / n)
    lower: dict[float, FloatArray] = {}
    upper: dict[float, FloatArray] = {}
    safe_n = np.where(n > 0, n, np.nan)
    for level in levels:
        if exact:
            lower[level], upper[level] = _exact_binomial_limits(p0, safe_n, level)
        else:
            lower[level], upper[level] = _proportion_limits(p0, safe_n, z_value(level), 0.0, arcsine=False)
    phi, tau2 = float("nan"), 0.0
    od_lower: dict[float, FloatArray] | None = None
    od_upper: dict[float, FloatArray] | None = None
    if overdispersion:
        shown = ~suppressed
        if shown.sum() < MIN_UNITS_FOR_OVERDISPERSION:
            warnings.warn(
                f"funnel: {int(shown.sum())} units shown; overdispersion needs at least "
                f"{MIN_UNITS_FOR_OVERDISPERSION}, so τ² = 0 is used",
                SmallSampleWarning,
                stacklevel=2,
            )
        else:
            s = 1.0 / (2.0 * np.sqrt(n[shown]))
            z_od = (np.arcsin(np.sqrt(p[shown])) - np.arcsin(np.sqrt(p0))) / s
            phi, tau2 = _overdispersion(z_od, 1.0 / s**2)
        od_lower, od_upper = {}, {}
        for level in levels:
            od_lower[level], od_upper[level] = _proportion_limits(
                p0, safe_n, z_value(level), tau2, arcsine=True
            )
    return FunnelResult(
        kind="proportion",
        target=p0,
        estimate=p,
        n=np.rint(n).astype(np.int64),
        z=z,
        levels=levels,
        lower=lower,
        upper=upper,
        od_lower=od_lower,
        od_upper=od_upper,
        phi=phi,
        tau2=tau2,
        suppressed=suppressed,
        sigma=float("nan"),
        method=("exact binomial" if exact else "normal approximation")
        + " limits around the pooled share"
        + (
            "; overdispersion: arcsine scale, winsorised z (10%/90%), additive tau2" if overdispersion else ""
        ),
        exact=exact,
    )


def funnel_means(
    means: ArrayLike,
    sds: ArrayLike,
    ns: ArrayLike,
    *,
    limits: Sequence[float] = (0.95, 0.998),
    overdispersion: bool = True,
    threshold: int = 7,
    bounds: Sequence[float] | None = (0.0, 100.0),
) -> FunnelResult:
    """Funnel-plot limits for unit means (e.g. NKI per unit) around the n-weighted grand mean.

    Parameters
    ----------
    means, sds, ns : array_like
        Each unit's mean, standard deviation (ddof 1) and n.
    limits, overdispersion, threshold
        As in :func:`funnel`.
    bounds : (float, float) or None, default (0, 100)
        Limits are clipped to these bounds.

    Notes
    -----
    ``θ₀ = Σ n_i μ_i / Σ n_i``; ``σ = √(Σ(n_i − 1)s_i² / Σ(n_i − 1))`` (pooled within-unit SD, docs/methods.md
    §8.1 [U]); ``SE_i = σ/√n_i``; limits ``θ₀ ± z_α·SE``; overdispersion as in :func:`funnel` without a
    transformation: ``θ₀ ± z_α√(SE² + τ²)``.

    References
    ----------
    Spiegelhalter (2005), Stat. Med. 24; docs/methods.md §8.1.
    """
    levels = _check_levels(limits)
    threshold = check_threshold(threshold)
    mu = as_float_array(means, name="means", ndim=1)
    sd = as_float_array(sds, name="sds", ndim=1)
    n = as_float_array(ns, name="ns", ndim=1)
    if not mu.shape == sd.shape == n.shape:
        raise InvalidArgument(
            f"mismatched lengths: means {mu.shape[0]}, sds {sd.shape[0]}, ns {n.shape[0]}", field="means"
        )
    check_non_negative(n, name="ns")
    check_non_negative(np.nan_to_num(sd), name="sds")
    usable = (n > 0) & ~np.isnan(mu)
    if not usable.any():
        raise InsufficientData("ns: no unit has respondents")
    target = float(np.sum(n[usable] * mu[usable]) / n[usable].sum())
    pooled = (n >= 2) & ~np.isnan(sd)
    if not pooled.any():
        raise InsufficientData("sds: no unit has two or more respondents to estimate the spread")
    sigma = float(np.sqrt(np.sum((n[pooled] - 1) * sd[pooled] ** 2) / np.sum(n[pooled] - 1)))
    suppressed = n < max(threshold, 1)
    safe_n = np.where(n > 0, n, np.nan)
    se = sigma / np.sqrt(safe_n)
    estimate = np.where(suppressed, np.nan, mu)
    with np.errstate(invalid="ignore", divide="ignore"):
        z = (estimate - target) / se
    lo_b, hi_b = (-np.inf, np.inf) if bounds is None else (float(bounds[0]), float(bounds[1]))
    lower = {lv: np.clip(target - z_value(lv) * se, lo_b, hi_b) for lv in levels}
    upper = {lv: np.clip(target + z_value(lv) * se, lo_b, hi_b) for lv in levels}
    phi, tau2 = float("nan"), 0.0
    od_lower: dict[float, FloatArray] | None = None
    od_upper: dict[float, FloatArray] | None = None
    if overdispersion:
        shown = ~suppressed & (n > 0)
        if shown.sum() < MIN_UNITS_FOR_OVERDISPERSION:
            warnings.warn(
                f"funnel_means: {int(shown.sum())} units shown; overdispersion needs at least "
                f"{MIN_UNITS_FOR_OVERDISPERSION}, so τ² = 0 is used",
                SmallSampleWarning,
                stacklevel=2,
            )
        elif sigma > 0:
            phi, tau2 = _overdispersion(z[shown], 1.0 / se[shown] ** 2)
        spread = np.sqrt(se**2 + tau2)
        od_lower = {lv: np.clip(target - z_value(lv) * spread, lo_b, hi_b) for lv in levels}
        od_upper = {lv: np.clip(target + z_value(lv) * spread, lo_b, hi_b) for lv in levels}
    return FunnelResult(
        kind="mean",
        target=target,
        estimate=estimate,
        n=np.rint(n).astype(np.int64),
        z=z,
        levels=levels,
        lower=lower,
        upper=upper,
        od_lower=od_lower,
        od_upper=od_upper,
        phi=phi,
        tau2=tau2,
        suppressed=suppressed,
        sigma=sigma,
        method="normal limits around the n-weighted mean with the pooled within-unit SD"
        + ("; overdispersion: winsorised z (10%/90%), additive tau2" if overdispersion else ""),
    )
