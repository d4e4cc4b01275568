"""Empirical-Bayes shrinkage of unit estimates towards the common value (docs/methods.md §8.2).

Small units' estimates are pulled further towards the pooled value than large units', so a ranking is not
driven by noise. Two models: beta-binomial for shares (method of moments) and normal–normal for means
(DerSimonian–Laird between-unit variance).

References
----------
DerSimonian, R. & Laird, N. (1986). Meta-analysis in clinical trials. *Controlled Clinical Trials* 7.
Efron, B. & Morris, C. (1975). Data analysis using Stein's estimator and its generalizations. *JASA* 70.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike
from scipy import stats as sps

from kundpuls.errors import InsufficientData, InvalidArgument
from kundpuls.stats.intervals import z_value
from kundpuls.stats.validation import FloatArray, as_float_array, check_confidence, check_non_negative

#: Floor of the between-unit variance of shares (docs/methods.md §8.2).
MIN_TAU2_SHARES = 1e-6


@dataclass(frozen=True)
class ShrinkageResult:
    """Shrunk estimates and the fitted prior.

    Attributes
    ----------
    model : {"beta_binomial", "normal"}
    estimate : ndarray
        Shrunk shares (0–1) or means.
    raw : ndarray
        The unshrunk estimates.
    prior_mean : float
        ``p₀`` (pooled share) or ``μ_w`` (precision-weighted mean).
    tau2 : float
        Between-unit variance.
    shrinkage : ndarray
        Weight given to the prior mean per unit: ``M/(n_i + M)`` or ``B_i``.
    prior_size : float or None
        Beta-binomial prior size ``M = α + β`` (None for the normal model).
    alpha, beta : float or None
        Beta prior parameters (None for the normal model).
    q : float or None
        Cochran's Q (normal model only).
    ci_low, ci_high : ndarray
        Empirical-Bayes posterior intervals (hyperparameters treated as known): beta quantiles of
        ``Beta(x_i + α, n_i − x_i + β)`` for shares; ``shrunk ± z·√((1 − B_i)·se_i²)`` for means.
    n : ndarray or None
        Base of each unit (the totals for shares; as given for means).
    confidence : float
    """

    model: str
    estimate: FloatArray
    raw: FloatArray
    prior_mean: float
    tau2: float
    shrinkage: FloatArray
    ci_low: FloatArray
    ci_high: FloatArray
    n: np.ndarray | None = None
    prior_size: float | None = None
    alpha: float | None = None
    beta: float | None = None
    q: float | None = None
    confidence: float = 0.95


def shrink_shares(counts: ArrayLike, totals: ArrayLike, *, confidence: float = 0.95) -> ShrinkageResult:
    """Beta-binomial shrinkage of shares ``x_i/n_i`` by the method of moments.

    Notes
    -----
    ``p₀ = Σx/Σn``; ``τ² = max(var(p_i) − p₀(1 − p₀)·mean(1/n_i), 1e-6)`` (var with ddof 1);
    ``M = p₀(1 − p₀)/τ² − 1`` (floored at 0); ``α = p₀M``, ``β = (1 − p₀)M``;
    shrunk share ``(x_i + α)/(n_i + M)``.

    References
    ----------
    docs/methods.md §8.2 [U: Kundpuls choice], E8.2.

    Examples
    --------
    >>> r = shrink_shares([30, 84, 234, 42, 360, 22], [40, 120, 300, 75, 500, 25])
    >>> round(r.prior_size, 3), [round(float(v), 4) for v in r.estimate]
    (23.665, [0.7419, 0.7047, 0.7762, 0.6004, 0.7204, 0.8062])
    """
    confidence = check_confidence(confidence)
    x = as_float_array(counts, name="counts", ndim=1)
    n = as_float_array(totals, name="totals", ndim=1)
    if x.shape != n.shape:
        raise InvalidArgument(f"mismatched lengths: counts {x.shape[0]}, totals {n.shape[0]}", field="counts")
    for name, array in (("counts", x), ("totals", n)):
        if np.isnan(array).any():
            raise InvalidArgument(f"{name}: missing (NaN) value", field=name, value=float("nan"))
        check_non_negative(array, name=name)
    if (n <= 0).any():
        raise InvalidArgument(
            f"totals: unit {int(np.argmax(n <= 0))} has no respondents", field="totals", value=0.0
        )
    if (x > n).any():
        bad = int(np.argmax(x > n))
        raise InvalidArgument(f"counts: {x[bad]:g} exceeds totals {n[bad]:g}", field="counts", value=x[bad])
    if x.shape[0] < 2:
        raise InsufficientData("counts: shrinkage needs at least 2 units")
    p = x / n
    p0 = float(x.sum() / n.sum())
    within = p0 * (1.0 - p0) * float(np.mean(1.0 / n))
    tau2 = max(float(np.var(p, ddof=1)) - within, MIN_TAU2_SHARES)
    prior_size = max(p0 * (1.0 - p0) / tau2 - 1.0, 0.0)
    alpha, beta = p0 * prior_size, (1.0 - p0) * prior_size
    tail = (1.0 - confidence) / 2.0
    # Posterior Beta(x + α, n − x + β); a zero parameter (no prior and no successes/failures) is a point mass.
    a_post, b_post = x + alpha, n - x + beta
    with np.errstate(invalid="ignore"):
        low = np.where(a_post > 0, np.where(b_post > 0, sps.beta.ppf(tail, a_post, b_post), 1.0), 0.0)
        high = np.where(a_post > 0, np.where(b_post > 0, sps.beta.ppf(1.0 - tail, a_post, b_post), 1.0), 0.0)
    return ShrinkageResult(
        model="beta_binomial",
        estimate=(x + alpha) / (n + prior_size),
        raw=p,
        prior_mean=p0,
        tau2=tau2,
        shrinkage=prior_size / (n + prior_size),
        ci_low=np.asarray(low, dtype=np.float64),
        ci_high=np.asarray(high, dtype=np.float64),
        n=np.rint(n).astype(np.int64),
        prior_size=prior_size,
        alpha=alpha,
        beta=beta,
        confidence=confidence,
    )


def shrink_means(
    means: ArrayLike,
    standard_errors: ArrayLike,
    *,
    ns: ArrayLike | None = None,
    confidence: float = 0.95,
) -> ShrinkageResult:
    """Normal–normal shrinkage of unit means with DerSimonian–Laird τ².

    Notes
    -----
    ``w_i = 1/se_i²``; ``μ_w = Σw μ/Σw``; ``Q = Σw(μ_i − μ_w)²``;
    ``τ² = max(0, (Q − (k − 1))/(Σw − Σw²/Σw))``; ``B_i = se_i²/(se_i² + τ²)``;
    shrunk ``B_i μ_w + (1 − B_i) μ_i``; interval ``shrunk ± z·√((1 − B_i)·se_i² + B_i²·V)`` with
    ``V = Σ w_j²(se_j² + τ²)/(Σw)²``, the variance of μ_w: the error variance of the shrunk mean under the
    model, τ² taken as known (docs/methods.md §8.2).

    References
    ----------
    DerSimonian & Laird (1986); docs/methods.md §8.2, E8.3.

    Examples
    --------
    >>> r = shrink_means([72, 65, 80, 58], [6, 2, 8, 3])
    >>> round(r.tau2, 4), [round(float(v), 3) for v in r.estimate]
    (32.3544, [67.859, 64.905, 69.464, 59.336])
    """
    confidence = check_confidence(confidence)
    mu = as_float_array(means, name="means", ndim=1)
    se = as_float_array(standard_errors, name="standard_errors", ndim=1)
    if mu.shape != se.shape:
        raise InvalidArgument(
            f"mismatched lengths: means {mu.shape[0]}, standard_errors {se.shape[0]}", field="means"
        )
    if np.isnan(mu).any() or np.isnan(se).any():
        raise InvalidArgument(
            "means: missing (NaN) mean or standard error", field="means", value=float("nan")
        )
    if (se <= 0).any():
        bad = float(se[se <= 0][0])
        raise InvalidArgument(
            f"standard_errors: {bad:g} must be positive", field="standard_errors", value=bad
        )
    k = mu.shape[0]
    if k < 2:
        raise InsufficientData("means: shrinkage needs at least 2 units")
    w = 1.0 / se**2
    mu_w = float(np.sum(w * mu) / w.sum())
    q = float(np.sum(w * (mu - mu_w) ** 2))
    tau2 = max(0.0, float((q - (k - 1)) / (w.sum() - (w**2).sum() / w.sum())))
    b = se**2 / (se**2 + tau2)
    shrunk = b * mu_w + (1.0 - b) * mu
    # the common mean is estimated too: its variance given τ² enters each unit's in proportion to B_i², so
    # with τ² = 0 every unit gets the pooled mean's interval, never a width of 0
    common = float((w.sum() + tau2 * (w**2).sum()) / w.sum() ** 2)
    half = z_value(confidence) * np.sqrt((1.0 - b) * se**2 + b**2 * common)
    bases = None
    if ns is not None:
        bases_f = as_float_array(ns, name="ns", ndim=1)
        if bases_f.shape != mu.shape:
            raise InvalidArgument(
                f"mismatched lengths: means {mu.shape[0]}, ns {bases_f.shape[0]}", field="ns"
            )
        bases = np.rint(bases_f).astype(np.int64)
    return ShrinkageResult(
        model="normal",
        estimate=shrunk,
        raw=mu,
        prior_mean=mu_w,
        tau2=tau2,
        shrinkage=b,
        ci_low=shrunk - half,
        ci_high=shrunk + half,
        n=bases,
        q=q,
        confidence=confidence,
    )


def shrink(
    values: ArrayLike, spread: ArrayLike, *, model: str = "beta_binomial", confidence: float = 0.95
) -> ShrinkageResult:
    """Shrink unit estimates: ``model="beta_binomial"`` takes (counts, totals), ``"normal"`` (means, SEs).

    See :func:`shrink_shares` and :func:`shrink_means` for the formulas (docs/methods.md §8.2).
    """
    if model == "beta_binomial":
        return shrink_shares(values, spread, confidence=confidence)
    if model == "normal":
        return shrink_means(values, spread, confidence=confidence)
    raise InvalidArgument(
        f"model: {model!r} is not one of ['beta_binomial', 'normal']", field="model", value=model
    )
