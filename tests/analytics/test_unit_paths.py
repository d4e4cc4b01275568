"""Unit paths split and join the same way everywhere (database paths of keys, lake paths of codes)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from kundpuls.analytics.unit_paths import parent_path, path_from_segments, path_segments

segment = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-", min_size=1, max_size=12)


def test_it_splits_a_path_root_first() -> None:
    assert path_segments("/1/4/17/") == ["1", "4", "17"]
    assert path_segments("/KOMMUN/OMSORG/") == ["KOMMUN", "OMSORG"]
    assert path_segments("") == [] and path_segments("/") == []


def test_a_root_has_no_parent_and_a_child_has_its_parents_path() -> None:
    assert parent_path("/KOMMUN/") == ""
    assert parent_path("/KOMMUN/OMSORG/HEMT/") == "/KOMMUN/OMSORG/"


def test_no_segments_make_no_path() -> None:
    assert path_from_segments([]) == ""
    assert path_from_segments([1, 4]) == "/1/4/"


@given(st.lists(segment, min_size=1, max_size=8))
def test_splitting_undoes_joining(segments: list[str]) -> None:
    path = path_from_segments(segments)
    assert path_segments(path) == segments
    assert parent_path(path) == path_from_segments(segments[:-1])
