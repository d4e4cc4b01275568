"""Anonymity: hide small cells of a table, and enough other cells that the hidden ones cannot be recovered.

Primary suppression hides every cell with ``0 < n < threshold`` (default 7, the SKR Insikt rule,
docs/methods.md §1.10). Complementary suppression then hides further cells so that no hidden cell can be
worked out from what is published: a row or column total, or a parent total minus its other children. A hidden
cell is *recoverable* when its value follows from the published sums by linear algebra, i.e. the unit vector
of the cell lies in the row space of the published equations restricted to the hidden cells. The algorithm:

1. in every published sum ("line") with exactly one hidden cell, also hide the smallest non-empty visible
   cell of that line (a line with a single hidden cell gives it away by subtraction);
2. check every hidden cell for recoverability through combinations of lines (null space of the constraint
   matrix) and, with non-negative counts, by linear programming (its smallest and largest possible value
   coincide); for a recoverable cell hide one more cell in one of its lines, and repeat.

Cells of a published line whose total is 0 are known to be 0 and never serve as complements.

A published total that is itself under the threshold (e.g. a row with 3 respondents in all) is withheld, and
so is a total whose line has no visible cell left to hide (e.g. a parent with one child); both are reported
in :attr:`SuppressionResult.withheld_totals`.

References
----------
Hundepool, A. et al. (2012). *Statistical Disclosure Control*. Wiley, ch. 4 (primary and secondary cell
suppression in tabular data). docs/methods.md conventions; docs/architecture.md, privacy defaults.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from kundpuls.errors import InvalidArgument
from kundpuls.stats.validation import FloatArray, as_float_array, check_threshold


@dataclass(frozen=True)
class SuppressionResult:
    """Which cells of a table may not be shown.

    Attributes
    ----------
    hidden : ndarray of bool
        Cells to hide (primary or complementary), same shape as the counts.
    primary : ndarray of bool
        Cells under the threshold.
    complementary : ndarray of bool
        Cells hidden only to protect the primary ones.
    withheld_totals : tuple of str
        Published sums that must be withheld because no cell was left to protect them.
    """

    hidden: NDArray[np.bool_]
    primary: NDArray[np.bool_]
    complementary: NDArray[np.bool_]
    withheld_totals: tuple[str, ...]

    def apply(self, values: ArrayLike) -> FloatArray:
        """Return ``values`` as floats with every hidden cell set to NaN."""
        array = np.array(values, dtype=np.float64)
        if array.shape != self.hidden.shape:
            raise InvalidArgument(
                f"values: shape {array.shape} differs from the table's {self.hidden.shape}",
                field="values",
                value=array.shape,
            )
        array[self.hidden] = np.nan
        return array


def table_lines(
    shape: tuple[int, int],
    *,
    margins: bool = True,
    row_groups: Sequence[Sequence[int]] = (),
    hierarchy: Sequence[tuple[int, Sequence[int]]] = (),
) -> list[tuple[str, NDArray[np.int64], NDArray[np.float64]]]:
    """The published linear relations of a table as (name, flat cell indices, coefficients).

    ``margins``: every row and column total is published (relation: the cells of the line sum to a known
    total). ``row_groups``: the sum of these rows is published per column (a parent outside the table).
    ``hierarchy``: (parent row, child rows) with the parent row inside the table, so
    ``parent − Σ children = 0``
    per column.
    """
    rows, cols = shape
    flat = np.arange(rows * cols).reshape(shape)
    lines: list[tuple[str, NDArray[np.int64], NDArray[np.float64]]] = []
    if margins:
        # A total over a single cell is the cell itself, so only lines of two or more cells count.
        if cols > 1:
            for i in range(rows):
                lines.append((f"row {i} total", flat[i, :], np.ones(cols)))
        if rows > 1:
            for j in range(cols):
                lines.append((f"column {j} total", flat[:, j], np.ones(rows)))
    for g, group in enumerate(row_groups):
        members = _rows(group, rows, name="row_groups")
        for j in range(cols):
            lines.append((f"group {g} column {j} total", flat[members, j], np.ones(len(members))))
    for parent, children in hierarchy:
        parent_row = _rows([parent], rows, name="hierarchy")[0]
        members = _rows(children, rows, name="hierarchy")
        if parent_row in members:
            raise InvalidArgument(
                f"hierarchy: row {parent_row} is its own child", field="hierarchy", value=parent
            )
        for j in range(cols):
            cells = np.concatenate([[flat[parent_row, j]], flat[members, j]])
            coefficients = np.concatenate([[1.0], -np.ones(len(members))])
            lines.append((f"parent row {parent_row} column {j}", cells, coefficients))
    return lines


def _rows(group: Sequence[int], rows: int, *, name: str) -> list[int]:
    members = [int(r) for r in group]
    bad = [r for r in members if not 0 <= r < rows]
    if bad or not members:
        raise InvalidArgument(
            f"{name}: row {bad[0] if bad else None} is not in the table", field=name, value=group
        )
    return members


def recoverable_cells(
    hidden: NDArray[np.bool_], lines: Sequence[tuple[str, np.ndarray, np.ndarray]]
) -> NDArray[np.bool_]:
    """Hidden cells whose value follows exactly from the published lines (flat boolean mask).

    A hidden cell j is recoverable iff ``e_j`` lies in the row space of the constraint matrix restricted to
    the
    hidden cells, i.e. every vector of its null space is 0 at j.
    """
    flat_hidden = hidden.ravel()
    hidden_idx = np.flatnonzero(flat_hidden)
    out = np.zeros(flat_hidden.shape[0], dtype=bool)
    if hidden_idx.size == 0:
        return out
    position = {int(c): k for k, c in enumerate(hidden_idx)}
    rows = []
    for _name, cells, coefficients in lines:
        row = np.zeros(hidden_idx.size)
        for cell, coefficient in zip(cells, coefficients, strict=True):
            k = position.get(int(cell))
            if k is not None:
                row[k] += coefficient
        if row.any():
            rows.append(row)
    if not rows:
        return out
    matrix = np.array(rows)
    _u, singular, vt = np.linalg.svd(matrix, full_matrices=True)
    tolerance = max(matrix.shape) * np.finfo(float).eps * (singular[0] if singular.size else 0.0) * 10
    rank = int(np.sum(singular > tolerance))
    null_basis = vt[rank:]
    determined = (
        np.linalg.norm(null_basis, axis=0) < 1e-9 if null_basis.size else np.ones(hidden_idx.size, bool)
    )
    out[hidden_idx[determined]] = True
    return out


def pinned_cells(
    values: FloatArray, hidden: NDArray[np.bool_], lines: Sequence[tuple[str, np.ndarray, np.ndarray]]
) -> NDArray[np.bool_]:
    """Hidden cells whose value is forced by the published sums together with ``cell ≥ 0`` (flat mask).

    For every hidden cell the smallest and largest value consistent with the published lines and
    non-negative hidden cells are found by linear programming (HiGHS); a cell is pinned when they coincide.
    This catches disclosures that pure linear algebra misses, e.g. a published total of 0 next to a hidden
    cell.
    """
    from scipy.optimize import linprog

    flat_hidden = hidden.ravel()
    hidden_idx = np.flatnonzero(flat_hidden)
    out = np.zeros(flat_hidden.shape[0], dtype=bool)
    if hidden_idx.size == 0:
        return out
    position = {int(c): k for k, c in enumerate(hidden_idx)}
    a_eq, b_eq = [], []
    for _name, cells, coefficients in lines:
        row = np.zeros(hidden_idx.size)
        rest = 0.0
        for cell, coefficient in zip(cells, coefficients, strict=True):
            k = position.get(int(cell))
            if k is None:
                rest += coefficient * values[cell]
            else:
                row[k] += coefficient
        if row.any():
            a_eq.append(row)
            b_eq.append(float(np.dot(coefficients, values[cells])) - rest)
    if not a_eq:
        return out
    matrix = np.array(a_eq)
    for k, cell in enumerate(hidden_idx):
        objective = np.zeros(hidden_idx.size)
        objective[k] = 1.0
        low = linprog(objective, A_eq=matrix, b_eq=b_eq, bounds=(0, None), method="highs")
        high = linprog(-objective, A_eq=matrix, b_eq=b_eq, bounds=(0, None), method="highs")
        if low.status == 0 and high.status == 0 and (-high.fun) - low.fun < 1e-7:
            out[cell] = True
    return out


def suppress_table(
    counts: ArrayLike,
    *,
    threshold: int = 7,
    margins: bool = True,
    row_groups: Sequence[Sequence[int]] = (),
    hierarchy: Sequence[tuple[int, Sequence[int]]] = (),
    suppress_zeros: bool = False,
) -> SuppressionResult:
    """Apply the anonymity threshold and complementary suppression to a table of counts.

    Parameters
    ----------
    counts : array_like, shape (rows, columns) or (rows,)
        Respondents per cell (a 1-D array is one column, e.g. units under one parent).
    threshold : int, default 7
        Cells with ``0 < n < threshold`` are hidden (primary suppression).
    margins : bool, default True
        Row and column totals are published.
    row_groups : sequence of sequences of int
        Groups of rows whose sum is published elsewhere (a parent unit outside the table).
    hierarchy : sequence of (parent row, child rows)
        Parent rows inside the table that equal the sum of their child rows.
    suppress_zeros : bool, default False
        Also treat empty cells (n = 0) as primary.

    Returns
    -------
    SuppressionResult

    Examples
    --------
    >>> r = suppress_table([[20, 3, 15], [12, 18, 9], [30, 25, 40]])
    >>> r.hidden.astype(int).tolist()
    [[0, 1, 1], [0, 1, 1], [0, 0, 0]]
    """
    threshold = check_threshold(threshold)
    table = as_float_array(counts, name="counts")
    one_d = table.ndim == 1
    if one_d:
        table = table.reshape(-1, 1)
    if table.ndim != 2:
        raise InvalidArgument(
            f"counts: expected a 1- or 2-dimensional table, got shape {table.shape}", field="counts"
        )
    if np.isnan(table).any() or (table < 0).any():
        raise InvalidArgument("counts: cells must be non-negative counts without NaN", field="counts")
    shape = (int(table.shape[0]), int(table.shape[1]))
    lines = table_lines(shape, margins=margins, row_groups=row_groups, hierarchy=hierarchy)
    primary = (table < threshold) & ((table > 0) | suppress_zeros)
    hidden = primary.copy().ravel()
    values = table.ravel()
    active: list[int] = []
    withheld: list[str] = []
    for li, (name, cells, coefficients) in enumerate(lines):
        published = float(np.dot(coefficients, values[cells]))
        if (coefficients > 0).all() and 0 < published < threshold:
            # A published total under the threshold is itself a small count: it must be withheld.
            withheld.append(name)
        else:
            active.append(li)

    def known_zero() -> NDArray[np.bool_]:
        """Cells of an active, published all-positive line whose total is 0: everyone can see they are 0."""
        zero = np.zeros(values.shape[0], dtype=bool)
        for li in active:
            _name, cells, coefficients = lines[li]
            if (coefficients > 0).all() and float(values[cells].sum()) == 0.0:
                zero[cells] = True
        return zero

    def protect(line_index: int) -> bool:
        """Hide the smallest visible cell of a line that is not known to be 0; False if there is none."""
        _name, cells, _coefficients = lines[line_index]
        zero = known_zero()
        visible = [int(c) for c in cells if not hidden[c] and not zero[c]]
        if not visible:
            return False
        positive = [c for c in visible if values[c] > 0]
        choice = min(positive or visible, key=lambda c: (values[c], c))
        hidden[choice] = True
        return True

    def withhold(line_index: int) -> None:
        active.remove(line_index)
        withheld.append(lines[line_index][0])

    for _round in range(hidden.size + len(lines) + 1):
        changed = True
        while changed:
            changed = False
            for li in list(active):
                if int(hidden[lines[li][1]].sum()) == 1:
                    if not protect(li):
                        withhold(li)
                    changed = True
        current = [lines[li] for li in active]
        exposed = recoverable_cells(hidden.reshape(shape), current)
        if not exposed.any():
            exposed = pinned_cells(values, hidden, current)
        if not exposed.any():
            break
        cell = int(np.flatnonzero(exposed)[0])
        containing = [li for li in active if cell in {int(c) for c in lines[li][1]}]
        containing.sort(key=lambda li: int(hidden[lines[li][1]].sum()))
        if not any(protect(li) for li in containing):
            withhold(containing[0])
    hidden_table = hidden.reshape(shape)
    primary_table = primary.reshape(shape)
    if one_d:
        hidden_table, primary_table = hidden_table[:, 0], primary_table[:, 0]
    return SuppressionResult(
        hidden=hidden_table,
        primary=primary_table,
        complementary=hidden_table & ~primary_table,
        withheld_totals=tuple(withheld),
    )
