"""Inner weighting schemes of PLS path modelling (Lohmöller 1989, ch. 2; Tenenhaus et al. 2005, §2.2).

Each scheme turns the correlation matrix ``C`` of the current construct scores into inner weights
``E[k, j]``, the contribution of construct ``k`` to the inner proxy of construct ``j``:

* **centroid** (Wold): ``E[k, j] = sign(C[k, j])`` for adjacent ``k, j``;
* **factorial** (Lohmöller): ``E[k, j] = C[k, j]`` for adjacent ``k, j``;
* **path** (Lohmöller's path weighting): for a predecessor ``k`` of ``j`` the coefficient of ``k`` in the
  OLS regression of ``Y_j`` on all predecessors of ``j``; for a successor ``k`` of ``j`` the correlation
  ``C[k, j]``.

All functions are batched: ``C`` has shape ``(B, J, J)``.
"""

from __future__ import annotations

from typing import Literal

import numpy as np

from kundpuls.stats.pls.structure import CompiledModel

Scheme = Literal["path", "centroid", "factorial"]
SCHEMES: tuple[str, ...] = ("path", "centroid", "factorial")


def inner_weights(construct_corr: np.ndarray, model: CompiledModel, scheme: str) -> np.ndarray:
    """Inner weights ``E`` of shape ``(B, J, J)`` for the batch of construct correlation matrices."""
    if scheme == "centroid":
        return np.sign(construct_corr) * model.adjacency
    if scheme == "factorial":
        return construct_corr * model.adjacency
    if scheme == "path":
        weights = construct_corr * model.path.T  # successors: correlation
        for j, preds in enumerate(model.predecessors):
            if preds.size:
                weights[:, preds, j] = solve_batched(
                    construct_corr[:, preds[:, None], preds[None, :]], construct_corr[:, preds, j]
                )
        return weights
    raise ValueError(f"scheme: unknown inner weighting scheme {scheme!r}")


def solve_batched(matrices: np.ndarray, vectors: np.ndarray) -> np.ndarray:
    """Solve ``A_b x_b = v_b`` for a batch; a singular system gives a NaN solution instead of raising."""
    try:
        return np.linalg.solve(matrices, vectors[..., None])[..., 0]
    except np.linalg.LinAlgError:
        out = np.full(vectors.shape, np.nan)
        for b in range(matrices.shape[0]):
            try:
                out[b] = np.linalg.solve(matrices[b], vectors[b])
            except np.linalg.LinAlgError:
                continue
        return out
