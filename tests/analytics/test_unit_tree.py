"""The unit tree from materialised paths."""

from __future__ import annotations

import pytest

from kundpuls.analytics.unit_tree import UnitTree
from kundpuls.errors import NotFound, ValidationError

from .conftest import SMALL_TREE


def test_units_that_only_occur_inside_paths_join_the_tree():
    tree = UnitTree.from_paths(SMALL_TREE)
    assert tree.codes[0] == "1" and set(tree.codes) == {"1", "2", "3", "10", "11", "12", "20", "21"}
    assert tree.path("3") == "/1/3/" and tree.depth("12") == 2
    assert sorted(tree.children("1")) == ["2", "21", "3"]
    assert sorted(tree.descendants("2")) == ["10", "11", "2"]


def test_the_ancestor_table_pairs_each_unit_with_itself_and_its_ancestors():
    tree = UnitTree.from_paths({"b": "/a/b/"})
    pairs = tree.ancestor_table().to_pylist()
    assert sorted((p["unit_code"], p["ancestor_code"]) for p in pairs) == [("a", "a"), ("b", "a"), ("b", "b")]
    assert tree.ancestor_table(rollup=False).num_rows == 2


def test_a_moved_unit_rolls_up_under_its_own_latest_path():
    tree = UnitTree.from_paths({"x": "/new/x/", "y": "/old/x/y/"})
    assert tree.path("y") == "/new/x/y/"


def test_bad_paths_and_unknown_units_are_named():
    with pytest.raises(ValidationError, match="unit_path"):
        UnitTree.from_paths({"a": "/b/"})
    with pytest.raises(ValidationError, match="unit_path"):
        UnitTree.from_paths({"a": "a/"})
    with pytest.raises(NotFound):
        UnitTree.from_paths({"a": "/a/"}).path("b")
