"""The linked rule for per-item tables (``kundpuls analyze``): every released row is a released group.

``kundpuls analyze`` gives each item's mean, NPS or share per unit × period (× background value), with the
threshold and the unit tree's complementary suppression applied to each table on its own. A reader who
also has the pages, the API or another ``analyze`` run could difference them (a quarter minus its months,
a total minus its values, a parent minus its children). :func:`released_item_rows` holds every row to the
grid of :func:`kundpuls.reports.disclosure.released_cells` for that item (its answering respondents over
every unit, month, quarter, year and background value, docs/methods.md, anonymity): a month, quarter or
year row is shown only when its cell is released; a row over any other run of months (``all``, a rolling
twelve months, a ``--from``/``--to`` window) only when each of its months with answers is; a unit's own
responses without its subtree (``--no-rollup`` on a unit with children) never.
"""

from __future__ import annotations

import os

import numpy as np
import pandas as pd

from kundpuls.analytics.lake.layout import month_from_index, month_index, quarter_of
from kundpuls.analytics.rollup import lake_unit_tree, open_lake
from kundpuls.reports.disclosure import MISSING_VALUE_LABELS, ReleasedCells, released_cells
from kundpuls.reports.index_frames import IndexPlan

#: The columns of a row that carry numbers (emptied when the row is hidden).
NUMBER_COLUMNS = ("estimate", "ci_low", "ci_high", "n", "n_eff")


def _months(start: str, end: str) -> list[str]:
    return [month_from_index(i) for i in range(month_index(start), month_index(end) + 1)]


def _calendar_cell(period: str, months: list[str]) -> bool:
    """Whether ``months`` are exactly the calendar period ``period`` (a month, a quarter or a year)."""
    if len(months) == 1:
        return period == months[0]
    if len(months) == 3:
        return period == quarter_of(months[0]) and all(quarter_of(m) == period for m in months)
    return len(months) == 12 and period == months[0][:4] and months[0].endswith("-01")


def _released(
    cells: ReleasedCells, unit: str, period: str, months: list[str], segment: str, value: str
) -> bool:
    if segment and value in MISSING_VALUE_LABELS:
        value = ""
    if _calendar_cell(period, months):
        return cells.released(unit, period, segment, value)
    groups = [(unit, m, segment, value) for m in months]
    return all(cells.counts.get(g, 0) == 0 or cells.cells.get(g, False) for g in groups)


def released_item_rows(
    table: pd.DataFrame,
    lake: str | os.PathLike[str],
    survey: str,
    *,
    threshold: int,
    segment: str | None,
    rollup: bool,
) -> pd.DataFrame:
    """``table`` (:func:`kundpuls.analytics.index_tables.index_table`) with every row the linked rule does
    not release hidden: no numbers, ``suppressed`` True."""
    if table.empty:
        return table
    _, manifest = open_lake(lake)
    tree = lake_unit_tree(manifest)
    _, parent, _ = tree.arrays()
    with_children = {tree.codes[int(p)] for p in parent if p >= 0}
    plan = IndexPlan(survey, (), {}, {}, {}, None, None, threshold, threshold)
    keep = np.ones(len(table), dtype=bool)
    for item in table["item"].astype(str).unique():
        cells = released_cells(lake, plan, f"item:{item}", items=(item,))
        rows = np.flatnonzero((table["item"].astype(str) == item).to_numpy())
        part = table.iloc[rows]
        values = part["segment"].astype(str) if segment else pd.Series([""] * len(part))
        keep[rows] = [
            (rollup or unit not in with_children)
            and _released(cells, unit, period, _months(first, last), segment or "", value)
            for unit, period, first, last, value in zip(
                part["unit"].astype(str),
                part["period"].astype(str),
                part["period_start"].astype(str),
                part["period_end"].astype(str),
                values,
                strict=True,
            )
        ]
    hide = ~keep & ~table["suppressed"].to_numpy(dtype=bool)
    if not hide.any():
        return table
    table = table.copy()
    for column in NUMBER_COLUMNS:
        if column in table.columns:
            table.loc[hide, column] = pd.NA if str(table[column].dtype) in ("Int64", "Float64") else np.nan
    table.loc[hide, "suppressed"] = True
    return table
