from hypothesis import given, settings
from hypothesis import strategies as st

from kundpuls.web.org.tree import find_cycle, materialise_paths


def test_it_finds_a_cycle_and_closes_it_on_its_first_node() -> None:
    assert find_cycle({"a": "b", "b": "c", "c": "a"}, "a") == ["a", "b", "c", "a"]
    assert find_cycle({"a": "b", "b": None}, "a") is None


def test_a_path_leading_into_a_cycle_reports_only_the_cycle() -> None:
    assert find_cycle({"x": "a", "a": "b", "b": "a"}, "x") == ["a", "b", "a"]


@st.composite
def forests(draw: st.DrawFn) -> dict[int, int | None]:
    n = draw(st.integers(min_value=1, max_value=60))
    parents: dict[int, int | None] = {}
    for node in range(1, n + 1):
        parents[node] = (
            draw(st.one_of(st.none(), st.integers(min_value=1, max_value=node - 1))) if node > 1 else None
        )
    return parents


@settings(max_examples=80, deadline=None)
@given(forests())
def test_every_path_is_its_parents_path_plus_itself(parents: dict[int, int | None]) -> None:
    paths = materialise_paths(parents)
    for node, parent in parents.items():
        path, depth = paths[node]
        if parent is None:
            assert (path, depth) == (f"/{node}/", 0)
        else:
            assert path == f"{paths[parent][0]}{node}/"
            assert depth == paths[parent][1] + 1
