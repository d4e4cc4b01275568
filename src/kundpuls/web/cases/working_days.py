"""Swedish working days: Monday–Friday except the public holidays of the year (computed, not looked up).

Public holidays (lag 1989:253 om allmänna helgdagar) that can fall on a weekday: New Year's Day, Epiphany,
Good Friday, Easter Monday, 1 May, Ascension Day, the National Day (6 June), Midsummer Eve (by custom a day
off, Friday between 19 and 25 June), Christmas Eve, Christmas Day, Boxing Day and New Year's Eve (the
eves are not holidays by law but days off under most collective agreements, and a deadline never ends on
them). Easter Sunday by the anonymous Gregorian algorithm (Meeus/Jones/Butcher).
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

from django.utils.translation import gettext as _

from kundpuls.errors import InvalidArgument


def easter_sunday(year: int) -> date:
    """Easter Sunday of ``year`` (Gregorian; Meeus, *Astronomical Algorithms*, 1991, ch. 8)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    l_ = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l_) // 451
    month, day = divmod(h + l_ - 7 * m + 114, 31)
    return date(year, month, day + 1)


@lru_cache(maxsize=64)
def swedish_days_off(year: int) -> frozenset[date]:
    """Public holidays and customary days off of ``year`` that are not already a Saturday or Sunday."""
    easter = easter_sunday(year)
    midsummer_eve = next(date(year, 6, d) for d in range(19, 26) if date(year, 6, d).weekday() == 4)
    days = {
        date(year, 1, 1),
        date(year, 1, 6),
        easter - timedelta(days=2),
        easter + timedelta(days=1),
        date(year, 5, 1),
        easter + timedelta(days=39),
        date(year, 6, 6),
        midsummer_eve,
        date(year, 12, 24),
        date(year, 12, 25),
        date(year, 12, 26),
        date(year, 12, 31),
    }
    return frozenset(d for d in days if d.weekday() < 5)


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in swedish_days_off(day.year)


def add_working_days(start: date, days: int) -> date:
    """The date ``days`` working days after ``start`` (``start`` itself does not count)."""
    if days < 0:
        raise InvalidArgument(
            _("days: %(days)s must not be negative") % {"days": days}, field="days", value=days
        )
    current = start
    remaining = days
    while remaining:
        current += timedelta(days=1)
        if is_working_day(current):
            remaining -= 1
    return current
