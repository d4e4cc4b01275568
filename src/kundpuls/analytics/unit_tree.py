"""The unit tree as the engines need it: a unit -> ancestor table for rolling results up in one pass.

The lake's manifest records the materialised path of every unit that has responses (the latest path
seen, so a unit that moved rolls up under its current parent). Units that only appear inside paths
(e.g. a department without responses of its own) are part of the tree too. The Django side may pass its
own current tree instead (:meth:`UnitTree.from_paths` on ``{code: path}`` of every unit).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pyarrow as pa

from kundpuls.analytics.lake.layout import split_unit_path
from kundpuls.analytics.unit_paths import path_from_segments
from kundpuls.errors import NotFound, ValidationError


@dataclass(frozen=True)
class UnitTree:
    """A forest of units: ``parent[code]`` is None for a root.

    Attributes
    ----------
    codes : tuple of str
        Every unit, ordered by path (a parent before its children).
    parent : mapping
        Unit code -> parent code (None for roots).
    """

    codes: tuple[str, ...]
    parent: Mapping[str, str | None]

    @classmethod
    def from_paths(cls, paths: Mapping[str, str]) -> UnitTree:
        """Build the tree from ``{unit_code: materialised_path}``; each path must end in its code.

        A unit's own path decides its parent; a unit that only occurs inside other paths takes its
        parent from the first such path (in sorted order).
        """
        parent: dict[str, str | None] = {}
        for code, path in sorted(paths.items()):
            codes = split_unit_path(path)
            if codes[-1] != code:
                raise ValidationError(
                    f"unit_path: {path!r} does not end in its unit_code {code!r}",
                    field="unit_path",
                    value=path,
                )
            parent[code] = codes[-2] if len(codes) > 1 else None
        for path in sorted(paths.values()):
            codes = split_unit_path(path)
            for i, code in enumerate(codes[:-1]):
                parent.setdefault(code, codes[i - 1] if i > 0 else None)
        tree = cls(codes=(), parent=parent)
        ordered = sorted(parent, key=tree._chain)
        return cls(codes=tuple(ordered), parent=parent)

    def path_codes(self, code: str) -> list[str]:
        """Codes from the root down to ``code``."""
        return list(self._chain(code))

    def _chain(self, code: str) -> tuple[str, ...]:
        chains = self._chains
        if code in chains:
            return chains[code]
        pending = [code]
        while (up := self.parent.get(pending[-1])) is not None and up not in chains:
            if up in pending:
                raise ValidationError(f"unit tree: a cycle through unit {up!r}", field="unit_path", value=up)
            pending.append(up)
        base = chains[up] if up is not None else ()
        for unit in reversed(pending):
            base = (*base, unit)
            chains[unit] = base
        return chains[code]

    @cached_property
    def _chains(self) -> dict[str, tuple[str, ...]]:
        return {}

    def path(self, code: str) -> str:
        """Materialised path of ``code``, e.g. ``/1/4/17/``."""
        self._require(code)
        return self._paths[code]

    @cached_property
    def _paths(self) -> dict[str, str]:
        return {code: path_from_segments(self.path_codes(code)) for code in self.parent}

    def depth(self, code: str) -> int:
        """0 for a root."""
        self._require(code)
        return len(self.path_codes(code)) - 1

    def children(self, code: str) -> list[str]:
        """Direct children of ``code``."""
        self._require(code)
        return [c for c in self.codes if self.parent[c] == code]

    def descendants(self, code: str, *, include_self: bool = True) -> list[str]:
        """``code`` and every unit below it."""
        self._require(code)
        below = [c for c in self.codes if code in self._chain(c)[:-1]]
        return [code, *below] if include_self else below

    def ancestor_table(self, *, rollup: bool = True, only: Iterable[str] | None = None) -> pa.Table:
        """Table ``(unit_code, ancestor_code)``: every unit paired with itself and, with ``rollup``, each
        of its ancestors; joining base aggregates on ``unit_code`` and grouping by ``ancestor_code`` rolls
        every unit's descendants up in one pass. ``only`` keeps the rows of these ancestors."""
        wanted = None if only is None else set(only)
        units: list[str] = []
        ancestors: list[str] = []
        for code in self.codes:
            chain = self._chain(code) if rollup else (code,)
            for ancestor in chain:
                if wanted is None or ancestor in wanted:
                    units.append(code)
                    ancestors.append(ancestor)
        return pa.table(
            {"unit_code": pa.array(units, pa.string()), "ancestor_code": pa.array(ancestors, pa.string())}
        )

    def arrays(self) -> tuple[dict[str, int], np.ndarray, np.ndarray]:
        """``(index, parent_index, depth)`` (cached; see :attr:`_arrays`)."""
        return self._arrays

    @cached_property
    def _arrays(self) -> tuple[dict[str, int], np.ndarray, np.ndarray]:
        """``(index, parent_index, depth)``: position of each code in :attr:`codes`, the parent's
        position (−1 for roots) and the depth, as numpy arrays for vectorised tree walks."""
        index = {code: i for i, code in enumerate(self.codes)}
        parent = np.array(
            [index[p] if (p := self.parent[c]) is not None else -1 for c in self.codes], dtype=np.int64
        )
        depth = np.zeros(len(self.codes), dtype=np.int64)
        for i in range(len(self.codes)):  # parents come before children
            if parent[i] >= 0:
                depth[i] = depth[parent[i]] + 1
        return index, parent, depth

    def _require(self, code: str) -> None:
        if code not in self.parent:
            raise NotFound(f"unit: no unit {code!r} in the lake's unit tree")
