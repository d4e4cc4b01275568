"""Anonymity threshold and complementary suppression of tables."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy.optimize import linprog

from kundpuls.errors import InvalidArgument
from kundpuls.stats.suppression import recoverable_cells, suppress_table, table_lines


def published_range(table: np.ndarray, hidden: np.ndarray, lines, cell: int) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    """Smallest and largest value of a hidden cell consistent with every published sum (LP, cells ≥ 0)."""
    flat = table.ravel()
    hidden_idx = np.flatnonzero(hidden.ravel())
    position = {int(c): k for k, c in enumerate(hidden_idx)}
    a_eq, b_eq = [], []
    for _name, cells, coefficients in lines:
        row = np.zeros(hidden_idx.size)
        known = 0.0
        for c, coef in zip(cells, coefficients, strict=True):
            if int(c) in position:
                row[position[int(c)]] += coef
            else:
                known += coef * flat[c]
        if row.any():
            total = float(np.dot(coefficients, flat[cells]))
            a_eq.append(row)
            b_eq.append(total - known)
    if not a_eq:
        return 0.0, float("inf")
    objective = np.zeros(hidden_idx.size)
    objective[position[cell]] = 1.0
    low = linprog(objective, A_eq=np.array(a_eq), b_eq=b_eq, bounds=(0, None), method="highs")
    high = linprog(-objective, A_eq=np.array(a_eq), b_eq=b_eq, bounds=(0, None), method="highs")
    return float(low.fun), float("inf") if high.status == 3 else float(-high.fun)


def test_it_hides_a_small_cell_and_its_complements_in_row_and_column() -> None:
    r = suppress_table([[20, 3, 15], [12, 18, 9], [30, 25, 40]])
    assert r.primary.astype(int).tolist() == [[0, 1, 0], [0, 0, 0], [0, 0, 0]]
    assert r.hidden.astype(int).tolist() == [[0, 1, 1], [0, 1, 1], [0, 0, 0]]
    assert r.complementary.sum() == 3


def test_a_unit_under_a_parent_cannot_be_recovered_as_parent_minus_siblings() -> None:
    r = suppress_table([20, 3, 15, 12])
    assert r.hidden.tolist() == [False, True, False, True]
    shown = r.apply([20, 3, 15, 12])
    assert np.isnan(shown[1]) and np.isnan(shown[3]) and shown[0] == 20


def test_a_parent_row_inside_the_table_protects_its_children() -> None:
    counts = [[40], [20], [3], [17]]
    r = suppress_table(counts, margins=False, hierarchy=[(0, [1, 2, 3])])
    assert r.hidden[:, 0].tolist() == [False, False, True, True]


def test_a_lone_child_makes_the_published_total_withheld() -> None:
    r = suppress_table([[3]], margins=False, row_groups=[[0]])
    assert r.hidden.tolist() == [[True]]
    assert r.withheld_totals == ("group 0 column 0 total",)


def test_empty_cells_are_not_primary_unless_asked() -> None:
    assert not suppress_table([[0, 10], [10, 10]]).hidden.any()
    assert suppress_table([[0, 10], [10, 10]], suppress_zeros=True).hidden.all()


def test_the_null_space_check_finds_a_bridge_that_line_counting_misses() -> None:
    # Two hidden 2x2 cycles joined by the single cell (1, 2): every row and column has 0 or ≥ 2 hidden
    # cells, yet the bridge equals (rows 2-3 hidden sum) − (columns 2-3 hidden sum) in published totals.
    hidden = np.zeros((4, 4), dtype=bool)
    hidden[np.ix_([0, 1], [0, 1])] = True
    hidden[np.ix_([2, 3], [2, 3])] = True
    hidden[1, 2] = True
    lines = table_lines((4, 4))
    counts_per_line = [int(hidden.ravel()[cells].sum()) for _n, cells, _c in lines]
    assert 1 not in counts_per_line
    exposed = recoverable_cells(hidden, lines).reshape(4, 4)
    assert exposed.tolist() == (np.arange(16).reshape(4, 4) == 6).tolist()


def test_suppression_repairs_an_exposed_bridge() -> None:
    table = np.array([[2, 9, 30, 30], [9, 3, 8, 30], [30, 30, 4, 9], [30, 30, 9, 5]])
    r = suppress_table(table)
    assert not recoverable_cells(r.hidden, table_lines((4, 4))).any()


def test_a_total_under_the_threshold_is_withheld() -> None:
    r = suppress_table([[1, 0], [0, 20]])
    assert "row 0 total" in r.withheld_totals and "column 0 total" in r.withheld_totals


def test_apply_rejects_a_table_of_another_shape() -> None:
    r = suppress_table([[20, 3], [12, 18]])
    with pytest.raises(InvalidArgument, match="values: shape"):
        r.apply([1, 2, 3])


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"counts": [[1, -2]]}, "counts: cells must be non-negative"),
        ({"counts": [[1, 2]], "threshold": -1}, "threshold: -1"),
        ({"counts": [[1], [2]], "row_groups": [[5]]}, "row_groups: row 5"),
        ({"counts": [[1], [2]], "hierarchy": [(0, [0, 1])]}, "hierarchy: row 0 is its own child"),
    ],
)
def test_it_rejects_bad_input(kwargs, message) -> None:  # type: ignore[no-untyped-def]
    counts = kwargs.pop("counts")
    with pytest.raises(InvalidArgument, match=message):
        suppress_table(counts, **kwargs)


tables = st.tuples(st.integers(2, 5), st.integers(2, 5)).flatmap(
    lambda shape: arrays(np.int64, shape, elements=st.sampled_from([0, 1, 2, 4, 6, 8, 12, 20, 35]))
)


@pytest.mark.slow
@settings(max_examples=40, deadline=None)
@given(tables)
def test_no_hidden_cell_can_be_worked_out_from_the_published_totals(table: np.ndarray) -> None:
    r = suppress_table(table)
    lines = [line for line in table_lines(table.shape) if line[0] not in r.withheld_totals]
    assert (r.hidden | ~r.primary).all()  # every primary cell is hidden
    for _name, cells, _coefficients in lines:
        assert int(r.hidden.ravel()[cells].sum()) != 1
    assert not recoverable_cells(r.hidden, lines).any()
    for cell in np.flatnonzero(r.hidden.ravel()):
        low, high = published_range(table.astype(float), r.hidden, lines, int(cell))
        assert high - low > 1e-9, f"cell {cell} is pinned to {low}"
