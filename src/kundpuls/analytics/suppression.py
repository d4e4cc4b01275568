"""Anonymity: primary suppression (n below the threshold) and complementary suppression in the unit tree.

In a rolled-up table a parent's count and sums are the totals of its children plus its own direct
responses, which are never shown on their own. If a parent is shown while the hidden parts under it (its
direct responses and its suppressed children) add up to between 1 and ``threshold − 1`` respondents,
subtracting the shown children from the parent recovers that small group. Complementary suppression
therefore hides, for each shown parent, the smallest shown children until the hidden parts together hold
at least ``threshold`` respondents (or none); a parent without such a child is hidden itself, which its
own parent then takes into account. Parents are handled from the deepest level up, so one pass suffices.

This protects one table: each (period, segment, item) slice of the unit tree. Differences between tables
(a month against its quarter, a segment against the total) are not covered; report such combinations
with a stricter threshold.
"""

from __future__ import annotations

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
