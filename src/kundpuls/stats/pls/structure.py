"""A model compiled to index arrays, the form the batched algorithm works on."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from kundpuls.stats.pls.spec import ModelSpec


@dataclass(frozen=True)
class CompiledModel:
    """Index arrays of a :class:`ModelSpec`.

    Attributes
    ----------
    block : (p,) int array
        Construct position of each indicator (indicators in ``spec.indicators`` order).
    membership : (p, J) float array
        ``membership[i, j] = 1`` when indicator ``i`` belongs to construct ``j``.
    path : (J, J) float array
        ``path[k, j] = 1`` for a path ``k -> j``.
    predecessors : tuple of int arrays
        For each construct the positions of the constructs with a path into it.
    mode_b : tuple of (construct position, indicator positions)
        The mode B blocks.
    """

    spec: ModelSpec
    block: np.ndarray
    membership: np.ndarray
    path: np.ndarray
    adjacency: np.ndarray
    predecessors: tuple[np.ndarray, ...]
    mode_b: tuple[tuple[int, np.ndarray], ...]
    block_indicators: tuple[np.ndarray, ...]

    @property
    def n_indicators(self) -> int:
        return int(self.block.size)

    @property
    def n_constructs(self) -> int:
        return int(self.path.shape[0])

    @property
    def endogenous(self) -> np.ndarray:
        """Positions of the constructs with at least one predecessor."""
        return np.array([j for j, p in enumerate(self.predecessors) if p.size], dtype=np.intp)

    @classmethod
    def from_spec(cls, spec: ModelSpec) -> CompiledModel:
        block = spec.block_of_indicator
        n_constructs = len(spec.blocks)
        membership = np.zeros((block.size, n_constructs))
        membership[np.arange(block.size), block] = 1.0
        path = spec.path_matrix
        adjacency = ((path + path.T) > 0).astype(float)
        predecessors = tuple(np.flatnonzero(path[:, j]) for j in range(n_constructs))
        block_indicators = tuple(np.flatnonzero(block == j) for j in range(n_constructs))
        mode_b = tuple((j, block_indicators[j]) for j, b in enumerate(spec.blocks) if b.mode == "B")
        return cls(
            spec=spec,
            block=block,
            membership=membership,
            path=path,
            adjacency=adjacency,
            predecessors=predecessors,
            mode_b=mode_b,
            block_indicators=block_indicators,
        )
