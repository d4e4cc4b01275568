from kundpuls.web.org.tree import find_cycle


def test_it_finds_a_cycle_and_closes_it_on_its_first_node() -> None:
    assert find_cycle({"a": "b", "b": "c", "c": "a"}, "a") == ["a", "b", "c", "a"]
    assert find_cycle({"a": "b", "b": None}, "a") is None


def test_a_path_leading_into_a_cycle_reports_only_the_cycle() -> None:
    assert find_cycle({"x": "a", "a": "b", "b": "a"}, "x") == ["a", "b", "a"]
