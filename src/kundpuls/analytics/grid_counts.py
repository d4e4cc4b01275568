"""Each unit's own respondents per month for several sets of items and every segment split, in one pass.

The disclosure grids (:mod:`kundpuls.reports.disclosure`) need, for each index (its listwise-complete
respondents), NPS, the driver model, a module and every respondent, the count of each unit's own
respondents per month for the whole group and for every value of every background variable and the
channel. :func:`grid_counts` reads the survey's files once for all of them
(:class:`~kundpuls.analytics.query_specs.GridCountQuery`) instead of once per set and split; the counts
are the same as :func:`~kundpuls.analytics.cross_products.cross_products`' and
:func:`~kundpuls.analytics.respondent_answers.respondent_counts`' ``n`` with ``rollup=False`` by month.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from kundpuls.analytics.engines import Engine
from kundpuls.analytics.lake.manifest import LakeLocation
from kundpuls.analytics.query_specs import CountSet, GridCountQuery
from kundpuls.analytics.rollup import lake_unit_tree, open_lake, run_grouped_query


@dataclass(frozen=True)
class GridCounts:
    """The counts of :func:`grid_counts`, one frame per split.

    ``splits[""]`` is the whole group, ``splits[segment]`` the split by one segment; each frame has the
    columns ``unit``, ``period`` (month), ``segment`` (the value, None for no answer; None throughout for
    the whole group), ``rows`` (every respondent of the cell) and ``n_i`` per set ``i``.
    """

    splits: dict[str, pd.DataFrame]


def grid_counts(
    lake: str | os.PathLike[str] | LakeLocation,
    survey: str,
    sets: Sequence[CountSet],
    *,
    segments: Sequence[str] = (),
    engine: Engine | str | None = None,
) -> GridCounts:
    """Each unit's own respondents (no roll-up) per month, for each of ``sets``, whole and split by each of
    ``segments`` (see the module)."""
    query = GridCountQuery(survey, tuple(sets), tuple(segments))
    location, manifest = open_lake(lake)
    tree = lake_unit_tree(manifest)
    wide = run_grouped_query(
        location, manifest, query.sql(), query, tree, engine=engine, columns=query.columns
    )
    counts = [f"n_{i}" for i in range(len(sets))]
    names = ["unit", "period", "segment", "rows", *counts]
    if wide.num_rows == 0:
        empty = pd.DataFrame(
            {c: pd.Series([], dtype="int64" if c not in names[:3] else "object") for c in names}
        )
        return GridCounts({name: empty for name in ["", *segments]})
    frame = wide.to_pandas()
    frame["unit"] = frame["unit"].astype(str)
    frame["period"] = frame["period"].astype(str)
    for column in ("rows", *counts):
        frame[column] = frame[column].to_numpy(dtype=np.int64)
    flags = np.column_stack(
        [np.ones(len(frame), dtype=np.int64)] + [frame[f"g_{j}"].to_numpy() for j in range(len(segments))]
    )
    splits = {"": _split(frame, (flags == 1).all(axis=1), None, names)}
    for j, segment in enumerate(segments):
        splits[segment] = _split(frame, flags[:, j + 1] == 0, f"s_{j}", names)
    return GridCounts(splits)


def _split(frame: pd.DataFrame, rows: np.ndarray, value: str | None, names: list[str]) -> pd.DataFrame:
    part = frame.loc[rows].reset_index(drop=True)
    if value is None:
        part["segment"] = None
    else:
        part["segment"] = [None if pd.isna(v) else str(v) for v in part[value]]
    return part[names]
