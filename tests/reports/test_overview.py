"""The overview: each unit's main index, significant change only, sorted on request, hidden units last."""

from __future__ import annotations

from typing import Any

from kundpuls.reports.overview import organisation_overview
from kundpuls.reports.unit_report import unit_report

UNITS = ["ALL", "A", "B", "C", "D", "SMALL"]


def test_each_row_matches_the_unit_report_of_the_same_period(small_lake: Any) -> None:
    overview = organisation_overview(
        small_lake.path, small_lake.definition, UNITS, period="2025-Q3", threshold_setting=7
    )
    assert overview.index_key == "NKI" and overview.period == "2025-Q3"
    for row in overview.rows:
        report = unit_report(
            small_lake.path, small_lake.definition, row.unit_code, period="2025-Q3", threshold_setting=7
        )
        assert row.value == report.headline.value  # type: ignore[union-attr]
        assert (row.change is None) == (report.headline.change is None)  # type: ignore[union-attr]


def test_sorting_by_estimate_puts_hidden_units_last_in_both_directions(small_lake: Any) -> None:
    for descending in (False, True):
        overview = organisation_overview(
            small_lake.path,
            small_lake.definition,
            UNITS,
            period="2025-Q3",
            sort="estimate",
            descending=descending,
            threshold_setting=7,
        )
        shown = [r.value.estimate for r in overview.rows if not r.value.suppressed]
        assert shown == sorted(shown, reverse=descending)
        assert overview.rows[-1].unit_code == "SMALL" and overview.rows[-1].value.suppressed


def test_tree_order_puts_the_root_first(small_lake: Any) -> None:
    overview = organisation_overview(
        small_lake.path, small_lake.definition, list(reversed(UNITS)), threshold_setting=7
    )
    assert overview.rows[0].unit_code == "ALL" and overview.rows[0].depth == 0
    assert {r.depth for r in overview.rows[1:]} == {1}
