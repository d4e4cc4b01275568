"""benchmarks/signals.py --years: where the planted changes of a one- and a two-year dataset start."""

from __future__ import annotations

from datetime import date

import pytest
from tests.benchmark_scripts import load_benchmark

SIGNALS = load_benchmark("signals")


def planted_starts(seed: int, years: int) -> list[date]:
    units, planted = SIGNALS.plan_dataset(seed, years)
    assert len(planted["changes"]) == 4
    return [change.start for unit in units for change in unit.changes]


def test_a_one_year_dataset_plants_its_changes_in_quarters_two_to_four() -> None:
    starts = {start for seed in range(1, 41) for start in planted_starts(seed, 1)}
    assert starts == {date(2025, 4, 1), date(2025, 7, 1), date(2025, 10, 1)}


def test_a_two_year_dataset_plants_its_changes_after_a_year_of_answers() -> None:
    starts = {start for seed in range(1, 41) for start in planted_starts(seed, 2)}
    # every quarter of the second year, so each change has the four quarters of the first before it
    assert starts == {date(2026, 1, 1), date(2026, 4, 1), date(2026, 7, 1), date(2026, 10, 1)}


def test_the_span_changes_only_when_the_changes_start() -> None:
    for seed in (1, 7, 301):
        (one, plan_one), (two, plan_two) = SIGNALS.plan_dataset(seed, 1), SIGNALS.plan_dataset(seed, 2)
        assert plan_one["outliers"] == plan_two["outliers"]
        assert [u.volume for u in one] == [u.volume for u in two]
        assert {u: c[0] for u, c in plan_one["changes"].items()} == {
            u: c[0] for u, c in plan_two["changes"].items()
        }


def test_only_the_spans_measured_are_offered() -> None:
    with pytest.raises(ValueError, match="years: 3"):
        SIGNALS.change_quarters(3)
