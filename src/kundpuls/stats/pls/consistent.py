"""Consistent PLS (PLSc): path coefficients corrected for the measurement error of mode A composites.

A mode A composite ``Y_j = w_j'x_j`` of a reflective block is the construct plus measurement error, so the
correlations between composites — and every path estimated from them — are pulled towards zero, each by
the reliability of its composites. Dijkstra & Henseler (2015, MIS Quarterly 39(2), 297–316) correct this
with ρ_A, the consistent reliability of each composite (:func:`~kundpuls.stats.pls.quality.rho_a`):

* construct correlations ``Φ_jk = C_jk / √(ρ_A,j·ρ_A,k)`` (``C`` the composite correlations, ``Φ_jj = 1``);
* paths by OLS on ``Φ``: ``β_j = Φ[P, P]⁻¹ Φ[P, j]`` for each endogenous ``j`` with predecessors ``P``,
  ``R²_j = β_j'Φ[P, j]``; total effects ``(I − B)⁻¹ − I``.

On the population covariance of a reflective model (one factor per block) this gives the true paths
exactly — ``tests/stats/pls/test_consistent.py`` checks it to 1e-9 — where PLS gives attenuated ones.
A single-indicator block has ρ_A = 1 (no correction). In a sample ρ_A can exceed 1 or ``Φ`` can fail to
be a correlation matrix (an *inadmissible* solution, mostly at small n or with weak blocks):
:func:`consistent_paths` then raises :class:`~kundpuls.errors.ConvergenceError` and the caller decides
(the priority matrix falls back to plain PLS and says so).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from kundpuls.errors import ConvergenceError
from kundpuls.stats.pls.quality import rho_a
from kundpuls.stats.pls.structure import CompiledModel


@dataclass(frozen=True)
class ConsistentPaths:
    """PLSc estimates of one model: ``construct_corr`` (Φ), ``paths[k, j]`` for k → j, ``total_effects``,
    ``r_squared`` (NaN for exogenous constructs) and the ``reliabilities`` (ρ_A) used."""

    construct_corr: np.ndarray
    paths: np.ndarray
    total_effects: np.ndarray
    r_squared: np.ndarray
    reliabilities: np.ndarray


def consistent_paths(corr: np.ndarray, weights: np.ndarray, model: CompiledModel) -> ConsistentPaths:
    """PLSc paths from the indicator correlation matrix ``corr`` (p × p) and mode A ``weights`` (p,).

    ``weights`` are the converged PLS outer weights on the standardised indicators (any scale per block:
    they are normalised to unit composite variance here).

    Raises
    ------
    ConvergenceError
        An inadmissible solution: a ρ_A not in (0, 1], or corrected correlations that do not form a
        positive definite correlation matrix.
    """
    corr = np.asarray(corr, dtype=float)
    w = np.asarray(weights, dtype=float).copy()
    n_constructs = model.n_constructs
    names = list(model.spec.constructs)
    matrix = np.zeros((w.size, n_constructs))
    for j, idx in enumerate(model.block_indicators):
        block = w[idx]
        scale = float(np.sqrt(block @ corr[np.ix_(idx, idx)] @ block))
        if not scale > 0:
            raise ConvergenceError(f"PLSc: the composite of construct {names[j]!r} has no variance")
        matrix[idx, j] = block / scale
    composite = matrix.T @ corr @ matrix
    reliability = rho_a(corr, matrix.sum(axis=1), model)
    bad = np.flatnonzero(~((reliability > 0) & (reliability <= 1 + 1e-12)))
    if bad.size:
        raise ConvergenceError(
            f"PLSc: inadmissible reliability ρ_A = {reliability[bad[0]]:.3f} of construct {names[bad[0]]!r}"
        )
    reliability = np.minimum(reliability, 1.0)
    phi = composite / np.sqrt(np.outer(reliability, reliability))
    np.fill_diagonal(phi, 1.0)
    phi = (phi + phi.T) / 2
    if not np.all(np.linalg.eigvalsh(phi) > 1e-10):
        raise ConvergenceError("PLSc: the corrected construct correlations are not a correlation matrix")
    paths = np.zeros((n_constructs, n_constructs))
    r_squared = np.full(n_constructs, np.nan)
    for j, preds in enumerate(model.predecessors):
        if preds.size:
            beta = np.linalg.solve(phi[np.ix_(preds, preds)], phi[preds, j])
            paths[preds, j] = beta
            r_squared[j] = float(beta @ phi[preds, j])
    total = np.linalg.inv(np.eye(n_constructs) - paths) - np.eye(n_constructs)
    return ConsistentPaths(
        construct_corr=phi,
        paths=paths,
        total_effects=total,
        r_squared=r_squared,
        reliabilities=reliability,
    )
