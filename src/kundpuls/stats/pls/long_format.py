"""The long format of PLS estimates: one row per ``(statistic, from, to)``.

Statistics and what ``from``/``to`` hold:

* ``path`` — construct → construct, one row per declared path (declaration order);
* ``total_effect`` and ``indirect_effect`` — construct → construct for every pair joined by a directed
  route (of length >= 2 for indirect effects);
* ``weight`` and ``loading`` — indicator → construct;
* ``r_squared`` — ``from`` empty, ``to`` the endogenous construct.

These names are fixed; other tools read them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from kundpuls.stats.pls.algorithm import BatchEstimates
from kundpuls.stats.pls.structure import CompiledModel

STATISTICS: tuple[str, ...] = ("path", "total_effect", "indirect_effect", "weight", "loading", "r_squared")
#: The statistics written by ``kundpuls pls`` (indirect effects are kept for the bootstrap and the API).
CLI_STATISTICS: tuple[str, ...] = ("path", "total_effect", "weight", "loading", "r_squared")


@dataclass(frozen=True)
class Layout:
    """Row labels of the long format and how to pull each row out of :class:`BatchEstimates`."""

    statistic: tuple[str, ...]
    source: tuple[str, ...]
    target: tuple[str, ...]
    _pairs: dict[str, tuple[np.ndarray, np.ndarray]]
    _indicator_rows: np.ndarray
    _endogenous: np.ndarray

    def __len__(self) -> int:
        return len(self.statistic)

    @classmethod
    def from_model(cls, model: CompiledModel) -> Layout:
        constructs = model.spec.constructs
        indicators = model.spec.indicators
        direct = model.path > 0
        reach = np.zeros_like(direct)
        power = direct.copy()
        for _ in range(model.n_constructs):
            reach |= power
            power = (power.astype(int) @ direct.astype(int)) > 0
        indirect = np.zeros_like(direct)
        power = (direct.astype(int) @ direct.astype(int)) > 0
        for _ in range(model.n_constructs):
            indirect |= power
            power = (power.astype(int) @ direct.astype(int)) > 0
        index = {c: k for k, c in enumerate(constructs)}
        path_from = np.array([index[f] for f, _ in model.spec.paths], dtype=np.intp)
        path_to = np.array([index[t] for _, t in model.spec.paths], dtype=np.intp)
        pairs = {
            "path": (path_from, path_to),
            "total_effect": tuple(np.nonzero(reach)),
            "indirect_effect": tuple(np.nonzero(indirect)),
        }
        statistic: list[str] = []
        source: list[str] = []
        target: list[str] = []
        for name in ("path", "total_effect", "indirect_effect"):
            rows, cols = pairs[name]
            statistic += [name] * rows.size
            source += [constructs[k] for k in rows]
            target += [constructs[k] for k in cols]
        for name in ("weight", "loading"):
            statistic += [name] * len(indicators)
            source += list(indicators)
            target += [constructs[k] for k in model.block]
        endogenous = model.endogenous
        statistic += ["r_squared"] * endogenous.size
        source += [""] * endogenous.size
        target += [constructs[k] for k in endogenous]
        return cls(
            statistic=tuple(statistic),
            source=tuple(source),
            target=tuple(target),
            _pairs={k: (np.asarray(v[0]), np.asarray(v[1])) for k, v in pairs.items()},
            _indicator_rows=np.arange(len(indicators)),
            _endogenous=endogenous,
        )

    def flatten(self, estimates: BatchEstimates) -> np.ndarray:
        """All statistics of a batch as one ``(B, len(self))`` array in row order."""
        paths, total = estimates.paths, estimates.total_effects
        parts = [
            paths[:, self._pairs["path"][0], self._pairs["path"][1]],
            total[:, self._pairs["total_effect"][0], self._pairs["total_effect"][1]],
            (total - paths)[:, self._pairs["indirect_effect"][0], self._pairs["indirect_effect"][1]],
            estimates.weights,
            estimates.loadings,
            estimates.r_squared[:, self._endogenous],
        ]
        return np.concatenate(parts, axis=1)
