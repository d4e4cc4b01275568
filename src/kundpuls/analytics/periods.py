"""Reporting periods as a month -> period table, so one query serves every period kind.

The engines aggregate per calendar month first; joining the monthly aggregates with this small table
and grouping by ``period`` gives quarters, years, rolling twelve-month windows or the whole range. A
month belongs to one quarter and one year but to twelve rolling windows (the windows ending in it and in
the eleven months after it).
"""

from __future__ import annotations

from collections.abc import Sequence

import pyarrow as pa

from kundpuls.analytics.lake.layout import check_month, month_from_index, month_index, quarter_of
from kundpuls.analytics.period_kinds import PERIOD_KINDS
from kundpuls.errors import InvalidArgument


def period_table(
    months: Sequence[str], kind: str, *, start: str | None = None, end: str | None = None
) -> pa.Table:
    """Table ``(period_month, period, period_start, period_end)`` for the months in the data.

    Parameters
    ----------
    months : sequence of "YYYY-MM"
        Months present in the lake for the survey.
    kind : {"month", "quarter", "year", "rolling12", "all"}
        ``rolling12`` labels the window ending in month M as ``"R12 M"`` and covers M−11…M; windows
        end in every month from the first to the last month with data (the first eleven are partial,
        ``period_start`` says where the data begins).
    start, end : "YYYY-MM", optional
        Keep only months in this closed range.
    """
    if kind not in PERIOD_KINDS:
        raise InvalidArgument(
            f"period: {kind!r} is not one of {list(PERIOD_KINDS)}", field="period", value=kind
        )
    chosen = sorted(
        {
            check_month(m)
            for m in months
            if (start is None or m >= check_month(start)) and (end is None or m <= check_month(end))
        }
    )
    rows: list[tuple[str, str, str, str]] = []
    if chosen and kind == "all":
        label = f"{chosen[0]}..{chosen[-1]}"
        rows = [(m, label, chosen[0], chosen[-1]) for m in chosen]
    elif kind == "month":
        rows = [(m, m, m, m) for m in chosen]
    elif kind == "quarter":
        for m in chosen:
            q = quarter_of(m)
            first = month_from_index((month_index(m) // 3) * 3)
            rows.append((m, q, first, month_from_index(month_index(first) + 2)))
    elif kind == "year":
        rows = [(m, m[:4], f"{m[:4]}-01", f"{m[:4]}-12") for m in chosen]
    elif chosen and kind == "rolling12":
        first_index, last_index = month_index(chosen[0]), month_index(chosen[-1])
        for m in chosen:
            i = month_index(m)
            for window_end in range(i, min(i + 11, last_index) + 1):
                window_start = max(window_end - 11, first_index)
                rows.append(
                    (
                        m,
                        f"R12 {month_from_index(window_end)}",
                        month_from_index(window_start),
                        month_from_index(window_end),
                    )
                )
    columns = list(zip(*rows, strict=True)) if rows else [(), (), (), ()]
    names = ("period_month", "period", "period_start", "period_end")
    return pa.table(
        {name: pa.array(list(values), pa.string()) for name, values in zip(names, columns, strict=True)}
    )
