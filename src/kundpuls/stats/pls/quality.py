"""Reliability, validity and fit measures of a PLS path model.

All functions take the indicator covariance matrix ``S`` the model was estimated on (the correlation
matrix for standardised indicators) and work per block. The measures of internal consistency (α, ρ_A,
ρ_c, AVE) and HTMT assume reflective (mode A) blocks; they are reported for mode B blocks too but carry
no meaning there (Hair et al., *A Primer on PLS-SEM*, 3rd ed., ch. 4-5).
"""

from __future__ import annotations

import numpy as np

from kundpuls.stats.pls.structure import CompiledModel


def cronbach_alpha(cov: np.ndarray, model: CompiledModel) -> np.ndarray:
    """Cronbach's α per construct: ``α = k/(k-1) · (1 - Σ_i s_ii / 1'S_jj 1)``.

    On standardised indicators this is the standardised α ``k r̄ / (1 + (k-1) r̄)``. A single-item block
    gets α = 1. Reference: Cronbach (1951), Psychometrika 16, 297-334.
    """
    out = np.ones(model.n_constructs)
    for j, idx in enumerate(model.block_indicators):
        k = idx.size
        if k > 1:
            sub = cov[np.ix_(idx, idx)]
            out[j] = k / (k - 1) * (1.0 - np.trace(sub) / sub.sum())
    return out


def rho_a(cov: np.ndarray, weights: np.ndarray, model: CompiledModel) -> np.ndarray:
    """Dijkstra-Henseler ρ_A per construct.

    ``ρ_A = (w'w)² · w'(S - diag S)w / w'(ww' - diag(ww'))w`` with the block's weights ``w`` scaled to unit
    composite variance and ``S`` the block's correlation matrix. Single items get 1. Reference: Dijkstra &
    Henseler (2015), MIS Quarterly 39(2), 297-316.
    """
    sd = np.sqrt(np.diag(cov))
    corr = cov / np.outer(sd, sd)
    std_weights = weights * sd  # the same composite on standardised indicators
    out = np.ones(model.n_constructs)
    for j, idx in enumerate(model.block_indicators):
        if idx.size > 1:
            w = std_weights[idx]
            sub = corr[np.ix_(idx, idx)]
            numerator = w @ (sub - np.diag(np.diag(sub))) @ w
            outer = np.outer(w, w)
            denominator = w @ (outer - np.diag(np.diag(outer))) @ w
            out[j] = (w @ w) ** 2 * numerator / denominator
    return out


def composite_reliability(loadings: np.ndarray, model: CompiledModel) -> np.ndarray:
    """Composite reliability ρ_c (Jöreskog's ρ): ``(Σλ)² / ((Σλ)² + Σ(1 - λ²))`` per construct.

    Reference: Werts, Linn & Jöreskog (1974), Educ. Psychol. Meas. 34, 25-33.
    """
    out = np.empty(model.n_constructs)
    for j, idx in enumerate(model.block_indicators):
        lam = loadings[idx]
        squared_sum = lam.sum() ** 2
        out[j] = squared_sum / (squared_sum + (1.0 - lam**2).sum())
    return out


def average_variance_extracted(loadings: np.ndarray, model: CompiledModel) -> np.ndarray:
    """AVE per construct: the mean squared loading ``Σλ²/k``. Reference: Fornell & Larcker (1981), JMR 18."""
    return np.array([np.mean(loadings[idx] ** 2) for idx in model.block_indicators])


def htmt(cov: np.ndarray, model: CompiledModel) -> np.ndarray:
    """Heterotrait-monotrait ratio of correlations for every pair of constructs.

    ``HTMT_jk = mean(r_hetero) / sqrt(mean(r_mono,j) · mean(r_mono,k))`` with the indicator correlations
    between blocks ``j`` and ``k`` (hetero) and the off-diagonal correlations within each block (mono).
    Constructs with a single indicator have no monotrait correlations: their entries are NaN. The
    diagonal is NaN. Reference: Henseler, Ringle & Sarstedt (2015), J. Acad. Mark. Sci. 43, 115-135.
    """
    sd = np.sqrt(np.diag(cov))
    corr = cov / np.outer(sd, sd)
    n = model.n_constructs
    mono = np.full(n, np.nan)
    for j, idx in enumerate(model.block_indicators):
        k = idx.size
        if k > 1:
            sub = corr[np.ix_(idx, idx)]
            mono[j] = (sub.sum() - np.trace(sub)) / (k * (k - 1))
    out = np.full((n, n), np.nan)
    for j in range(n):
        for k in range(n):
            if j != k and np.isfinite(mono[j]) and np.isfinite(mono[k]):
                hetero = corr[np.ix_(model.block_indicators[j], model.block_indicators[k])].mean()
                out[j, k] = hetero / np.sqrt(mono[j] * mono[k])
    return out


def goodness_of_fit(loadings: np.ndarray, r_squared: np.ndarray, model: CompiledModel) -> float:
    """Tenenhaus' GoF: ``sqrt(mean communality · mean R²)``.

    The mean communality is the mean squared loading over the indicators of blocks with more than one
    indicator; the mean R² runs over the endogenous constructs (as R plspm). Reference: Tenenhaus et al.
    (2005), CSDA 48, §4.4.
    """
    multi = [idx for idx in model.block_indicators if idx.size > 1]
    communality = float(np.mean(np.concatenate([loadings[idx] ** 2 for idx in multi]))) if multi else 1.0
    mean_r2 = float(np.nanmean(r_squared[model.endogenous]))
    return float(np.sqrt(communality * mean_r2))


def adjusted_r_squared(r_squared: np.ndarray, n: int, model: CompiledModel) -> np.ndarray:
    """Adjusted R²: ``1 - (1 - R²)(n - 1)/(n - k - 1)`` with ``k`` predecessors (NaN when n <= k + 1)."""
    out = np.full(model.n_constructs, np.nan)
    for j, preds in enumerate(model.predecessors):
        k = preds.size
        if k and n > k + 1:
            out[j] = 1.0 - (1.0 - r_squared[j]) * (n - 1) / (n - k - 1)
    return out
