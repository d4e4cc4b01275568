"""Swedish working days: weekends and the public holidays of each year."""

from __future__ import annotations

from datetime import date

import pytest

from kundpuls.errors import InvalidArgument
from kundpuls.web.cases.working_days import (
    add_working_days,
    easter_sunday,
    is_working_day,
    swedish_days_off,
)


@pytest.mark.parametrize(
    ("year", "expected"),
    # Easter Sundays from the published Gregorian tables (e.g. the Swedish almanac).
    [(2000, date(2000, 4, 23)), (2024, date(2024, 3, 31)), (2025, date(2025, 4, 20)),
     (2026, date(2026, 4, 5)), (2027, date(2027, 3, 28)), (2038, date(2038, 4, 25)),
     (2285, date(2285, 3, 22))],
)  # fmt: skip
def test_easter_sunday_follows_the_gregorian_tables(year: int, expected: date) -> None:
    assert easter_sunday(year) == expected


def test_the_2026_days_off_are_the_swedish_holidays_on_weekdays() -> None:
    assert swedish_days_off(2026) == {
        date(2026, 1, 1),
        date(2026, 1, 6),
        date(2026, 4, 3),
        date(2026, 4, 6),
        date(2026, 5, 1),
        date(2026, 5, 14),
        date(2026, 6, 19),
        date(2026, 12, 24),
        date(2026, 12, 25),
        date(2026, 12, 31),
    }  # fmt: skip  (6 June and 26 December 2026 are a Saturday)


def test_two_working_days_from_a_friday_end_on_tuesday() -> None:
    assert add_working_days(date(2026, 11, 27), 2) == date(2026, 12, 1)


def test_midsummer_eve_and_the_weekend_are_skipped() -> None:
    assert add_working_days(date(2026, 6, 18), 2) == date(2026, 6, 23)


def test_easter_is_skipped() -> None:
    assert add_working_days(date(2026, 4, 2), 2) == date(2026, 4, 8)


def test_christmas_and_new_year_are_skipped() -> None:
    assert add_working_days(date(2026, 12, 23), 2) == date(2026, 12, 29)
    assert add_working_days(date(2026, 12, 30), 1) == date(2027, 1, 4)
    assert not is_working_day(date(2027, 1, 1))


def test_zero_days_is_the_start_and_negative_days_are_refused() -> None:
    assert add_working_days(date(2026, 3, 3), 0) == date(2026, 3, 3)
    with pytest.raises(InvalidArgument, match="days"):
        add_working_days(date(2026, 3, 3), -1)
