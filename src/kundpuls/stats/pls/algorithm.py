"""The PLS path modelling algorithm on (batches of) indicator covariance matrices.

Every quantity of a PLS path model is a function of the indicator covariance matrix ``S`` (the
correlation matrix for standardised indicators), so the algorithm never touches respondent rows. With
the block-diagonal weight matrix ``W`` (``p x J``) the construct scores are ``Y = X W`` and

* construct correlations ``C = W' S W`` (unit diagonal after normalisation);
* covariances of indicators with constructs ``S W``;
* the inner proxy of construct ``j`` is ``Z_j = sum_k E[k, j] Y_k`` (``E`` from the inner scheme), so
  ``Cov(x_i, Z_j) = (S W E)[i, j]``;
* outer update, mode A: ``w_j ∝ Cov(x_j, Z_j)``; mode B: ``w_j ∝ S_jj^{-1} Cov(x_j, Z_j)``; each block then
  scaled so that ``w_j' S_jj w_j = 1``.

Iteration starts from weights 1 and stops for each matrix of the batch separately once no weight
changes by more than ``tol`` (maximum absolute change), so a batch gives exactly the numbers of one
matrix at a time. References: Wold (1982); Lohmöller (1989), *Latent Variable Path Modeling with Partial
Least Squares*; Tenenhaus, Esposito Vinzi, Chatelin & Lauro (2005), CSDA 48, 159-205.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from kundpuls.stats.pls.inner_schemes import inner_weights, solve_batched
from kundpuls.stats.pls.structure import CompiledModel

#: Largest condition number of a mode B block correlation matrix that a draw may have.
MAX_CONDITION = 1e12


@dataclass(frozen=True)
class WeightSolution:
    """Outer weights of a batch and how the iteration went for each matrix.

    ``failure`` is ``""`` for a good draw, else a short reason: ``"non_finite"`` (a zero-variance or
    non-finite indicator), ``"singular"`` (a mode B block or a regression matrix not invertible),
    ``"not_converged"`` (iteration cap reached).
    """

    weights: np.ndarray
    iterations: np.ndarray
    converged: np.ndarray
    failure: np.ndarray


@dataclass(frozen=True)
class BatchEstimates:
    """All model estimates for a batch of ``B`` covariance matrices (``p`` indicators, ``J`` constructs)."""

    weights: np.ndarray  # (B, p), each construct score has unit variance
    loadings: np.ndarray  # (B, p), correlation of an indicator with its construct
    cross_loadings: np.ndarray  # (B, p, J)
    construct_corr: np.ndarray  # (B, J, J)
    paths: np.ndarray  # (B, J, J), paths[k, j] for k -> j
    total_effects: np.ndarray  # (B, J, J)
    r_squared: np.ndarray  # (B, J), NaN for exogenous constructs


def iterate_weights(
    cov: np.ndarray,
    model: CompiledModel,
    *,
    scheme: str = "path",
    tol: float = 1e-7,
    max_iter: int = 300,
) -> WeightSolution:
    """Run the PLS outer/inner iteration on a batch ``cov`` of shape ``(B, p, p)``.

    Returns the outer weights scaled to unit construct variance (before any sign fixing).
    """
    n_batch, p, _ = cov.shape
    failure = np.full(n_batch, "", dtype=object)
    cov = np.array(cov, dtype=float, copy=True)
    bad = ~np.isfinite(cov).all(axis=(1, 2)) | (np.diagonal(cov, axis1=1, axis2=2) <= 0).any(axis=1)
    failure[bad] = "non_finite"
    cov[bad] = np.eye(p)

    inverses = _mode_b_inverses(cov, model, failure)
    weights = np.ones((n_batch, p))
    weights, cov_w, corr = _normalise(cov, weights, model)
    iterations = np.zeros(n_batch, dtype=np.intp)
    converged = np.zeros(n_batch, dtype=bool)
    active = np.flatnonzero(failure == "")
    for step in range(1, max_iter + 1):
        if active.size == 0:
            break
        everyone = active.size == n_batch
        s_a = cov if everyone else cov[active]
        previous = weights if everyone else weights[active]
        new = _outer_update(
            s_a,
            cov_w if everyone else cov_w[active],
            corr if everyone else corr[active],
            model,
            scheme,
            inverses if everyone else [inv[active] for inv in inverses],
        )
        new, new_cov_w, new_corr = _normalise(s_a, new, model)
        change = np.abs(new - previous).max(axis=1)
        if everyone:
            weights, cov_w, corr = new, new_cov_w, new_corr
        else:
            weights[active], cov_w[active], corr[active] = new, new_cov_w, new_corr
        iterations[active] = step
        finished = change < tol
        broken = ~np.isfinite(change)
        failure[active[broken]] = "singular"
        converged[active[finished]] = True
        active = active[~(finished | broken)]
    failure[active] = "not_converged"
    return WeightSolution(weights=weights, iterations=iterations, converged=converged, failure=failure)


def orientation_signs(cov: np.ndarray, weights: np.ndarray, model: CompiledModel) -> np.ndarray:
    """Signs ``(B, J)`` that make the loadings of every construct sum to a non-negative number.

    A construct's weights are identified only up to sign; this keeps a construct oriented like its
    indicators (a rise in the indicators is a rise in the construct).
    """
    cov_w = cov @ (weights[:, :, None] * model.membership)
    own = cov_w[:, np.arange(model.n_indicators), model.block]
    loadings = own / np.sqrt(np.diagonal(cov, axis1=1, axis2=2))
    totals = loadings @ model.membership
    return np.where(totals < 0, -1.0, 1.0)


def reference_signs(
    cov: np.ndarray, weights: np.ndarray, reference: np.ndarray, model: CompiledModel
) -> np.ndarray:
    """Signs ``(B, J)`` that make each construct score correlate non-negatively with a reference score.

    The reference score uses the weights ``reference`` (``(p,)``, e.g. the full-sample weights) on the same
    (resampled) indicators: the sign of ``w_j' S_jj w_ref,j``.
    """
    cross = cov @ (reference[None, :, None] * model.membership)
    own = cross[:, np.arange(model.n_indicators), model.block]
    totals = (weights * own) @ model.membership
    return np.where(totals < 0, -1.0, 1.0)


def estimates_from_weights(cov: np.ndarray, weights: np.ndarray, model: CompiledModel) -> BatchEstimates:
    """Loadings, construct correlations, OLS paths, R² and total effects for given outer weights.

    Paths: for each endogenous ``j`` with predecessors ``P``, ``beta = C[P, P]^{-1} C[P, j]`` and
    ``R² = beta' C[P, j]``. Total effects ``T = sum_{m >= 1} B^m = (I - B)^{-1} - I`` for the acyclic
    path matrix ``B``.
    """
    weights, cov_w, corr = _normalise(cov, weights, model)
    sd = np.sqrt(np.diagonal(cov, axis1=1, axis2=2))
    cross = cov_w / sd[:, :, None]
    loadings = cross[:, np.arange(model.n_indicators), model.block]
    n_batch, n_constructs = corr.shape[0], corr.shape[1]
    paths = np.zeros((n_batch, n_constructs, n_constructs))
    r_squared = np.full((n_batch, n_constructs), np.nan)
    for j, preds in enumerate(model.predecessors):
        if preds.size:
            beta = solve_batched(corr[:, preds[:, None], preds[None, :]], corr[:, preds, j])
            paths[:, preds, j] = beta
            r_squared[:, j] = np.einsum("bk,bk->b", beta, corr[:, preds, j])
    total = paths.copy()
    power = paths
    for _ in range(n_constructs - 1):
        power = power @ paths
        total = total + power
    return BatchEstimates(
        weights=weights,
        loadings=loadings,
        cross_loadings=cross,
        construct_corr=corr,
        paths=paths,
        total_effects=total,
        r_squared=r_squared,
    )


def _mode_b_inverses(cov: np.ndarray, model: CompiledModel, failure: np.ndarray) -> list[np.ndarray]:
    inverses = []
    for _, idx in model.mode_b:
        sub = cov[:, idx[:, None], idx[None, :]]
        condition = np.linalg.cond(sub)
        singular = ~np.isfinite(condition) | (condition > MAX_CONDITION)
        failure[singular & (failure == "")] = "singular"
        sub = np.where(singular[:, None, None], np.eye(idx.size), sub)
        inverses.append(np.linalg.inv(sub))
    return inverses


def _normalise(
    cov: np.ndarray, weights: np.ndarray, model: CompiledModel
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Scale each block's weights to unit score variance; return weights, ``S W`` and ``C = W' S W``."""
    weight_matrix = weights[:, :, None] * model.membership
    cov_w = cov @ weight_matrix
    corr = weight_matrix.transpose(0, 2, 1) @ cov_w
    with np.errstate(divide="ignore", invalid="ignore"):
        scale = 1.0 / np.sqrt(np.diagonal(corr, axis1=1, axis2=2))
    weights = weights * scale[:, model.block]
    cov_w = cov_w * scale[:, None, :]
    corr = corr * scale[:, :, None] * scale[:, None, :]
    return weights, cov_w, corr


def _outer_update(
    cov: np.ndarray,
    cov_w: np.ndarray,
    corr: np.ndarray,
    model: CompiledModel,
    scheme: str,
    inverses: list[np.ndarray],
) -> np.ndarray:
    inner = inner_weights(corr, model, scheme)
    proxy_cov = cov_w @ inner  # Cov(x_i, Z_j)
    new = proxy_cov[:, np.arange(model.n_indicators), model.block]
    for (_, idx), inverse in zip(model.mode_b, inverses, strict=True):
        new[:, idx] = (inverse @ new[:, idx, None])[..., 0]
    return new
