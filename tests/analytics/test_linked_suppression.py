"""The linked rule across tables: no group under the threshold follows from the released cells.

A small grid of the kind :mod:`kundpuls.reports.disclosure` builds — a parent with two children and
its own responses × three months, their quarter × the whole group, two values and "skipped" — filled
with random counts; after :func:`linked_suppression` every cell whose membership vector (over the
atoms: unit-own × month × value) lies in the span of the released cells' vectors must hold 0 or at
least the threshold's respondents (exact linear algebra, however many subtractions it takes).
"""

from __future__ import annotations

import itertools

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from kundpuls.analytics.suppression import Relations, grid_relations, linked_suppression

# units: 0 parent (rolled up), 1 child a, 2 child b, 3 the parent's own responses (never released)
# periods: 0–2 months, 3 the quarter; segments: 0 whole group, 1 value x, 2 value y, 3 skipped
UNITS, PERIODS, SEGMENTS = 4, 4, 4
LEAVES = (1, 2, 3)
UNIT_ATOMS = {0: LEAVES, 1: (1,), 2: (2,), 3: (3,)}
PERIOD_ATOMS = {0: (0,), 1: (1,), 2: (2,), 3: (0, 1, 2)}
SEGMENT_ATOMS = {0: (1, 2, 3), 1: (1,), 2: (2,), 3: (3,)}
SHAPE = (UNITS, PERIODS, SEGMENTS)
RELATIONS = Relations.join(
    [
        grid_relations(SHAPE, 0, [(0, [1, 2, 3])]),
        grid_relations(SHAPE, 1, [(3, [0, 1, 2])]),
        grid_relations(SHAPE, 2, [(0, [1, 2, 3])]),
    ]
)
ATOMS = list(itertools.product(LEAVES, range(3), (1, 2, 3)))


def _vector(cell: tuple[int, int, int]) -> np.ndarray:
    u, p, s = cell
    chosen = set(itertools.product(UNIT_ATOMS[u], PERIOD_ATOMS[p], SEGMENT_ATOMS[s]))
    return np.array([1.0 if a in chosen else 0.0 for a in ATOMS])


CELLS = list(itertools.product(range(UNITS), range(PERIODS), range(SEGMENTS)))
VECTORS = np.array([_vector(c) for c in CELLS])


def _counts(atoms: dict[tuple[int, int, int], int]) -> np.ndarray:
    weights = np.array([atoms[a] for a in ATOMS], dtype=np.int64)
    return (VECTORS @ weights).astype(np.int64)


def _recovered(counts: np.ndarray, released: np.ndarray, threshold: int) -> list[tuple[int, int, int]]:
    """Cells of 1 … threshold − 1 whose vector is a linear combination of the released cells' vectors."""
    rows = VECTORS[released]
    if rows.size == 0:
        return []
    solution, *_ = np.linalg.lstsq(rows.T, VECTORS.T, rcond=None)
    exact = np.abs(rows.T @ solution - VECTORS.T).max(axis=0) < 1e-8
    small = (counts > 0) & (counts < threshold)
    return [CELLS[i] for i in np.flatnonzero(exact & small)]


@st.composite
def atom_counts(draw: st.DrawFn) -> dict[tuple[int, int, int], int]:
    return {a: draw(st.integers(0, 9)) for a in ATOMS}


@settings(max_examples=150, deadline=None)
@given(atoms=atom_counts(), threshold=st.integers(3, 8))
def test_no_small_group_is_in_the_span_of_the_released_cells(
    atoms: dict[tuple[int, int, int], int], threshold: int
) -> None:
    counts = _counts(atoms)
    releasable = np.array([u != 3 for u, _, _ in CELLS])
    released = linked_suppression(counts, releasable, RELATIONS, threshold=threshold)
    assert not (released & ~releasable).any()
    assert (counts[released] >= threshold).all()
    assert _recovered(counts, released, threshold) == []


def test_when_every_atom_is_large_everything_is_released() -> None:
    counts = _counts(dict.fromkeys(ATOMS, 9))
    releasable = np.array([u != 3 for u, _, _ in CELLS])
    released = linked_suppression(counts, releasable, RELATIONS, threshold=7)
    assert (released == releasable).all()
