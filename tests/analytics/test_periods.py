"""Month -> period maps."""

from __future__ import annotations

import pytest

from kundpuls.analytics.periods import period_table
from kundpuls.errors import InvalidArgument, ValidationError


def _rows(months, kind, **kwargs):
    table = period_table(months, kind, **kwargs)
    return list(zip(*(table.column(c).to_pylist() for c in table.column_names), strict=True))


def test_quarters_and_years_group_calendar_months():
    assert _rows(["2024-03", "2024-04"], "quarter") == [
        ("2024-03", "2024-Q1", "2024-01", "2024-03"),
        ("2024-04", "2024-Q2", "2024-04", "2024-06"),
    ]
    assert _rows(["2024-12"], "year") == [("2024-12", "2024", "2024-01", "2024-12")]


def test_a_month_belongs_to_every_rolling_window_that_covers_it():
    months = [f"2023-{m:02d}" for m in range(1, 13)] + ["2024-01", "2024-02"]
    rows = _rows(months, "rolling12")
    windows_of_june = [r[1] for r in rows if r[0] == "2023-06"]
    assert windows_of_june == [f"R12 {m}" for m in months[5:14]]
    window = [r for r in rows if r[1] == "R12 2024-02"]
    assert [r[0] for r in window] == months[2:]
    assert {(r[2], r[3]) for r in window} == {("2023-03", "2024-02")}


def test_a_month_range_filters_and_bad_input_is_named():
    assert [r[0] for r in _rows(["2024-01", "2024-02", "2024-03"], "month", start="2024-02")] == [
        "2024-02",
        "2024-03",
    ]
    with pytest.raises(InvalidArgument, match="period"):
        period_table(["2024-01"], "week")
    with pytest.raises(ValidationError, match="month"):
        period_table(["2024-13"], "month")
