"""When synthetic responses arrive: seasonal months, busy weekdays, office hours (seeded, vectorised).

The expected number of responses of a unit on a day is ``volume / 30.44 · s(month) · w(weekday)`` with the
factors below (each averaging 1), zero outside the open periods. A unit's count is Poisson; its days are
drawn in proportion to the daily rate, the hour from :data:`HOUR_WEIGHTS`, minute and second uniformly.
Times are local (``Europe/Stockholm`` by default) and returned timezone-aware.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta, tzinfo

import numpy as np

from kundpuls.errors import InvalidArgument

#: Monday … Sunday: most answers early in the week, few at weekends.
WEEKDAY_WEIGHTS = np.array([1.25, 1.20, 1.15, 1.10, 0.95, 0.70, 0.65])
#: January … December: the summer holidays (July) and Christmas are quiet.
MONTH_WEIGHTS = np.array([1.05, 1.05, 1.10, 1.05, 1.05, 0.90, 0.55, 0.90, 1.10, 1.10, 1.10, 0.85])
MONTH_WEIGHTS = MONTH_WEIGHTS / MONTH_WEIGHTS.mean()
#: Hour 0 … 23: office hours with a lunch dip, a smaller evening peak.
HOUR_WEIGHTS = np.array(
    [
        *(0.2, 0.1, 0.05, 0.05, 0.05, 0.1, 0.4, 1.0, 2.0, 3.0, 3.3, 3.0),  # 0-11
        *(2.5, 2.8, 3.0, 2.7, 2.3, 1.9, 1.8, 2.0, 2.1, 1.7, 1.0, 0.5),  # 12-23
    ]
)
DAYS_PER_MONTH = 365.25 / 12


def day_weights(
    days: Sequence[date] | np.ndarray, open_periods: Sequence[tuple[date, date]] | None
) -> np.ndarray:
    """Relative daily rate ``s(month) · w(weekday)`` of each day, 0 outside ``open_periods``."""
    values = np.asarray(days, dtype="datetime64[D]")
    weekday = (values.astype(np.int64) + 3) % 7  # 1970-01-01 was a Thursday
    month = values.astype("datetime64[M]").astype(np.int64) % 12
    weights = WEEKDAY_WEIGHTS[weekday] * MONTH_WEIGHTS[month]
    if open_periods is not None:
        inside = np.zeros(values.size, dtype=bool)
        for first, last in open_periods:
            inside |= (values >= np.datetime64(first, "D")) & (values <= np.datetime64(last, "D"))
        weights = np.where(inside, weights, 0.0)
    return weights


def submission_times(
    rng: np.random.Generator,
    volumes: np.ndarray,
    *,
    start: datetime,
    end: datetime,
    zone: tzinfo,
    open_periods: Sequence[tuple[date, date]] | None = None,
) -> tuple[np.ndarray, list[datetime]]:
    """Draw every unit's responses between ``start`` (inclusive) and ``end`` (exclusive).

    Parameters
    ----------
    rng
        The random generator.
    volumes
        Expected responses per month of each unit (shape ``(units,)``).
    start, end
        Timezone-aware bounds.
    zone
        The local time zone the weekday and hour pattern refers to.
    open_periods
        Inclusive ``(first day, last day)`` periods when the survey is answered; ``None`` = always.

    Returns
    -------
    units, times
        The unit index of each response and its timezone-aware time, sorted by time.
    """
    if start.tzinfo is None or end.tzinfo is None:
        raise InvalidArgument("start, end: must be timezone-aware datetimes", field="start", value=start)
    if end <= start:
        raise InvalidArgument(f"end: {end} must be after start {start}", field="end", value=end)
    first = start.astimezone(zone).date()
    last = end.astimezone(zone).date()
    days = np.arange(np.datetime64(first, "D"), np.datetime64(last, "D") + 1)
    weights = day_weights(days, open_periods)
    total = weights.sum()
    if total <= 0:
        return np.zeros(0, dtype=np.int64), []
    expected = np.asarray(volumes, dtype=float) * total / DAYS_PER_MONTH
    counts = rng.poisson(expected)
    units = np.repeat(np.arange(len(counts)), counts)
    n = units.size
    day = rng.choice(days.size, size=n, p=weights / total)
    hour = rng.choice(24, size=n, p=HOUR_WEIGHTS / HOUR_WEIGHTS.sum())
    seconds = hour * 3600 + rng.integers(0, 3600, size=n)
    local = days[day].astype("datetime64[s]") + seconds.astype("timedelta64[s]")
    naive = local.astype(datetime)
    times = [moment.replace(tzinfo=zone) for moment in naive]
    # keep the open interval [start, end); comparisons of aware datetimes are exact
    keep = np.fromiter((start <= moment < end for moment in times), dtype=bool, count=n)
    order = np.argsort(local[keep], kind="stable")
    kept_units = units[keep][order]
    kept_times = [times[i] for i in np.flatnonzero(keep)[order]]
    return kept_units, kept_times


def add_months(day: date, months: int) -> date:
    """``day`` moved by whole months (the day of month clipped to the month's length)."""
    month_index = day.year * 12 + day.month - 1 + months
    year, month = divmod(month_index, 12)
    following = date(year + (month + 1) // 12, (month + 1) % 12 + 1, 1)
    return date(year, month + 1, min(day.day, (following - timedelta(days=1)).day))
