"""Anonymity: primary suppression (n below the threshold) and complementary suppression in the unit tree.

In a rolled-up table a parent's count and sums are the totals of its children plus its own direct
responses, which are never shown on their own. If a parent is shown while the hidden parts under it (its
direct responses and its suppressed children) add up to between 1 and ``threshold − 1`` respondents,
subtracting the shown children from the parent recovers that small group. Complementary suppression
therefore hides, for each shown parent, the smallest shown children until the hidden parts together hold
at least ``threshold`` respondents (or none); a parent without such a child is hidden itself, which its
own parent then takes into account. Parents are handled from the deepest level up, so one pass suffices.

:func:`suppressed_cells` protects one table: each (period, segment, item) slice of the unit tree.
:func:`linked_suppression` protects every table a reader can ask for at once (docs/methods.md, conventions
on anonymity): cells linked by exact sums — a parent unit and its children, a quarter and its months, a
year and its quarters, a total and the values of a background variable — are one system of equations,
and a cell is released only if no group of 1 … ``threshold − 1`` respondents follows from the released
cells and the empty cells a reader can tell are empty by differencing one sum at a time, however many
steps it takes. :func:`exactly_determined` audits the released cells against a reader who solves every
sum at once (docs/methods.md: what that still finds).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np
from numpy.typing import NDArray

from kundpuls.analytics.unit_tree import UnitTree


def suppressed_cells(
    counts: NDArray[np.int64],
    present: NDArray[np.bool_],
    tree: UnitTree,
    *,
    threshold: int,
    complementary: bool = True,
) -> NDArray[np.bool_]:
    """Which cells to hide, for a dense matrix of counts (slices × units in ``tree.codes`` order).

    Parameters
    ----------
    counts : ndarray (slices, units)
        Rolled-up n of each unit in each slice (0 where the unit has no row).
    present : ndarray of bool (slices, units)
        Cells that exist in the table.
    tree : UnitTree
        The tree the counts were rolled up through.
    threshold : int
        Minimum n of a shown cell (and of any group recoverable by subtraction).
    complementary : bool
        Also hide cells so that no hidden group under the threshold can be recovered.

    Returns
    -------
    ndarray of bool, same shape: True where the cell must carry no numbers.
    """
    hidden = present & (counts < threshold)
    if not complementary or counts.size == 0:
        return hidden
    _, parent, depth = tree.arrays()
    n = np.where(present, counts, 0).astype(np.int64)
    child_totals = np.zeros_like(n)
    has_parent = parent >= 0
    children = np.flatnonzero(has_parent)
    np.add.at(child_totals.T, parent[children], n[:, children].T)
    own = np.maximum(n - child_totals, 0)  # a parent's direct responses, never shown on their own
    for level in range(int(depth.max(initial=0)) - 1, -1, -1):
        level_children = children[depth[children] == level + 1]
        if level_children.size == 0:
            continue
        level_children = level_children[np.argsort(parent[level_children], kind="stable")]
        their_parent = parent[level_children]
        parents, starts = np.unique(their_parent, return_index=True)
        tiebreak = np.arange(level_children.size) / (level_children.size + 1.0)
        while True:
            hidden_sum = own[:, parents].copy()
            sub = np.zeros((n.shape[0], n.shape[1]), dtype=np.int64)
            np.add.at(sub.T, their_parent, (hidden[:, level_children] * n[:, level_children]).T)
            hidden_sum += sub[:, parents]
            need = present[:, parents] & ~hidden[:, parents] & (hidden_sum > 0) & (hidden_sum < threshold)
            if not need.any():
                break
            need_by_unit = np.zeros(n.shape, dtype=bool)
            need_by_unit[:, parents] = need
            candidate = (
                (~hidden[:, level_children]) & (n[:, level_children] > 0) & need_by_unit[:, their_parent]
            )
            value = np.where(candidate, n[:, level_children] + tiebreak, np.inf)
            smallest = np.minimum.reduceat(value, starts, axis=1)
            has_candidate = np.isfinite(smallest)
            chosen = candidate & (
                value == np.repeat(smallest, np.diff(np.append(starts, level_children.size)), axis=1)
            )
            hidden[:, level_children] |= chosen
            stuck = need & ~has_candidate
            hidden[:, parents] |= stuck
    return hidden


@dataclass(frozen=True)
class Relations:
    """Exact sums between cells: ``cell[parent[r]] = Σ cell[member_cell[m]]`` for ``member_relation[m] == r``.

    Built with :func:`grid_relations`; every part of a parent is a member (a unit's own responses and the
    respondents who skipped a background question are cells of their own, never released), so each sum
    is exact.
    """

    parent: NDArray[np.int64]
    member_relation: NDArray[np.int64]
    member_cell: NDArray[np.int64]

    def incidence(self, n_cells: int) -> _Incidence:
        """Where each of ``n_cells`` cells occurs (built once per grid size and kept)."""
        if n_cells not in self._incidences:
            self._incidences[n_cells] = _Incidence.of(self, n_cells)
        return self._incidences[n_cells]

    @cached_property
    def _incidences(self) -> dict[int, _Incidence]:
        return {}

    @classmethod
    def join(cls, parts: Sequence[Relations]) -> Relations:
        """One set of relations from several (relation numbers are renumbered)."""
        offsets = np.cumsum([0] + [len(p.parent) for p in parts])
        return cls(
            np.concatenate([p.parent for p in parts] or [np.zeros(0, np.int64)]).astype(np.int64),
            np.concatenate(
                [p.member_relation + o for p, o in zip(parts, offsets, strict=False)]
                or [np.zeros(0, np.int64)]
            ).astype(np.int64),
            np.concatenate([p.member_cell for p in parts] or [np.zeros(0, np.int64)]).astype(np.int64),
        )


def grid_relations(shape: tuple[int, ...], axis: int, sums: Sequence[tuple[int, Sequence[int]]]) -> Relations:
    """Relations of a grid of cells (flattened in C order) along one ``axis``.

    ``sums`` lists ``(parent position, child positions)`` on that axis (a quarter and its months, a unit
    and its children); each holds for every combination of positions on the other axes.
    """
    index = np.arange(int(np.prod(shape)), dtype=np.int64).reshape(shape)
    lines = np.moveaxis(index, axis, -1).reshape(-1, shape[axis])
    parents, relations, cells = [], [], []
    count = 0
    for parent, children in sums:
        kids = np.asarray(children, dtype=np.int64)
        if kids.size == 0:
            continue
        ids = count + np.arange(lines.shape[0], dtype=np.int64)
        parents.append(lines[:, parent])
        relations.append(np.repeat(ids, kids.size))
        cells.append(lines[:, kids].ravel())
        count += lines.shape[0]
    empty = np.zeros(0, dtype=np.int64)
    return Relations(
        np.concatenate(parents) if parents else empty,
        np.concatenate(relations) if relations else empty,
        np.concatenate(cells) if cells else empty,
    )


@dataclass(frozen=True)
class _Incidence:
    """Where each cell occurs in the relations, for propagating what a reader learns one cell at a time."""

    member_start: NDArray[np.int64]  # relation r's members: members[member_start[r]:member_start[r + 1]]
    members: NDArray[np.int64]
    as_member_start: NDArray[np.int64]  # cell c is a member of as_member[as_member_start[c]:…[c + 1]]
    as_member: NDArray[np.int64]
    as_parent_start: NDArray[np.int64]  # cell c is the parent of as_parent[as_parent_start[c]:…[c + 1]]
    as_parent: NDArray[np.int64]

    @classmethod
    def of(cls, relations: Relations, n_cells: int) -> _Incidence:
        def grouped(
            keys: NDArray[np.int64], values: NDArray[np.int64], n: int
        ) -> tuple[NDArray[np.int64], ...]:
            order = np.argsort(keys, kind="stable")
            start = np.concatenate([[0], np.cumsum(np.bincount(keys, minlength=n))]).astype(np.int64)
            return start, values[order]

        n_rel = len(relations.parent)
        return cls(
            *grouped(relations.member_relation, relations.member_cell, n_rel),
            *grouped(relations.member_cell, relations.member_relation, n_cells),
            *grouped(relations.parent, np.arange(n_rel, dtype=np.int64), n_cells),
        )


def _gather(
    start: NDArray[np.int64], values: NDArray[np.int64], keys: NDArray[np.int64]
) -> NDArray[np.int64]:
    """``values[start[k]:start[k + 1]]`` for every k of ``keys``, concatenated."""
    lengths = start[keys + 1] - start[keys]
    if not lengths.any():
        return np.zeros(0, dtype=np.int64)
    offsets = np.repeat(start[keys] - np.cumsum(lengths) + lengths, lengths)
    return values[offsets + np.arange(int(lengths.sum()))]


def derivable(
    released: NDArray[np.bool_], relations: Relations, counts: NDArray[np.int64] | None = None
) -> NDArray[np.bool_]:
    """The cells a reader knows: the released ones and every cell that follows from them by differencing.

    A relation whose members and parent are all known but one gives that one (the parent as the sum, a
    member as the parent minus the others); with ``counts``, a relation whose known parent equals its known
    members gives every unknown member as 0 (counts are never negative); repeated until nothing new follows.
    What a newly known cell changes is followed through the relations it occurs in, so the work grows with
    what is learned, not with the rounds times the grid.
    """
    known = released.copy()
    n_rel = len(relations.parent)
    if n_rel == 0:
        return known
    at = relations.incidence(known.size)
    weights = np.zeros(known.size) if counts is None else counts.astype(np.float64)
    unknown_members = np.bincount(
        relations.member_relation, weights=~known[relations.member_cell], minlength=n_rel
    ).astype(np.int64)
    unknown_total = np.bincount(
        relations.member_relation,
        weights=np.where(known[relations.member_cell], 0.0, weights[relations.member_cell]),
        minlength=n_rel,
    )
    parent_known = known[relations.parent]
    touched = np.arange(n_rel, dtype=np.int64)
    while touched.size:
        rk, pk, left = unknown_members[touched], parent_known[touched], unknown_total[touched]
        # the parent follows from known members; one unknown member follows from a known parent; with
        # counts, unknown members that together hold nothing are each known to be empty
        gives_parent = touched[~pk & (rk == 0)]
        gives_members = touched[pk & ((rk == 1) | ((rk > 0) & (left == 0) & (counts is not None)))]
        candidates = np.concatenate(
            [relations.parent[gives_parent], _gather(at.member_start, at.members, gives_members)]
        )
        new = np.unique(candidates[~known[candidates]])
        if new.size == 0:
            break
        known[new] = True
        as_member = _gather(at.as_member_start, at.as_member, new)
        counted = np.repeat(new, at.as_member_start[new + 1] - at.as_member_start[new])
        np.subtract.at(unknown_members, as_member, 1)
        np.subtract.at(unknown_total, as_member, weights[counted])
        as_parent = _gather(at.as_parent_start, at.as_parent, new)
        parent_known[as_parent] = True
        touched = np.unique(np.concatenate([as_member, as_parent]))
    return known


def linked_suppression(
    counts: NDArray[np.int64],
    releasable: NDArray[np.bool_],
    relations: Relations,
    *,
    threshold: int,
    known_empty: NDArray[np.bool_] | None = None,
) -> NDArray[np.bool_]:
    """Which cells to release so that no group of 1 … ``threshold − 1`` respondents can be recovered.

    Parameters
    ----------
    counts : ndarray of int (cells,)
        Respondents of every cell (flattened grid), including the cells never released on their own.
    releasable : ndarray of bool (cells,)
        Cells a reader could be given at all (False: a unit's own responses, cells without a table).
    relations : Relations
        The exact sums between cells.
    threshold : int
        The survey's anonymity threshold (:func:`kundpuls.reports.anonymity.survey_thresholds`).
    known_empty : ndarray of bool (cells,), optional
        Empty cells a reader can tell are empty. Default: every empty releasable cell (a page says "no
        answers" where a cell has none, which differs from a hidden cell). The caller adds what else a
        reader can know, such as the own responses of a unit that only groups others.

    Returns
    -------
    ndarray of bool (cells,): True where the cell may be released.

    The reader is taken to know every released cell, the empty cells of ``known_empty``, and what follows
    from them (:func:`derivable` with the counts: also that hidden cells whose sum is known to be 0 are
    each empty). An empty cell protects nothing: a hidden cell must be hidden behind hidden *respondents*.

    The rule, applied until it holds everywhere (each step hides a cell or marks one, so it ends):

    1. A cell with fewer than ``threshold`` respondents is not released (primary suppression).
    2. In every relation whose parent the reader knows (released, or derived from released cells), the
       members she does not know hold together 0 or at least ``threshold`` respondents.
    3. No cell the reader can derive holds 1 … ``threshold − 1`` respondents.

    A relation that breaks 2 or 3 loses its smallest released member (complementary suppression, the
    smallest first so that as little as possible is hidden). When it has no released member left, the
    derivation of its smallest derived member is cut instead: that member is marked, and every relation
    that derives a marked cell is treated like one that derives a small cell. Only when neither is
    possible is the relation's parent hidden.
    """
    released = releasable & (counts >= threshold)
    n_rel = len(relations.parent)
    if n_rel == 0:
        return released
    small = (counts > 0) & (counts < threshold)
    marked = np.zeros_like(released)
    member_counts = counts[relations.member_cell]
    sizes = np.bincount(relations.member_relation, minlength=n_rel)

    def per_relation(values: NDArray[np.generic]) -> NDArray[np.float64]:
        return np.asarray(
            np.bincount(relations.member_relation, weights=values, minlength=n_rel), dtype=np.float64
        )

    def smallest(relation: NDArray[np.int64], cell: NDArray[np.int64]) -> tuple[NDArray[np.int64], ...]:
        """Per relation, its member with the fewest respondents: (relations, cells)."""
        order = np.lexsort((cell, counts[cell], relation))
        _, first = np.unique(relation[order], return_index=True)
        return relation[order][first], cell[order][first]

    def mend(
        leaking: NDArray[np.bool_],
        known: NDArray[np.bool_],
        exposed: NDArray[np.bool_],
        *,
        cut_first: bool,
        force: bool,
    ) -> bool:
        """Hide or mark one cell in each leaking relation; whether anything changed.

        A member is preferred to the parent, the smallest first: a released member is hidden, a derived
        one marked (its derivation is then cut where it starts). ``cut_first`` tries derived members
        before released ones: where a small cell is derived, the complementary cells hidden so far are
        usually what derives it, and cutting their derivation hides a rectangle instead of a chain.
        """
        before = (int(released.sum()), int(marked.sum()))
        cell, relation, parent = relations.member_cell, relations.member_relation, relations.parent
        usable = leaking[relation] & (member_counts > 0)
        derived = known & ~released & ~exposed
        rest = leaking.copy()
        for hide in (False, True) if cut_first else (True, False):
            take = usable & rest[relation] & (released[cell] if hide else derived[cell])
            done, chosen = smallest(relation[take], cell[take])
            if hide:
                released[chosen] = False
            else:
                marked[chosen] = True
            rest[done] = False
        # then the parent (hidden when released, its derivation cut when derived), unless a member is
        # exposed (a small cell the reader derives, or one whose derivation is being cut): cutting that
        # member's derivation where it starts, often a sibling in another sum, usually closes this leak
        # too, so the parent waits unless nothing else can change
        if not force:
            rest &= per_relation(exposed[cell]) == 0
        released[parent[rest & released[parent]]] = False
        marked[parent[rest & derived[parent]]] = True
        return (int(released.sum()), int(marked.sum())) != before

    empty = (counts == 0) & (releasable if known_empty is None else known_empty)
    while True:
        known = derivable(released | empty, relations, counts)
        hidden_sum = per_relation(np.where(known[relations.member_cell], 0, member_counts))
        sums_leak = known[relations.parent] & (hidden_sum > 0) & (hidden_sum < threshold)
        exposed = known & (small | marked)
        if sums_leak.any() and mend(sums_leak, known, exposed, cut_first=True, force=False):
            continue  # a derived cell is mended only once no sum leaks: one fix often mends both
        full = known[relations.parent] & (per_relation(known[relations.member_cell]) == sizes)
        # a relation derives an exposed cell from the others when it is its only exposed cell (with two,
        # each needs the other: cutting their other derivations leaves rule 2 to check their sum)
        derives = full & (exposed[relations.parent] + per_relation(exposed[relations.member_cell]) == 1)
        leaking = sums_leak | derives
        if not leaking.any():
            return released
        if not any(mend(leaking, known, exposed, cut_first=True, force=force) for force in (False, True)):
            released[:] = False  # cannot happen with exact sums; rather release nothing than leak
            return released


def exactly_determined(known: NDArray[np.bool_], relations: Relations) -> NDArray[np.bool_]:
    """The unknown cells whose value follows from the ``known`` ones by *any* combination of the sums.

    :func:`derivable` takes one sum at a time; a reader who solves the whole system at once (exact linear
    algebra) can also combine several sums that each hold two or more unknown cells, such as a 2 × 2
    block of hidden months × values whose row and column sums are shown. A cell is determined when its
    unit vector lies in the row space of the sums restricted to the unknown cells; that is checked per
    connected group of unknown cells with a pivoted QR decomposition (the squared norm of the cell's row
    of an orthonormal basis of the row space is 1 exactly when it lies in it).

    This is an audit, not the rule: it takes seconds to minutes on a survey's grid (``benchmarks/
    disclosure.py --audit``), and :func:`linked_suppression` does not yet call it (docs/methods.md).
    """
    from scipy import linalg, sparse
    from scipy.sparse.csgraph import connected_components

    unknown = ~known
    n_rel = len(relations.parent)
    rows = np.concatenate([np.arange(n_rel, dtype=np.int64), relations.member_relation])
    cols = np.concatenate([relations.parent, relations.member_cell])
    signs = np.concatenate([np.ones(n_rel), -np.ones(relations.member_cell.size)])
    keep = unknown[cols]
    matrix = sparse.csr_matrix((signs[keep], (rows[keep], cols[keep])), shape=(n_rel, known.size))
    matrix = matrix[np.flatnonzero(np.diff(matrix.indptr) > 0)]
    pattern = abs(matrix)
    _, group = connected_components(pattern.T @ pattern, directed=False)
    determined = np.zeros_like(known)
    cells_of = np.flatnonzero(unknown)
    for label in np.unique(group[cells_of]):
        cells = cells_of[group[cells_of] == label]
        block = matrix[:, cells]
        block = block[np.flatnonzero(np.diff(block.indptr) > 0)].toarray()
        if block.size == 0:
            continue
        basis, triangle, _ = linalg.qr(block.T, mode="economic", pivoting=True)
        diagonal = np.abs(np.diag(triangle))
        rank = int((diagonal > 1e-9 * max(float(diagonal.max(initial=0.0)), 1.0)).sum())
        leverage = (basis[:, :rank] ** 2).sum(axis=1)
        determined[cells[leverage > 1.0 - 1e-8]] = True
    return determined
