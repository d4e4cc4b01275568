"""Primary and complementary suppression in the unit tree."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from kundpuls.analytics.suppression import suppressed_cells
from kundpuls.analytics.unit_tree import UnitTree

# root r with children a, b, c; a has children a1, a2
TREE = UnitTree.from_paths({"a1": "/r/a/a1/", "a2": "/r/a/a2/", "b": "/r/b/", "c": "/r/c/"})


def _rolled(own: dict[str, int]) -> np.ndarray:
    """Rolled-up counts (one slice) from each unit's own responses."""
    counts = np.zeros((1, len(TREE.codes)), dtype=np.int64)
    for code, n in own.items():
        for j, unit in enumerate(TREE.codes):
            if unit in TREE.path_codes(code):
                counts[0, j] += n
    return counts


def _hidden(own: dict[str, int], threshold: int = 7) -> set[str]:
    counts = _rolled(own)
    mask = suppressed_cells(counts, counts > 0, TREE, threshold=threshold)
    return {code for code, hide in zip(TREE.codes, mask[0], strict=True) if hide}


def test_it_hides_cells_under_the_threshold_and_nothing_else_when_safe():
    assert _hidden({"a1": 20, "a2": 30, "b": 40, "c": 50}) == set()
    assert _hidden({"a1": 20, "a2": 30, "b": 40, "c": 50}, threshold=25) == {"a1"} | {"a2"}


def test_a_single_small_child_takes_its_smallest_sibling_with_it():
    # b (3) alone would be r − a − c; c (50) is the smallest visible sibling, so c is hidden as well
    assert _hidden({"a1": 40, "a2": 60, "b": 3, "c": 50}) == {"b", "c"}


def test_a_parents_own_small_group_is_protected_by_hiding_a_child():
    # a's own 2 responses equal a − a1 − a2 when both children are shown
    assert _hidden({"a": 2, "a1": 30, "a2": 20, "b": 40, "c": 50}) == {"a2"}


def test_protection_moves_up_the_tree_when_a_whole_branch_is_small():
    # a = a1 = 3 is under the threshold; r − b − c would recover a, so b (40, smaller than c) is hidden too
    assert _hidden({"a1": 3, "a2": 0, "b": 40, "c": 50}) == {"a", "a1", "b"}


@st.composite
def own_counts(draw):
    return {code: draw(st.integers(0, 15)) for code in ("a", "a1", "a2", "b", "c", "r")}


@settings(max_examples=100, deadline=None)
@given(own=own_counts(), threshold=st.integers(2, 10))
def test_no_hidden_group_under_the_threshold_can_be_recovered_from_a_shown_parent(own, threshold):
    counts = _rolled(own)
    present = counts > 0
    mask = suppressed_cells(counts, present, TREE, threshold=threshold)[0]
    n = dict(zip(TREE.codes, counts[0], strict=True))
    hidden = dict(zip(TREE.codes, mask, strict=True))
    for code in TREE.codes:
        if present[0, TREE.codes.index(code)] and not hidden[code]:
            assert n[code] >= threshold
    for parent in TREE.codes:
        children = TREE.children(parent)
        if not children or hidden[parent] or n[parent] == 0:
            continue
        own_part = n[parent] - sum(n[c] for c in children)
        hidden_total = own_part + sum(n[c] for c in children if hidden[c])
        assert hidden_total == 0 or hidden_total >= threshold
